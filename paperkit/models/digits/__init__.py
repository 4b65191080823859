"""The project's own tiny class-conditional diffusion model, trained on scikit-learn's digits.

No weights can be downloaded on the machines paperkit runs on, so every demo runs on this model:
a small ε-prediction UNet at 16×16, conditioned on the digit class, with a null class for
classifier-free guidance. Its weights ship inside the package (``paperkit/models/weights``).
"""
