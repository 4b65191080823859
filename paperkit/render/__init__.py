"""Rendering LaTeX for the terminal. ``to_unicode`` gives one line of readable Unicode."""

from .unicode import to_unicode

__all__ = ["to_unicode"]
