"""The benchmarks that go through ``paperkit.diffusion.sample``: ``bench/ddim_loop.py`` and the SD-sized
check of ``bench/gpu_check.py --sd``, run on the CPU in their small modes.

Timings are produced and checked for shape, never for speed. What is checked is that every code path
runs and that our sampler and diffusers (the oracle) land on the same latents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import _sd_unet  # noqa: E402
import ddim_loop  # noqa: E402


def _run(script: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


# -- the SD v1.5-sized UNet ----------------------------------------------------------------------------

def test_sd_config_is_stable_diffusion_v15_sized():
    from diffusers import UNet2DConditionModel

    with torch.device("meta"):
        unet = UNet2DConditionModel(**_sd_unet.SD15_UNET)
    # runwayml/stable-diffusion-v1-5's UNet has 859,520,964 parameters
    assert sum(p.numel() for p in unet.parameters()) == 859_520_964
    with torch.device("meta"):
        small = UNet2DConditionModel(**_sd_unet.SMALL_UNET)
    assert [type(b).__name__ for b in small.down_blocks] == [type(b).__name__ for b in unet.down_blocks]
    assert [type(b).__name__ for b in small.up_blocks] == [type(b).__name__ for b in unet.up_blocks]
    assert small.config.cross_attention_dim == 768


def test_sd_check_small_on_cpu_json():
    out = _run("gpu_check.py", "--sd", "--size", "small", "--device", "cpu", "--steps", "3", "--repeats", "1",
               "--batch", "1", "--batch", "2", "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["benchmark"] == "gpu_check_sd" and report["size"] == "small" and report["steps"] == 3
    assert report["guidance_scale"] == 7.5 and report["latent"] == [4, 16, 16]
    assert [(r["dtype"], r["batch"]) for r in report["rows"]] == [("fp32", 1), ("fp32", 2)]  # CPU default: fp32
    for r in report["rows"]:
        assert r["finite"]
        assert r["ours_ms_per_step"] > 0 and r["diffusers_ms_per_step"] > 0 and r["ratio_ours_over_diffusers"] > 0
        assert r["ours_peak_mib"] is None and r["diffusers_peak_mib"] is None  # CUDA only
        assert r["latent_max_abs"] > 1.0  # the loop ran
        assert r["max_abs_diff"] < 1e-4  # sample == StableDiffusionPipeline
        assert r["max_abs_diff_vs_fp32"] is None


def test_sd_check_lower_precision_is_compared_with_fp32():
    result = _sd_unet.run("small", torch.device("cpu"), ["bf16", "fp32"], [1], steps=2, repeats=1)
    fp32, bf16 = result["rows"]  # float32 runs first, whatever the order asked
    assert (fp32["dtype"], bf16["dtype"]) == ("fp32", "bf16")
    assert bf16["finite"] and fp32["max_abs_diff"] < 1e-4
    # bf16 rounds differently in the two loops, but both stay near the fp32 latents
    assert 0 < bf16["max_abs_diff_vs_fp32"] < 0.1 * fp32["latent_max_abs"]
    assert bf16["max_abs_diff"] < 0.1 * bf16["latent_max_abs"]


def test_sd_check_table(capsys):
    import gpu_check

    assert gpu_check.main(["--sd", "--size", "small", "--device", "cpu", "--steps", "2", "--repeats", "1",
                           "--batch", "1"]) == 0
    out = capsys.readouterr().out
    assert "paperkit.diffusion.sample vs StableDiffusionPipeline" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("fp32"))
    assert line.split()[1] == "1" and "n/a" in line


@pytest.mark.parametrize("args, message", [
    (["--batch", "0"], "--batch must be at least 1"),
    (["--steps", "0"], "--steps must be between 1 and 1000"),
    (["--device", "tpu"], "unknown device 'tpu'"),
    (["--repeats", "0"], "--repeats must be at least 1"),
])
def test_sd_check_bad_input_is_one_line(capsys, args, message):
    import gpu_check

    assert gpu_check.main(["--sd", "--size", "small", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("paperkit: error: ") and message in err[0]


def test_sd_check_cuda_without_cuda_is_one_line():
    if torch.cuda.is_available():
        pytest.skip("CUDA is present here: --device cuda is not an error")
    out = _run("gpu_check.py", "--sd", "--device", "cuda", timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == ("paperkit: error: --device cuda was asked for but CUDA is not "
                                                    "available on this machine")


# -- bench/ddim_loop.py ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["unet2d", "tiny"])
def test_ddim_loop_ours_is_sample_and_matches_diffusers(kind):
    from diffusers import DDIMScheduler

    eps, x_T, _ = ddim_loop.build_model(kind, 2, "cpu")
    with torch.inference_mode():
        ours = ddim_loop.ours_loop(eps, x_T, 6)
        theirs = ddim_loop.diffusers_loop(DDIMScheduler(**ddim_loop.SCHED), eps, x_T, 6)
        bare = ddim_loop.hand_loop(eps, x_T, 6, ddim_loop.NoiseSchedule.from_config(ddim_loop.SCHED))
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=0)
    assert torch.equal(ours, bare)  # sample adds bookkeeping, not maths
    assert (ours - x_T).abs().mean() > 0.05


def test_ddim_loop_script_json():
    out = _run("ddim_loop.py", "--model", "tiny", "--steps", "3", "--repeats", "1", "--warmup", "0", "--threads", "1",
               "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert set(report["rows"]) == {"ours (paperkit)", "diffusers", "ours, step maths only",
                                   "bare ddim_step loop, maths only", "diffusers, step maths only"}
    assert report["max_abs_diff_final_sample"] < 1e-4
    assert report["ratio_ours_over_diffusers"] > 0 and report["ratio_of_minimums"] > 0
    assert "sample_overhead_ms_per_step" in report and report["environment"]["threads"] == "1"
