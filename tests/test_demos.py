"""The demos: registry, outputs and key numbers, determinism, progress, cancellation and NaN detection.

Each demo runs at the small step counts of ``demo_fixtures.TEST_STEPS`` on the CPU, on the shipped
digits model (``load_model("digits")``).
"""

from __future__ import annotations

import importlib
import json
import math
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

from demo_fixtures import TEST_STEPS, NaNModel, demo_result, digits_model, on_digits, weights_exist
from paperkit.demos import DEMOS, DemoResult, NonFiniteError, get_spec, run_demo
from paperkit.errors import UserError
from paperkit.progress import Cancelled

MODEL_DEMOS = [n for n, s in DEMOS.items() if s.needs_model]


def needs_classifier():
    """Skip only while the classifier module does not exist yet."""
    pytest.importorskip("paperkit.models.digits.classifier")


def needs_trained_model():
    if not weights_exist():
        pytest.skip("the digits model's weights (paperkit/models/weights/digits.pt) are not trained yet")


def result(name: str) -> DemoResult:
    """Each demo once per process, seed 0, test steps (shared with tests/test_figure.py)."""
    return demo_result(name)


# -- the registry ---------------------------------------------------------------------------------

def test_registry_imports_no_torch_or_numpy():
    probe = ("import sys, json, paperkit.demos, paperkit.cli.run_cmd; "
             "print(json.dumps([m for m in ('torch', 'numpy', 'diffusers', 'PIL') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_every_demo_links_catalog_equations_and_a_target():
    from paperkit.catalog import load_catalog

    catalog = load_catalog()
    assert list(DEMOS) == ["schedules", "forward", "ddpm", "ddim", "inversion", "cfg", "norm_rescale",
                           "decreasing_guidance", "interpolation", "diffedit", "matmul"]
    for name, spec in DEMOS.items():
        assert spec.name == name and spec.title and spec.description and spec.equations
        for eq_id in spec.equations:
            assert catalog.equation(eq_id).id == eq_id
        module, _, func = spec.target.partition(":")
        assert callable(getattr(importlib.import_module(module), func))


def test_unknown_demo_suggests_close_names():
    with pytest.raises(UserError, match=r"did you mean ddpm"):
        get_spec("ddmp")
    with pytest.raises(UserError, match="unknown demo"):
        run_demo("nope")
    assert get_spec("norm-rescale").name == "norm_rescale"


# -- every demo's output --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(DEMOS))
def test_output_is_plain_data(name):
    r = result(name)
    assert r.demo == name and r.text and r.metrics
    for key, img in r.images.items():
        assert isinstance(img, np.ndarray) and img.dtype == np.uint8 and img.ndim == 2, key
        assert r.captions.get(key), f"image {key} has no caption"
        png = r.png_bytes(key, scale=2)
        assert png.startswith(b"\x89PNG")
    for key, s in r.series.items():
        assert len(s["x"]) == len(s["y"]) > 0 and s["label"] and s["plot"], key
        assert all(math.isfinite(v) for v in s["y"]), key
    for table in r.tables:
        assert table["rows"] and set(table["columns"]) >= set().union(*(row.keys() for row in table["rows"]))
    for key, value in r.metrics.items():
        assert isinstance(value, (int, float)) and math.isfinite(value), key
    json.dumps(r.to_json())  # JSON-ready


def test_schedules_against_known_values():
    r = result("schedules")
    assert r.images == {}
    # linear: ᾱ_T = ∏ (1 − β_t), β from 1e-4 to 0.02 — computed here independently in float64
    betas = np.linspace(1e-4, 0.02, 1000)
    assert r.metrics["alpha_bar_T.linear"] == pytest.approx(np.prod(1 - betas), rel=1e-9)
    assert r.metrics["alpha_bar_T.linear"] == pytest.approx(4.0358e-5, rel=1e-3)        # DDPM §4: "≈ 4·10⁻⁵"
    sq = np.linspace(math.sqrt(0.00085), math.sqrt(0.012), 1000) ** 2
    assert r.metrics["alpha_bar_T.scaled_linear"] == pytest.approx(np.prod(1 - sq), rel=1e-9)
    # cosine: ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s) · π/2), exact before the clip at T
    f = lambda t: math.cos((t / 1000 + 0.008) / 1.008 * math.pi / 2) ** 2  # noqa: E731
    row = {row["schedule"]: row for row in r.table("key_values")["rows"]}
    assert row["cosine"]["ᾱ_500"] == pytest.approx(f(500) / f(0), rel=1e-9)
    assert row["linear"]["β_1"] == pytest.approx(1e-4) and row["linear"]["β_T"] == pytest.approx(0.02)
    assert r.metrics["t_snr_below_1.linear"] == 260
    for kind in ("linear", "scaled_linear", "cosine"):
        snr = np.array(r.series[f"snr.{kind}"]["y"])
        assert np.all(np.diff(snr) < 0) and r.series[f"snr.{kind}"]["yscale"] == "log"
        assert len(r.series[f"alpha_bar.{kind}"]["x"]) == 1000


def test_forward_strip_goes_from_data_to_noise():
    r = result("forward")
    assert r.images["strip"].shape == (4 * 17 - 1, 12 * 17 - 1)   # 4 digits × (x_0 + 11 timesteps)
    assert r.metrics["corr_t0"] > 0.99
    assert abs(r.metrics["corr_t999"]) < 0.1
    assert r.metrics["std_t999"] == pytest.approx(1.0, abs=0.15)
    assert [row["t"] for row in r.table("forward")["rows"]] == [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]


def test_ddpm_samples_and_strips():
    r = result("ddpm")
    assert r.images["samples"].shape == (16, 10 * 17 - 1)
    assert r.images["x_t"].shape == r.images["x0_hat"].shape == (10 * 17 - 1, 6 * 17 - 1)
    assert r.metrics["steps"] == 20 and "strided" in r.text[0]
    # the first strip column is x_T: pure noise, so mid-grey on average with a wide spread
    first = r.images["x_t"][:16, :16].astype(float)
    assert 60 < first.mean() < 195 and first.std() > 40


def test_ddpm_reads_as_the_classes_asked():
    needs_trained_model()
    needs_classifier()
    assert result("ddpm").metrics["accuracy"] >= 0.6


def test_ddim_settings_and_consistency():
    r = result("ddim")
    assert set(r.images) == {"samples"}  # one figure: a row per setting
    assert r.grids["samples"]["rows"] == ["10 steps, η = 0", "10 steps, η = 1", "20 steps, η = 0", "20 steps, η = 1"]
    assert r.metrics["mse_vs_ref.steps20_eta0"] == 0.0
    assert r.table("timings")["volatile"] and len(r.table("timings")["rows"]) == 4
    if weights_exist():  # deterministic DDIM keeps 10 steps closer to 20 than η = 1 does
        assert r.metrics["mse_vs_ref.steps10_eta0"] < r.metrics["mse_vs_ref.steps10_eta1"]


def test_inversion_reconstructs_real_digits():
    r = result("inversion")
    assert r.settings["steps"] == [10, 20]
    assert r.images["reconstruction"].shape == (10 * 17 - 1, 5 * 17 - 1)
    needs_trained_model()  # an untrained ε_θ is not smooth enough in t for the ODE to retrace itself
    assert r.metrics["mse.20"] < 0.02 and r.metrics["max_abs.20"] < 1.0
    assert r.metrics["mse.random"] > 10 * r.metrics["mse.20"]


def test_cfg_sweep():
    r = result("cfg")
    assert r.images["sweep"].shape == (6 * 17 - 1, 10 * 17 - 1)
    assert [row["scale"] for row in r.table("scales")["rows"]] == [0, 1, 2, 4, 7.5, 12]
    assert r.metrics["clipped.12"] >= r.metrics["clipped.1"]


def test_cfg_scores_each_scale_with_the_classifier():
    needs_classifier()
    needs_trained_model()
    r = result("cfg")
    assert {"accuracy", "confidence"} <= set(r.table("scales")["columns"])
    assert r.metrics["accuracy.4"] >= 0.7 and r.metrics["accuracy.4"] >= r.metrics["accuracy.0"]
    assert r.series["accuracy"]["x"] == [0, 1, 2, 4, 7.5, 12]


def test_norm_rescale_reduces_saturation():
    r = result("norm_rescale")
    assert {"cfg", "norm", "std", "s=1", "all"} == set(r.images)
    assert r.settings["scale"] == 12
    # the norm-ratio rescale gives ε̂ exactly ε_c's norm; plain guidance and s = 1 leave ε̃ as it is
    assert r.metrics["norm_ratio_after.norm"] == pytest.approx(1.0, abs=1e-5)
    assert r.metrics["norm_ratio_after.cfg"] == r.metrics["norm_ratio.cfg"]
    assert r.metrics["norm_ratio.s=1"] == r.metrics["norm_ratio_after.s=1"] == 1.0
    # Lin's rescale moves the norm towards ε_c's (the std ratio is blended by φ; the norm follows closely)
    assert abs(r.metrics["norm_ratio_after.std"] - 1) <= abs(r.metrics["norm_ratio.std"] - 1) + 1e-6
    if weights_exist():
        assert r.metrics["norm_ratio_max.cfg"] > 1                  # guidance inflates the prediction, a little
        assert r.metrics["clipped.cfg"] > r.metrics["clipped.s=1"]  # and saturates the samples


def test_decreasing_guidance_schedules():
    r = result("decreasing_guidance")
    assert r.series["constant"]["y"] == [7.5] * 8
    assert r.series["linear"]["y"][0] == 7.5 and r.series["linear"]["y"][-1] == pytest.approx(1.0)
    assert r.series["cosine"]["y"][0] == pytest.approx(7.5) and r.series["cosine"]["y"][-1] == pytest.approx(1.0)
    assert r.metrics["mean_scale.linear"] == pytest.approx(4.25)
    assert r.series["linear"]["x"][0] > r.series["linear"]["x"][-1]  # high t first


def test_interpolation_norms_and_frames():
    r = result("interpolation")
    assert r.images["frames"].shape == (2 * 17 - 1, 9 * 17 - 1)
    lerp, slerp = r.series["norm.lerp"]["y"], r.series["norm.slerp"]["y"]
    assert lerp[0] == pytest.approx(slerp[0], rel=1e-5) and lerp[-1] == pytest.approx(slerp[-1], rel=1e-5)
    assert r.metrics["mid_norm_ratio.lerp"] < r.metrics["mid_norm_ratio.slerp"]
    assert min(slerp) >= min(slerp[0], slerp[-1]) * (1 - 1e-4)


def test_interpolation_ends_read_as_the_prompts():
    needs_classifier()
    needs_trained_model()
    r = result("interpolation")
    assert r.metrics["first_frame_reads_source.slerp"] == 1.0 and r.metrics["last_frame_reads_target.slerp"] == 1.0


def test_diffedit_keeps_everything_outside_the_mask():
    r = result("diffedit")
    assert r.images["edits"].shape == (6 * 17 - 1, 5 * 17 - 1)
    assert r.metrics["unchanged_outside_mask"] == pytest.approx(1.0, abs=1e-6)
    assert 0 < r.metrics["mask_coverage"] < 1


def test_diffedit_edits_read_as_the_query():
    needs_classifier()
    needs_trained_model()
    r = result("diffedit")
    assert r.metrics["source_read_as_source"] == 1.0
    assert r.metrics["edit_read_as_query"] >= 0.75


# -- determinism, progress, cancellation, NaNs ---------------------------------------------------

@pytest.mark.parametrize("name", list(DEMOS))
def test_same_seed_same_result(name):
    again = run_demo(name, digits_model(), device="cpu", seed=0, steps=TEST_STEPS[name], **on_digits(name))
    assert again.comparable() == result(name).comparable()


@pytest.mark.parametrize("name", ["ddpm", "ddim", "diffedit"])
def test_another_seed_another_result(name):
    other = run_demo(name, digits_model(), device="cpu", seed=1, steps=4)
    base = run_demo(name, digits_model(), device="cpu", seed=0, steps=4)
    assert other.comparable()["images"] != base.comparable()["images"]


@pytest.mark.parametrize("name", list(DEMOS))
def test_progress_counts_to_the_total(name):
    calls = []
    run_demo(name, digits_model(), device="cpu", seed=0, steps=4 if DEMOS[name].needs_model else None,
             callback=lambda step, total, info: calls.append((step, total, info)))
    steps = [c[0] for c in calls]
    assert steps == list(range(1, len(calls) + 1)) and calls[-1][0] == calls[-1][1]
    assert all(c[2]["demo"] == name and "stage" in c[2] for c in calls)


@pytest.mark.parametrize("name", list(DEMOS))
def test_cancel_stops_after_the_first_step(name):
    flag, calls = threading.Event(), []

    def callback(step, total, info):
        calls.append(step)
        flag.set()

    with pytest.raises(Cancelled):
        run_demo(name, digits_model(), device="cpu", seed=0, callback=callback, cancel=flag)  # default steps
    assert calls == [1]


@pytest.mark.parametrize("name", MODEL_DEMOS)
def test_nan_is_reported_with_demo_and_step(name):
    with pytest.raises(NonFiniteError) as info:
        run_demo(name, NaNModel(digits_model()), device="cpu", seed=0, steps=4)
    message = str(info.value)
    assert name in message and "step" in message and "NaN" in message
    assert info.value.demo == name


def test_device_rule_and_bad_device():
    r = run_demo("forward", device="cpu")
    assert r.settings["device"] == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="CUDA is not available"):
            run_demo("forward", device="cuda")
