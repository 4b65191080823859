"""What a model name means, checked without loading anything: ``resolve_model(name) -> ModelRef``.

A name is one of (issue 13, "bring your own model"):

- ``"scenes"`` (the default): the built-in caption-conditioned model of the scene world
  (``paperkit.models.scenes``, issue 15); its prompts are captions of that world;
- ``"digits"``: the built-in class-conditional digits model (``paperkit.models.digits``);
- a local diffusers Stable Diffusion folder (``model_index.json``, ``unet/``, ``vae/``,
  ``text_encoder/``, ``tokenizer/``, ``scheduler/``), as ``save_pretrained`` writes it;
- a Hugging Face Hub id ``"org/name"``: the snapshot in the local Hugging Face cache
  (``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``), found with
  ``huggingface_hub.snapshot_download(..., local_files_only=True)``. A Hub id that is not cached is
  downloaded at load time, the way diffusers' ``from_pretrained`` does, unless the Hub is offline
  (``HF_HUB_OFFLINE=1``): then it is one ``UserError`` line saying so.

Everything here is file reading: no torch, no diffusers, and ``huggingface_hub`` only for a Hub id,
so the CLI checks ``--model`` before it imports torch. Every bad name is a ``UserError`` of one line:
a missing folder, a file, a folder that is not a pipeline, an unknown word ("digit" → "digits").
The environment (``HF_HOME``, ``HF_HUB_CACHE``, ``HF_HUB_OFFLINE``) is read at each call, not when
``huggingface_hub`` was imported, so a test or a long-running app can change it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

DIGITS = "digits"
SCENES = "scenes"
BUILTIN = (SCENES, DIGITS)
#: What a demo runs on when no model is named: the app's and the CLI's default.
DEFAULT_MODEL = SCENES
#: The sub-folders a Stable Diffusion pipeline folder must have.
REQUIRED_COMPONENTS = ("unet", "vae", "text_encoder", "tokenizer", "scheduler")
#: Words that name each built-in model (what the app's picker shows, too); "built-in" alone is the default one.
DIGITS_NAMES = ("digits", "digits (built-in)")
SCENES_NAMES = ("scenes", "scene", "scenes (built-in)", "built-in", "builtin")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_TRUE = {"1", "on", "yes", "true"}


@dataclass(frozen=True)
class ModelRef:
    """A model name, resolved: ``kind`` is "digits", "scenes", "folder" (a local pipeline folder) or "hub".

    For "folder" ``path`` is the folder; for "hub" it is the cached snapshot folder, or None when
    the repository is not cached and will be downloaded (``repo_id`` names it either way).
    """

    name: str
    kind: str
    path: Path | None = None
    repo_id: str | None = None

    @property
    def text_to_image(self) -> bool:
        """A model that needs the user's prompts and images (Stable Diffusion): the CLI and the app
        require a demo's ``required`` inputs for it. The built-in models have defaults for everything
        (the scene model takes captions as prompts, but needs none)."""
        return self.kind not in BUILTIN

    @property
    def builtin(self) -> bool:
        """One of the project's own models ("scenes", "digits"), shipped with it."""
        return self.kind in BUILTIN

    def describe(self) -> str:
        """One line for summaries: "built-in digits model", "Stable Diffusion folder ~/models/sd15",
        "runwayml/stable-diffusion-v1-5 (Hugging Face cache)"."""
        if self.kind == DIGITS:
            return "built-in digits model"
        if self.kind == SCENES:
            return "built-in scene model"
        if self.kind == "folder":
            return f"Stable Diffusion folder {display_path(self.path)}"
        if self.path is not None:
            return f"{self.repo_id} (Hugging Face cache)"
        return f"{self.repo_id} (to download from the Hugging Face Hub)"


def display_path(path) -> str:
    """``path`` with the home folder written as ``~``."""
    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text


def is_digits(name: str | None) -> bool:
    """Does ``name`` name the built-in digits model ("digits", "Digits (built-in)")?"""
    return (name or "").strip().lower() in DIGITS_NAMES


def is_scenes(name: str | None) -> bool:
    """Does ``name`` name the built-in scene model? No name (None, "") is the default: the scene model."""
    return (name or DEFAULT_MODEL).strip().lower() in SCENES_NAMES


def is_builtin(name: str | None) -> bool:
    """One of the project's own models (no name: the default, the scene model)."""
    return is_digits(name) or is_scenes(name)


def canonical_model(name: str | None) -> str:
    """One spelling per model: "scenes" (also for no name), "digits", a folder as its absolute path
    (a choice that outlives the current folder), a Hub id as typed."""
    name = (name or DEFAULT_MODEL).strip()
    if is_digits(name):
        return DIGITS
    if is_scenes(name):
        return SCENES
    folder = Path(name).expanduser()
    return str(folder.resolve()) if folder.is_dir() else name


def looks_like_hub_id(text: str) -> bool:
    """"org/name" as the Hub spells repositories (not a path that starts with /, ~ or .)."""
    return bool(_HUB_ID.match(text)) and ".." not in text and not text.startswith((".", "~"))


def _looks_like_path(text: str) -> bool:
    return (text.startswith(("/", "~", ".", "\\")) or text.endswith(("/", "\\")) or "\\" in text
            or text.count("/") > 1 or bool(re.match(r"^[A-Za-z]:", text)))


