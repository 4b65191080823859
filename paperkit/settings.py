"""Settings remembered between sessions: a small JSON file in the user config directory.

The app keeps what a user chose in the run panel (issue 13, "bring your own model"): the model
("scenes", "digits" or a Stable Diffusion folder / Hub id), the last Stable Diffusion one typed, and the
prompts and image paths given to each demo. The file is ``settings.json`` under
``platformdirs.user_config_dir("paperkit")`` (``PAPERKIT_CONFIG_DIR`` overrides the folder, as the
tests do). It is written atomically — a temporary file in the same folder, then ``os.replace`` — so
a crash never leaves half a file; a file that is missing, unreadable or not a JSON object is
ignored and the defaults apply. Plain Python (json, os): cheap to import on the app's UI path.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FILENAME = "settings.json"
DEFAULTS: dict[str, Any] = {
    "model": "scenes",      # what the run panel runs demos on: "scenes" (built in), "digits", a folder or a Hub id
    "sd_model": "",         # the last Stable Diffusion folder / Hub id typed (kept when a built-in model is picked)
    "demo_inputs": {},      # demo name → {option: value}: prompts, image paths, from/to texts
}


def config_dir() -> Path:
    """``$PAPERKIT_CONFIG_DIR``, else the platform's user config directory for paperkit."""
    override = os.environ.get("PAPERKIT_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("paperkit"))


def settings_path() -> Path:
    return config_dir() / FILENAME


def load(path: Path | None = None) -> dict[str, Any]:
    """The settings: the defaults, overlaid with what the file holds when it is a readable JSON object.

    Values of the wrong type are dropped (a hand-edited file cannot break the app)."""
    data = _defaults()
    path = Path(path) if path is not None else settings_path()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return data
    if not isinstance(stored, dict):
        return data
    for key, value in stored.items():
        if key in DEFAULTS and not isinstance(value, type(DEFAULTS[key])):
            continue
        data[key] = value
    return data


def save(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write ``data`` as JSON atomically (a temporary file in the same folder, then ``os.replace``)."""
    path = Path(path) if path is not None else settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def update(path: Path | None = None, **changes: Any) -> dict[str, Any]:
    """Load, apply ``changes``, and save only when something changed; returns the settings.

    A folder that cannot be written to is not an error: the choice holds for this session only."""
    data = load(path)
    if all(data.get(k) == v for k, v in changes.items()):
        return data
    data.update(changes)
    try:
        save(data, path)
    except OSError:
        pass
    return data


def demo_inputs(demo: str, path: Path | None = None) -> dict[str, Any]:
    """What was last given to ``demo`` (prompts, image paths, from/to), or {}."""
    stored = load(path)["demo_inputs"].get(demo)
    return dict(stored) if isinstance(stored, dict) else {}


def remember_demo_inputs(demo: str, values: dict[str, Any], path: Path | None = None) -> None:
    """Keep ``values`` as ``demo``'s inputs (written only when they changed)."""
    data = load(path)
    inputs = dict(data["demo_inputs"])
    if inputs.get(demo) == values:
        return
    inputs[demo] = dict(values)
    update(path, demo_inputs=inputs)


def _defaults() -> dict[str, Any]:
    return json.loads(json.dumps(DEFAULTS))  # a deep copy
