"""``interpolation``: frames between two prompts by blending their embeddings (``lesson11.prompt_interpolation``).

The scene model (the default) is conditioned through its caption encoder: six attribute tokens
pooled into one vector (``SceneModel.prompt_embedding``); the default ends are "a red circle on a
plain blue background" and "a yellow star on a plain blue background" — one object that changes
shape and colour on the same background — and the scene world's attribute classifier reads each
frame (which objects it sees; whether it reads as the first caption's or the second's). The digits
model is conditioned through a learned embedding per class (128 numbers); a "prompt" ("3", "eight")
picks one. A text-to-image model blends the text encoder's hidden states of the two
prompts (77 × 768 numbers for Stable Diffusion v1), as the lesson did between seasons. Frame k of n blends the two embeddings at w = k/(n − 1), by ``lerp``
((1 − w) a + w b) and by ``slerp`` (along the great circle). Every frame starts from the same x_T
(the same seed), so only the conditioning changes, and is sampled by deterministic DDIM with
classifier-free guidance (``cfg.6``) against the null class's embedding.

Linear blends of two nearly orthogonal vectors are shorter mid-way (the series shows ‖e‖ along both
paths); slerp keeps the norm between the end points'. With the digits classifier installed the table
reads each frame: which digit it sees and p(from), p(to).
"""

from __future__ import annotations

import torch

from ..diffusion import lerp, slerp
from ._common import (Progress, add_grid, classify, ddim_sample, generator, is_scene_model, pixels, scene_readings,
                      short_caption, start_noise)
from .plans import sampling_steps
from . import SCENE_ENDS, SEASON_PROMPTS
from .result import DemoResult