def hub_cache_dir() -> Path:
    """Where huggingface_hub keeps downloads, by its own rule, read now: ``$HF_HUB_CACHE`` (or the
    older ``$HUGGINGFACE_HUB_CACHE``), else ``$HF_HOME/hub``, else ``$XDG_CACHE_HOME/huggingface/hub``,
    else ``~/.cache/huggingface/hub``."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.path.expandvars(os.environ[var])).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(os.path.expandvars(home)).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(xdg).expanduser() / "huggingface" / "hub"


def hub_offline() -> bool:
    """``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) set to a true value, read now."""
    return any((os.environ.get(var) or "").strip().lower() in _TRUE for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def read_model_index(folder: Path) -> dict:
    """The folder's ``model_index.json`` as a dict; a UserError when it is missing or unreadable."""
    index = folder / "model_index.json"
    if not index.is_file():
        raise UserError(f"not a diffusers pipeline folder (no model_index.json): {display_path(folder)}")
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:120]
        raise UserError(f"cannot load a Stable Diffusion pipeline from {display_path(folder)}: "
                        f"model_index.json is not valid JSON ({reason})") from exc
    if not isinstance(data, dict):
        raise UserError(f"cannot load a Stable Diffusion pipeline from {display_path(folder)}: "
                        "model_index.json is not a JSON object")
    return data


def check_pipeline_folder(folder: Path) -> dict:
    """Check that ``folder`` is a Stable Diffusion pipeline folder paperkit can load; returns its
    ``model_index.json``. One UserError line for: no such folder, a file, no ``model_index.json``,
    missing component folders, a pipeline of another family (SDXL's two text encoders, …)."""
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise UserError(f"model folder not found: {display_path(folder)}")
    if not folder.is_dir():
        raise UserError(f"model path is not a folder: {display_path(folder)} "
                        "(a Stable Diffusion model is a folder with model_index.json)")
    index = read_model_index(folder)
    if "text_encoder_2" in index or "transformer" in index:
        kind = index.get("_class_name") or "this pipeline"
        raise UserError(f"{kind} in {display_path(folder)} is not supported: paperkit runs Stable Diffusion "
                        "v1/v2 pipelines (one UNet, one CLIP text encoder)")
    missing = [name for name in REQUIRED_COMPONENTS if not (folder / name).is_dir()]
    if missing:
        raise UserError(f"incomplete Stable Diffusion folder {display_path(folder)}: "
                        f"missing {', '.join(m + '/' for m in missing)}")
    return index


def cached_snapshot(repo_id: str, cache_dir: Path | None = None) -> Path | None:
    """The snapshot folder of Hub repository ``repo_id`` in the local cache (what ``refs/main``
    names), or None when it is not cached. Never touches the network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    cache_dir = cache_dir or hub_cache_dir()
    if not (cache_dir / ("models--" + repo_id.replace("/", "--"))).is_dir():
        return None  # the common case, answered without asking huggingface_hub
    try:
        return Path(snapshot_download(repo_id, cache_dir=str(cache_dir), local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def resolve_model(name: str | None) -> ModelRef:
    """What ``name`` names (see the module docstring); a UserError of one line when it names nothing usable."""
    text = (name or "").strip()
    if not text:
        raise UserError('no model named: use "scenes", "digits", a Stable Diffusion folder or a Hugging Face Hub id (org/name)')
    if is_digits(text):
        return ModelRef(DIGITS, DIGITS)
    if is_scenes(text):
        return ModelRef(SCENES, SCENES)
    path = Path(text).expanduser()
    if path.exists():
        check_pipeline_folder(path)
        return ModelRef(text, "folder", path=path.resolve())
    if looks_like_hub_id(text) and not _looks_like_path(text):
        return _resolve_hub(text)
    if _looks_like_path(text) or os.sep in text:
        raise UserError(f"model folder not found: {display_path(path)}")
    close = difflib.get_close_matches(text.lower(), list(BUILTIN), n=1, cutoff=0.6)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise UserError(f"unknown model {text!r}{hint} (a model is \"scenes\", \"digits\", a Stable Diffusion folder "
                    "or a Hugging Face Hub id such as runwayml/stable-diffusion-v1-5)")


def _resolve_hub(repo_id: str) -> ModelRef:
    cache = hub_cache_dir()
    snapshot = cached_snapshot(repo_id, cache)
    if snapshot is not None:
        try:
            check_pipeline_folder(snapshot)
        except UserError as exc:
            if hub_offline():
                raise UserError(f"model {repo_id!r} in the Hugging Face cache ({display_path(cache)}) is not usable "
                                f"and the Hub is offline: {exc}") from exc
            return ModelRef(repo_id, "hub", path=None, repo_id=repo_id)  # complete it from the Hub at load time
        return ModelRef(repo_id, "hub", path=snapshot, repo_id=repo_id)
    if hub_offline():
        raise UserError(f"model {repo_id!r} is not in the Hugging Face cache ({display_path(cache)}) and the Hub is "
                        f"offline: download it where there is network (`hf download {repo_id}`), unset HF_HUB_OFFLINE, "
                        "or name a local folder")
    return ModelRef(repo_id, "hub", path=None, repo_id=repo_id)


def describe_model(name: str | None) -> str:
    """One line saying what ``name`` resolves to (see ``ModelRef.describe``); a UserError if nothing."""
    return resolve_model(name).describe()
