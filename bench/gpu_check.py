"""Demos on CUDA vs the CPU; with ``--sd``, our sampler vs diffusers' pipeline on an SD-sized UNet.

On a GPU box, the Stable Diffusion-sized check (random weights from SD v1.5's UNet config, ≈ 860 M
parameters, nothing downloaded; see ``bench/_sd_unet.py``):

    .venv/bin/python bench/gpu_check.py --sd --device cuda            # fp32 and fp16, batch 1 and 2, 50 steps
    .venv/bin/python bench/gpu_check.py --sd --device cuda --json

It prints, per dtype and batch, the time per DDIM step (guidance 7.5) of ``paperkit.diffusion.sample``
and of diffusers' ``StableDiffusionPipeline`` on the same UNet, their ratio, the peak CUDA memory of
each, and the largest difference between the two final latents (and, for fp16, from the fp32 ones).
``--size small`` runs the same architecture with narrow channels, quick enough for a CPU (CI runs
``--sd --size small --device cpu --steps 3``); ``--size sd`` on a CPU works but takes seconds a step.

Without ``--sd``, the demos check:

Both devices start from the same noise (every draw comes from a seeded CPU generator, then moves to
the device), so the outputs differ only by floating-point rounding, compounded over the sampling
steps: the check reports, per demo, the largest pixel difference (0..255) in any image, the share of
pixels that differ by more than 8 levels, and the largest relative difference over the metrics. It
also runs each demo twice on CUDA to confirm the same seed gives the same result there.

Without CUDA it says so and makes one quick CPU-only pass (few steps) so that the script itself is
exercised, then exits 0.

    .venv/bin/python bench/gpu_check.py [--repeats 3] [--steps N] [--demo NAME ...] [--json]
    .venv/bin/python bench/gpu_check.py --sd [--size sd|small] [--device auto|cuda|cpu] [--dtype fp32 --dtype fp16]
                                        [--batch 1 --batch 2] [--steps 50] [--repeats 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from paperkit.demos import DEMOS, run_demo  # noqa: E402
from paperkit.errors import UserError  # noqa: E402
from paperkit.models import load_model  # noqa: E402

CPU_ONLY_STEPS = 4


def timed(name, model, device, steps, repeats):
    """(median seconds over ``repeats`` runs after a warm-up, the last result)."""
    fn = _common.synced(lambda: run_demo(name, model, device=device, seed=0, steps=steps), device)
    result = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def differences(a, b) -> dict:
    """Largest differences between two results of one demo: images (0..255 levels) and metrics (relative)."""
    max_px, share = 0, 0.0
    for key in a.images:
        d = np.abs(a.images[key].astype(np.int16) - b.images[key].astype(np.int16))
        max_px = max(max_px, int(d.max()))
        share = max(share, float((d > 8).mean()))
    max_rel, worst = 0.0, None
    for key in a.metrics.keys() & b.metrics.keys():
        x, y = float(a.metrics[key]), float(b.metrics[key])
        rel = abs(x - y) / max(abs(x), abs(y), 1e-12) if not (math.isnan(x) and math.isnan(y)) else 0.0
        if rel > max_rel:
            max_rel, worst = rel, key
    return {"max_pixel_diff": max_px, "share_pixels_over_8": share, "max_metric_rel_diff": max_rel, "worst_metric": worst}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per demo and device (median; default 3)")
    p.add_argument("--steps", type=int, default=None, help="steps for every demo (default: each demo's own)")
    p.add_argument("--demo", action="append", choices=list(DEMOS), help="only these demos (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    sd = p.add_argument_group("Stable Diffusion-sized UNet (--sd)")
    sd.add_argument("--sd", action="store_true", help="sample vs StableDiffusionPipeline on an SD v1.5-sized UNet")
    sd.add_argument("--size", choices=("sd", "small"), default="sd", help="sd: SD v1.5's UNet (default); small: narrow")
    sd.add_argument("--device", default="auto", help="auto, cuda or cpu (default auto: CUDA when present)")
    sd.add_argument("--dtype", action="append", choices=("fp32", "fp16", "bf16"),
                    help="repeatable (default: fp32 and fp16 on CUDA, fp32 on the CPU)")
    sd.add_argument("--batch", action="append", type=int, help="images per prompt batch, repeatable (default 1 and 2)")
    args = p.parse_args(argv)
    if args.sd:
        try:
            return sd_main(args)
        except UserError as exc:
            print(f"paperkit: error: {exc}", file=sys.stderr)
            return 2
    names = args.demo or list(DEMOS)

    if not torch.cuda.is_available():
        model = load_model("digits", device="cpu")
        rows = {}
        for name in names:
            t0 = time.perf_counter()
            run_demo(name, model, device="cpu", seed=0, steps=CPU_ONLY_STEPS if DEMOS[name].needs_model else None)
            rows[name] = {"cpu_s": time.perf_counter() - t0, "steps": CPU_ONLY_STEPS}
        if args.json:
            print(json.dumps({"benchmark": "gpu_check", "cuda": False, "cpu_only": rows}, indent=2))
        else:
            print(f"CUDA is not available: nothing to compare. CPU-only pass at {CPU_ONLY_STEPS} steps:")
            for name, row in rows.items():
                print(f"  {name:22s}{row['cpu_s']:8.3f} s  ok")
        return 0

    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    models = {"cuda": load_model("digits", device=cuda), "cpu": load_model("digits", device=cpu)}
    rows = {}
    for name in names:
        gpu_s, gpu_result = timed(name, models["cuda"], cuda, args.steps, args.repeats)
        cpu_s, cpu_result = timed(name, models["cpu"], cpu, args.steps, args.repeats)
        again = run_demo(name, models["cuda"], device=cuda, seed=0, steps=args.steps)
        rows[name] = {"cuda_s": gpu_s, "cpu_s": cpu_s, "ratio_cuda_over_cpu": gpu_s / cpu_s,
                      "cuda_repeatable": again.comparable() == gpu_result.comparable(),
                      **differences(gpu_result, cpu_result)}
    env = {"gpu": torch.cuda.get_device_name(cuda), "torch": torch.__version__, "cpu_threads": torch.get_num_threads()}
    if args.json:
        print(json.dumps({"benchmark": "gpu_check", "cuda": True, "rows": rows, "repeats": args.repeats,
                          "steps": args.steps, "environment": env}, indent=2))
        return 0
    print(f"Demos on CUDA vs CPU, median of {args.repeats} runs after a warm-up; {env['gpu']}, "
          f"torch {env['torch']}, {env['cpu_threads']} CPU threads")
    print(f"{'demo':22s}{'cuda s':>9s}{'cpu s':>9s}{'cuda/cpu':>10s}{'max Δpx':>9s}{'>8 lv':>8s}{'max Δmetric':>13s}  repeatable")
    for name, r in rows.items():
        print(f"{name:22s}{r['cuda_s']:9.3f}{r['cpu_s']:9.3f}{r['ratio_cuda_over_cpu']:10.2f}{r['max_pixel_diff']:9d}"
              f"{r['share_pixels_over_8']:8.1%}{r['max_metric_rel_diff']:13.2e}  {r['cuda_repeatable']}")
    return 0


def sd_main(args) -> int:
    """``--sd``: the rows of ``_sd_unet.run`` as a table or JSON."""
    import _sd_unet

    from paperkit.device import resolve_device

    device = resolve_device(args.device)
    if device.type == "mps":
        raise UserError("--sd measures CUDA or the CPU; MPS is not supported here")
    steps = 50 if args.steps is None else args.steps
    if not 1 <= steps <= 1000:
        raise UserError(f"--steps must be between 1 and 1000, got {steps}")
    if args.repeats < 1:
        raise UserError(f"--repeats must be at least 1, got {args.repeats}")
    batches = args.batch or [1, 2]
    if min(batches) < 1:
        raise UserError(f"--batch must be at least 1, got {min(batches)}")
    dtypes = list(dict.fromkeys(args.dtype or (["fp32", "fp16"] if device.type == "cuda" else ["fp32"])))
    if args.size == "sd" and device.type == "cpu" and not args.json:
        print("note: the SD-sized UNet on the CPU takes seconds per step; --size small is the quick check",
              file=sys.stderr)

    def progress(what):
        if not args.json:
            print(f"measuring {what} …", file=sys.stderr, flush=True)

    result = _sd_unet.run(args.size, device, dtypes, batches, steps, args.repeats, progress=progress)
    env = _common.environment(device)
    if device.type == "cuda":
        env["tf32_matmul"] = str(torch.backends.cuda.matmul.allow_tf32)
        env["tf32_cudnn"] = str(torch.backends.cudnn.allow_tf32)
    if args.json:
        print(json.dumps({"benchmark": "gpu_check_sd", **result, "environment": env}, indent=2))
        return 0
    print(f"DDIM, {steps} steps, guidance {_sd_unet.GUIDANCE}: paperkit.diffusion.sample vs StableDiffusionPipeline; "
          f"UNet2DConditionModel '{args.size}' ({result['unet_params_M']} M params, random weights), "
          f"latents {'×'.join(map(str, result['latent']))}; median of {args.repeats} after a warm-up")
    print(f"{env['device']}; torch {env['torch']}, diffusers {env['diffusers']}, {env['threads']} CPU threads")

    def mib(v, width=10):
        return f"{v:{width}.0f}" if v is not None else f"{'n/a':>{width}s}"

    print(f"{'dtype':6s}{'batch':>6s}{'ours ms/step':>14s}{'diff. ms/step':>15s}{'ours/diff.':>12s}"
          f"{'weights MiB':>12s}{'ours MiB':>10s}{'diff. MiB':>10s}{'max|Δ|':>11s}{'max|x|':>9s}{'Δ vs fp32':>11s}")
    for r in result["rows"]:
        vs = f"{r['max_abs_diff_vs_fp32']:11.2e}" if r["max_abs_diff_vs_fp32"] is not None else f"{'':11s}"
        print(f"{r['dtype']:6s}{r['batch']:6d}{r['ours_ms_per_step']:14.2f}{r['diffusers_ms_per_step']:15.2f}"
              f"{r['ratio_ours_over_diffusers']:12.3f}{mib(r['allocated_before_mib'], 12)}{mib(r['ours_peak_mib'])}"
              f"{mib(r['diffusers_peak_mib'])}{r['max_abs_diff']:11.2e}{r['latent_max_abs']:9.2f}{vs}"
              + ("" if r["finite"] else "  NOT FINITE"))
    print("max|Δ|: ours − diffusers' final latents; ours/diff. MiB: peak torch.cuda.max_memory_allocated\n"
          "during the run, weights included (weights MiB: allocated before it); n/a off CUDA")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
