"""Models behind the maths in ``paperkit.diffusion``, and ``load_model`` to get one by name.

A *model* there is anything with the protocol of ``paperkit.models.protocol`` (``eps(x_t, t, cond)``,
``null_cond``, ``schedule``, ``latent_shape``, ``to_pixels`` …). ``load_model(name)`` takes:

- ``"scenes"`` (the default): the project's own caption-conditioned model of its scene world
  (``paperkit.models.scenes``, issue 15), whose weights ship in the package;
- ``"digits"``: the project's own class-conditional model on scikit-learn's digits, whose weights
  ship in the package (``paperkit.models.digits``);
- a local diffusers Stable Diffusion folder, or a Hugging Face Hub id ("org/name") found in the
  local Hugging Face cache (downloaded when it is not there and the Hub is reachable):
  ``stable_diffusion.StableDiffusionModel``. ``resolve.resolve_model`` says which, without loading;
  ``describe_model(name)`` is that as one line. ``tiny_sd`` builds a tiny random-weight Stable
  Diffusion offline, for tests and benchmarks.

The submodules import torch (and, for Stable Diffusion, diffusers): they load only when called;
``resolve`` imports neither.
"""

from __future__ import annotations

MODELS = ("scenes", "digits")  # the built-in models, the default first


def load_model(name: str = "scenes", device="cpu", *, dtype=None, callback=None):
    """The model ``name`` names (see the module docstring), on ``device``.

    ``dtype``: None is float16 on CUDA for Stable Diffusion and float32 elsewhere; the built-in
    models are always float32. ``callback(step, total, {"stage": "load", "component": name})`` follows
    each component as it is loaded (one step for a built-in model). A name that names nothing usable is
    a ``paperkit.errors.UserError`` of one line.
    """
    from .resolve import DIGITS, SCENES, hub_cache_dir, resolve_model

    ref = resolve_model(name)
    if ref.kind == SCENES:
        from .scenes.model import load_scenes

        model = load_scenes(device=device)
        if callback is not None:
            callback(1, 1, {"stage": "load", "component": "scenes"})
        return model
    if ref.kind == DIGITS:
        from .digits.model import load_digits

        model = load_digits(device=device)
        if callback is not None:
            callback(1, 1, {"stage": "load", "component": "digits"})
        return model
    from .stable_diffusion import StableDiffusionModel, download_pipeline

    folder = ref.path
    if folder is None:  # a Hub id not (completely) in the cache, and the Hub is not offline
        folder = download_pipeline(ref.repo_id, hub_cache_dir())
    return StableDiffusionModel.from_folder(folder, device=device, dtype=dtype, callback=callback)


def describe_model(name: str) -> str:
    """One line on what ``name`` resolves to, without loading it: "built-in digits model",
    "Stable Diffusion folder ~/models/sd15", "runwayml/stable-diffusion-v1-5 (Hugging Face cache)"."""
    from .resolve import describe_model as describe

    return describe(name)
