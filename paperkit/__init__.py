"""paperkit: a terminal reading companion for machine-learning papers.

The library has no UI. Importing it is cheap: torch, diffusers and pymupdf are imported only by
the modules that need them (``paperkit.diffusion``, ``paperkit.models``), never at package level.
"""

__version__ = "0.1.0"
