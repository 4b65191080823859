"""One line for a failed run, in the user's words: what failed and what to try instead.

Shared by the demo process (which sees the real exception) and the app (which shows the line).
"""

from __future__ import annotations

from ..errors import is_out_of_memory
from ..models.resolve import BUILTIN  # plain Python


#: How each surface names the knobs that make a run smaller.
_KNOBS = {
    "app": {"steps": "fewer steps (quick)", "half": "half precision (the cuda device loads models in float16)",
            "cpu": "the cpu device"},
    "cli": {"steps": "fewer --steps", "half": "half precision (--dtype float16)", "cpu": "--device cpu"},
}


def out_of_memory_line(what: str, exc: BaseException, model=None, device=None, surface: str = "app") -> str:
    """Out of memory as one line with what to make smaller: the batch (prompts, images), the steps,
    the precision (a text-to-image model loaded in float32), the device (when not the CPU)."""
    knobs = _KNOBS[surface]
    first = (str(exc).strip().splitlines() or [""])[0]
    detail = f" ({first[:120]})" if surface == "cli" and first else ""
    tips = ["a smaller batch (fewer prompts or images)", knobs["steps"]]
    if (getattr(model, "text_to_image", False) and getattr(model, "name", "") not in BUILTIN
            and str(getattr(model, "dtype", "")).removeprefix("torch.") == "float32"):
        tips.append(knobs["half"])  # Stable Diffusion in float32; the built-in models have no half-precision weights
    if device is None or getattr(device, "type", str(device)) != "cpu":
        tips.append(knobs["cpu"])
    where = "GPU memory" if device is None or getattr(device, "type", str(device)) != "cpu" else "memory"
    return f"{what}: out of {where}{detail} — try " + ", ".join(tips[:-1]) + " or " + tips[-1]


def describe_failure(exc: BaseException, demo: str, model=None) -> str:
    """``exc`` raised by demo ``demo`` as one line: a UserError's or a NaN's own message as it is,
    out-of-memory with what to change (``out_of_memory_line``), CUDA failures with the way back to the CPU."""
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if name == "UserError":
        return text.replace("--device ", "device ")
    if name == "NonFiniteError":
        return text
    if is_out_of_memory(exc):
        return out_of_memory_line(demo, exc, model)
    if isinstance(exc, ValueError):
        return f"{demo}: {text}"
    if "CUDA" in text or "cuda" in text:
        return f"{demo}: CUDA failed ({text}) — switch the device to cpu"
    return f"{demo} failed: {name}: {text}" if text else f"{demo} failed: {name}"
