"""The scene world's caption-conditioned diffusion model (issue 15): trained by the project on its own
procedural scenes (``paperkit.scenes``), weights shipped in ``paperkit/models/weights/scenes.pt``."""