TEXT_FRAMES = 5  # 2 × 5 frames in one batch: Stable Diffusion at 512 px fits a consumer GPU in half precision


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        source: str = "3", target: str = "8", prompts=None, frames: int | None = None,
        guidance: float | None = None) -> DemoResult:
    steps = sampling_steps(steps)
    text = bool(getattr(model, "text_to_image", False))
    scenes = is_scene_model(model)
    if prompts is not None:
        if len(prompts) != 2:
            raise ValueError(f"interpolation takes exactly two prompts (from and to), got {len(prompts)}")
        source, target = (str(p) for p in prompts)
    elif scenes:
        source, target = SCENE_ENDS  # one background, one object that changes shape and colour
    elif text:
        source, target = SEASON_PROMPTS  # the lesson's seasons: one scene in summer and in winter
    frames = frames if frames is not None else (TEXT_FRAMES if text and not scenes else 9)
    guidance = guidance if guidance is not None else (7.5 if text and not scenes else 3.0)
    if frames < 2:
        raise ValueError(f"frames must be at least 2, got {frames}")
    if scenes:
        a_label, b_label = f"\"{short_caption(source)}\"", f"\"{short_caption(target)}\""  # checks both captions
    elif text:
        a_label, b_label = f"\"{source}\"", f"\"{target}\""
    else:
        a_label, b_label = int(model.encode_prompt(source)[0]), int(model.encode_prompt(target)[0])
    e_a, e_b = model.prompt_embedding([source, target]).float().unbind(0)
    ws = [k / (frames - 1) for k in range(frames)]
    paths = {"lerp": torch.stack([lerp(e_a, e_b, w) for w in ws]), "slerp": torch.stack([slerp(e_a, e_b, w) for w in ws])}
    cond = torch.cat([paths["lerp"], paths["slerp"]])                     # (2n, …) embeddings
    progress = Progress("interpolation", steps, callback, cancel)
    gen = generator(seed)
    noise = start_noise(model, 1, gen, device)
    x_T = noise.expand(len(cond), *noise.shape[1:]).contiguous()          # the same x_T for every frame
    x0, _ = ddim_sample(model, x_T, cond, steps=steps, scales=guidance, progress=progress, stage="frames")
    x0 = pixels(model, x0)
    frames_by = {"lerp": x0[:frames], "slerp": x0[frames:]}
    embedding = "caption" if scenes else "text" if text else "class"

    result = DemoResult("interpolation", settings={"seed": seed, "device": str(device), "steps": steps, "source": source,
                                                   "target": target, "frames": frames, "guidance": float(guidance)})
    w_labels = [f"{w:.2f}" for w in ws]
    w_title = f"w (0: {a_label}, 1: {b_label})" if scenes else f"w (0: \"{source}\", 1: \"{target}\")"
    add_grid(result, "frames", torch.stack([frames_by["lerp"], frames_by["slerp"]], 0),
             title=f"From {a_label} to {b_label}: the {embedding} embedding blended by w, same x_T in every frame",
             rows=["lerp", "slerp"], row_title="path", cols=w_labels, col_title=w_title,
             caption=("rows: lerp, slerp; columns: w = " + ", ".join(w_labels) + f" from {a_label} to {b_label}"))
    for name, path in paths.items():
        add_grid(result, name, frames_by[name], title=f"{name.capitalize()} from {a_label} to {b_label}, {frames} frames, same x_T",
                 rows=[name], cols=w_labels, col_title=w_title,
                 caption=f"{name} from {a_label} to {b_label}, {frames} frames")
        norms = path.flatten(1).norm(dim=1).tolist()
        result.series[f"norm.{name}"] = {"x": ws, "y": norms, "label": name, "plot": "‖embedding‖ along the path",
                                         "xlabel": "w", "ylabel": "‖e‖", "yscale": "linear"}
        result.metrics[f"mid_norm_ratio.{name}"] = norms[frames // 2] / ((norms[0] + norms[-1]) / 2)
    cos = float(torch.dot(e_a.flatten(), e_b.flatten()) / (e_a.norm() * e_b.norm()))
    result.metrics["cos_between_prompts"] = cos
    rows = [{"w": w, "‖lerp‖": float(paths["lerp"][k].norm()), "‖slerp‖": float(paths["slerp"][k].norm())} for k, w in enumerate(ws)]
    out = None if text else classify(x0)
    if out is not None:
        labels, probs = out
        for name, offset in (("lerp", 0), ("slerp", frames)):
            for k in range(frames):
                rows[k][f"{name} reads"] = int(labels[offset + k])
                rows[k][f"{name} p({a_label})"] = float(probs[offset + k, a_label])
                rows[k][f"{name} p({b_label})"] = float(probs[offset + k, b_label])
            result.series[f"p_target.{name}"] = {"x": ws, "y": [float(probs[offset + k, b_label]) for k in range(frames)],
                                                 "label": name, "plot": f"classifier p({b_label})", "xlabel": "w",
                                                 "ylabel": "probability", "yscale": "linear"}
            result.metrics[f"first_frame_reads_source.{name}"] = float(labels[offset] == a_label)
            result.metrics[f"last_frame_reads_target.{name}"] = float(labels[offset + frames - 1] == b_label)
    read = _read_scene_frames(result, x0, frames, ws, rows, source, target) if scenes else False
    result.tables.append({"name": "frames", "title": f"\"{source}\" → \"{target}\": embedding norms"
                          + (" and classifier readings" if out is not None or read else ""), "columns": list(rows[0]), "rows": rows})
    result.text = [
        f"{frames} frames from {a_label} to {b_label}, DDIM {steps} steps, guidance {guidance:g}, one x_T for all",
        f"cos between the two {embedding} embeddings {cos:.2f}; mid-way ‖e‖ / end-point mean: lerp "
        f"{result.metrics['mid_norm_ratio.lerp']:.2f}, slerp {result.metrics['mid_norm_ratio.slerp']:.2f}",
    ]
    if out is not None:
        reads = {name: [rows[k][f'{name} reads'] for k in range(frames)] for name in paths}
        result.text.append("classifier reads — lerp: " + " ".join(map(str, reads["lerp"])) + "; slerp: "
                           + " ".join(map(str, reads["slerp"])))
    if read:
        result.text.append("scene classifier — frames read as the first caption / the second: "
                           + "; ".join(f"{name} {result.metrics[f'reads_source.{name}']:.0f} / {result.metrics[f'reads_target.{name}']:.0f}"
                                       for name in paths) + f" of {frames}")
    return result


def _read_scene_frames(result: DemoResult, x0: torch.Tensor, frames: int, ws: list[float], rows: list[dict],
                       source: str, target: str) -> bool:
    """The scene world's attribute classifier on every frame: what it reads, and whether that is the
    first caption's objects or the second's (added to ``rows``, the series and the metrics). False
    when its weights are missing."""
    as_source = scene_readings(x0, [source] * len(x0))
    as_target = scene_readings(x0, [target] * len(x0))
    if as_source is None or as_target is None:
        return False
    for name, offset in (("lerp", 0), ("slerp", frames)):
        for k in range(frames):
            rows[k][f"{name} reads"] = as_source["labels"][offset + k]
        hits_a = [float(h) for h in as_source["hits"][offset:offset + frames]]
        hits_b = [float(h) for h in as_target["hits"][offset:offset + frames]]
        p_b = as_target["target_probs"][offset:offset + frames]
        result.series[f"p_target.{name}"] = {"x": ws, "y": p_b, "label": name, "plot": "classifier p(the second caption's objects)",
                                             "xlabel": "w", "ylabel": "probability", "yscale": "linear"}
        result.metrics[f"reads_source.{name}"] = sum(hits_a)
        result.metrics[f"reads_target.{name}"] = sum(hits_b)
        result.metrics[f"first_frame_reads_source.{name}"] = hits_a[0]
        result.metrics[f"last_frame_reads_target.{name}"] = hits_b[-1]
    return True
