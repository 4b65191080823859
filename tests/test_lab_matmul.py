"""Lesson 11's matrix products (``paperkit.lab``): every method against torch's ``@``, bad input, the
Numba and CUDA kernels, the Frobenius norm, the benchmark table and the ``matmul`` demo.

Timings are produced and checked for shape, never for speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from paperkit.lab import bench
from paperkit.lab import matmul as mm
from paperkit.lab import numba_kernels as nk
from paperkit.lab.frobenius import frobenius_norm

ROOT = Path(__file__).resolve().parent.parent

# every CPU method as a function of two tensors returning a tensor
TENSOR_METHODS = {
    "loops": mm.matmul_loops,
    "lists": lambda a, b: torch.tensor(mm.matmul_lists(a.tolist(), b.tolist()), dtype=a.dtype).reshape(a.shape[0], b.shape[1]),
    "elementwise": mm.matmul_elementwise,
    "broadcast": mm.matmul_broadcast,
    "einsum": mm.matmul_einsum,
    "torch": mm.matmul_torch,
    "numba_dot": nk.matmul_numba_dot,
    "numba": nk.matmul_numba,
    "numba_parallel": nk.matmul_numba_parallel,
}
CHECKED = {k: v for k, v in TENSOR_METHODS.items() if k != "lists"}  # those that validate tensors themselves
SHAPES = [(1, 1, 1), (1, 7, 3), (5, 7, 3), (3, 4, 1), (4, 1, 5), (2, 9, 6), (6, 2, 2)]


def _inputs(m, k, n, dtype=torch.float32, seed=0):
    g = torch.Generator().manual_seed(seed)
    if dtype.is_floating_point:
        return torch.randn(m, k, generator=g).to(dtype), torch.randn(k, n, generator=g).to(dtype)
    return torch.randint(-9, 10, (m, k), generator=g).to(dtype), torch.randint(-9, 10, (k, n), generator=g).to(dtype)


@pytest.mark.parametrize("name", list(TENSOR_METHODS))
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_every_method_matches_torch_in_float32(name, shape):
    a, b = _inputs(*shape, seed=sum(shape))
    c = TENSOR_METHODS[name](a, b)
    assert c.shape == (shape[0], shape[2]) and c.dtype == torch.float32
    torch.testing.assert_close(c, a @ b, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", list(TENSOR_METHODS))
def test_float64_is_kept_and_tight(name):
    a, b = _inputs(4, 6, 3, torch.float64)
    c = TENSOR_METHODS[name](a, b)
    assert c.dtype == torch.float64
    torch.testing.assert_close(c, a @ b, atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("name", list(TENSOR_METHODS))
def test_integers_are_exact(name):
    a, b = _inputs(3, 5, 4, torch.int64)
    c = TENSOR_METHODS[name](a, b)
    assert c.dtype == torch.int64 and torch.equal(c, a @ b)


@pytest.mark.parametrize("name", list(CHECKED))
def test_mixed_dtypes_promote_as_torch_does(name):
    a, b = _inputs(3, 5, 2, torch.float32)
    c = CHECKED[name](a, b.double())
    assert c.dtype == torch.float64
    torch.testing.assert_close(c, a.double() @ b.double(), atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("name", list(CHECKED))
def test_mismatched_inner_dimensions_raise_a_clear_error(name):
    with pytest.raises(ValueError, match=r"cannot multiply 2×3 by 4×2: inner dimensions differ"):
        CHECKED[name](torch.zeros(2, 3), torch.zeros(4, 2))


@pytest.mark.parametrize("name", [n for n in CHECKED if n != "loops"])
def test_non_matrices_and_booleans_raise_a_clear_error(name):
    with pytest.raises(ValueError, match="two 2-D matrices"):
        CHECKED[name](torch.zeros(3), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="two 2-D matrices"):
        CHECKED[name](torch.zeros(2, 3, 4), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="boolean"):
        CHECKED[name](torch.ones(2, 2, dtype=torch.bool), torch.ones(2, 2, dtype=torch.bool))


@pytest.mark.parametrize("name", [n for n in CHECKED if n != "loops"])
def test_empty_inner_dimension_gives_zeros(name):
    c = CHECKED[name](torch.zeros(3, 0), torch.zeros(0, 2))
    assert c.shape == (3, 2) and not c.any()


def test_lists_version_works_on_plain_lists_and_rejects_bad_ones():
    assert mm.matmul_lists([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]
    assert mm.matmul_lists([[1.5, 2.0, -1.0]], [[2.0], [0.5], [3.0]]) == [[1.0]]
    with pytest.raises(ValueError, match="inner dimensions differ"):
        mm.matmul_lists([[1, 2, 3]], [[1], [2]])
    with pytest.raises(ValueError, match="ragged"):
        mm.matmul_lists([[1, 2], [3]], [[1], [2]])
    with pytest.raises(ValueError, match="lists of rows"):
        mm.matmul_lists([1, 2], [[1], [2]])


def test_numba_refuses_dtypes_it_does_not_compile_for():
    with pytest.raises(ValueError, match="Numba kernels take"):
        nk.matmul_numba(torch.ones(2, 2, dtype=torch.float16), torch.ones(2, 2, dtype=torch.float16))


def test_numba_kernels_accept_numpy_arrays_and_non_contiguous_tensors():
    a, b = _inputs(6, 5, 4, torch.float64)
    torch.testing.assert_close(nk.matmul_numba(a.numpy(), b.numpy()), a @ b)
    at = a.T.contiguous().T  # same values, column-major strides
    torch.testing.assert_close(nk.matmul_numba_parallel(at, b[:, ::2]), a @ b[:, ::2])


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 40), k=st.integers(1, 40), n=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_fast_methods_match_torch_on_random_shapes(m, k, n, seed):
    a, b = _inputs(m, k, n, seed=seed)
    want = a @ b
    for f in (mm.matmul_broadcast, mm.matmul_einsum, nk.matmul_numba, nk.matmul_numba_parallel, nk.matmul_numba_dot):
        torch.testing.assert_close(f(a, b), want, atol=1e-4, rtol=1e-5)


# -- the GPU ---------------------------------------------------------------------------------------

def test_gpu_methods_say_plainly_when_there_is_no_gpu():
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            mm.matmul_torch_cuda(torch.ones(2, 2), torch.ones(2, 2))
    if not nk.cuda_available():
        with pytest.raises(RuntimeError, match="numba.cuda"):
            nk.matmul_numba_cuda(torch.ones(2, 2), torch.ones(2, 2))


def test_blocks_cover_the_output():
    assert nk.blocks_per_grid(5, 10) == (1, 1)
    assert nk.blocks_per_grid(50_000, 10) == (3125, 1)
    assert nk.blocks_per_grid(17, 33) == (2, 3)


SIMULATED = """
import json, torch
from paperkit.lab import numba_kernels as nk
out = {"available": nk.cuda_available()}
g = torch.Generator().manual_seed(0)
errs = []
for m, k, n in [(1, 1, 1), (5, 7, 3), (17, 4, 18), (3, 0, 2)]:
    a, b = torch.randn(m, k, generator=g), torch.randn(k, n, generator=g)
    errs.append(float((nk.matmul_numba_cuda(a, b) - a @ b).abs().max()) if m * n else 0.0)
ai, bi = torch.arange(6).reshape(2, 3), torch.arange(12).reshape(3, 4)
out["errors"] = errs
out["int_exact"] = bool(torch.equal(nk.matmul_numba_cuda(ai, bi), ai @ bi))
print(json.dumps(out))
"""


def test_numba_cuda_kernel_in_numbas_simulator():
    """The CUDA kernel's indexing and bounds, run by NUMBA_ENABLE_CUDASIM on the CPU (no GPU needed)."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    out = subprocess.run([sys.executable, "-c", SIMULATED], capture_output=True, text=True, env=env, timeout=120)
    if out.returncode != 0 and "simulator" in out.stderr.lower() and "No module" in out.stderr:
        pytest.skip("this numba has no CUDA simulator")
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["available"] and result["int_exact"]
    assert max(result["errors"]) < 1e-5


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_methods_match_torch_on_a_gpu():
    a, b = _inputs(300, 784, 10)
    torch.testing.assert_close(mm.matmul_torch_cuda(a, b).cpu(), a @ b, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(nk.matmul_numba_cuda(a, b), a @ b, atol=1e-4, rtol=1e-4)
    c = nk.matmul_numba_cuda(a.cuda(), b.cuda())
    assert c.is_cuda
    torch.testing.assert_close(c.cpu(), a @ b, atol=1e-4, rtol=1e-4)


# -- the Frobenius norm ------------------------------------------------------------------------------

def test_frobenius_norm_of_the_lessons_matrix_is_16_88():
    m = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert round(frobenius_norm(m).item(), 2) == 16.88
    assert frobenius_norm(m).item() == pytest.approx(torch.linalg.norm(m).item(), rel=1e-7)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 8), n=st.integers(1, 8), seed=st.integers(0, 2**16), complex_=st.booleans())
def test_frobenius_norm_matches_torch_linalg_norm(m, n, seed, complex_):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(m, n, generator=g, dtype=torch.complex128 if complex_ else torch.float64)
    assert frobenius_norm(a).item() == pytest.approx(torch.linalg.norm(a).item(), rel=1e-12)


# -- the benchmark table -------------------------------------------------------------------------------

REQUIRED = {"method", "shape", "seconds", "vs_python", "vs_torch", "max_abs_err"}


def test_benchmark_rows_extrapolate_and_compare():
    rows = bench.run_benchmark(((2, 16, 3), (40, 16, 3)), repeats=1, include_gpu=False,
                               max_rows={"python loops": 4, "python lists": 8, "numba dot": 10, "element-wise": 10})
    names = [m.name for m in bench.cpu_methods()]
    assert [r["method"] for r in rows] == names * 2
    assert [r["shape"] for r in rows] == ["2x16 @ 16x3"] * len(names) + ["40x16 @ 16x3"] * len(names)
    for r in rows:
        assert REQUIRED <= set(r) and r["seconds"] > 0 and r["max_abs_err"] < 1e-4
    by = {(r["method"], r["shape"]): r for r in rows}
    assert by[("torch", "40x16 @ 16x3")]["vs_torch"] == 1 and by[("python loops", "2x16 @ 16x3")]["vs_python"] == 1
    assert by[("python loops", "40x16 @ 16x3")]["note"] == "extrapolated from 4 of 40 rows"
    assert by[("broadcasting", "40x16 @ 16x3")]["note"] == ""
    r = by[("einsum", "40x16 @ 16x3")]
    loops = by[("python loops", "40x16 @ 16x3")]["seconds"]
    assert r["vs_python"] == pytest.approx(loops / r["seconds"])
    data = json.loads(json.dumps(bench.to_json(rows)))
    assert list(data) == ["rows"] and all(REQUIRED <= set(row) for row in data["rows"])
    text = bench.format_rows(rows)
    assert "python loops" in text and "extrapolated from 4 of 40 rows" in text
    assert {t["target"].split(" ")[0] for t in bench.targets(rows)} >= {"every"}


def test_time_call_reports_a_median_and_the_output():
    seconds, out, calls = bench.time_call(lambda x: x + 1, (1,), repeats=3)
    assert out == 2 and 0 < seconds < 0.01 and calls > 3
    assert bench.human_seconds(71e-6) == "71.0 µs" and bench.human_seconds(0.421) == "421 ms"
    assert bench.human_ratio(5690.4) == "5,690×" and bench.human_ratio(None) == "—"


def test_benchmark_needs_torch_as_the_reference():
    methods = [m for m in bench.cpu_methods() if m.name != "torch"]
    with pytest.raises(ValueError, match="torch"):
        bench.run_benchmark(((2, 3, 2),), methods=methods, include_gpu=False)


def test_targets_reads_the_lessons_rows():
    small, big = "5x784 @ 784x10", "50000x784 @ 784x10"
    rows = [
        {"method": "broadcasting", "shape": small, "seconds": 7e-5, "vs_python": 6000.0, "vs_torch": 4.0, "max_abs_err": 1e-5},
        {"method": "numba", "shape": big, "seconds": 0.04, "vs_python": 1e5, "vs_torch": 2.5, "max_abs_err": 8e-5},
        {"method": "numba parallel", "shape": big, "seconds": 0.09, "vs_python": 1e5, "vs_torch": 4.0, "max_abs_err": 2e-3},
    ]
    met = {t["target"].split(" ")[0]: t["met"] for t in bench.targets(rows)}
    assert met == {"broadcasting": True, "Numba": True, "every": False}


# -- imports, catalog links ------------------------------------------------------------------------------

def test_lab_imports_no_torch_or_numba():
    probe = ("import sys, json, paperkit.lab, paperkit.lab.matmul, paperkit.lab.broadcasting, paperkit.lab.apl, "
             "paperkit.lab.bench, paperkit.lab.frobenius; "
             "print(json.dumps([m for m in ('torch', 'numba', 'numpy') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_catalog_names_every_implementation_and_each_cites_the_equation():
    import importlib
    import re

    data = tomllib.loads((ROOT / "papers" / "lesson11.toml").read_text(encoding="utf-8"))
    entry = next(e for e in data["equations"] if e["id"] == "lesson11.matmul")
    named = set(re.findall(r"paperkit\.lab\.[a-z_]+\.[a-z_]+", " ".join(entry["notes"])))
    expected = {m.code for m in bench.cpu_methods()} | {"paperkit.lab.numba_kernels.matmul_numba_cuda",
                                                        "paperkit.lab.matmul.matmul_torch_cuda"}
    assert named == expected
    for dotted in named | {"paperkit.lab.numba_kernels.cuda_kernel"}:
        module, _, attr = dotted.rpartition(".")
        obj = getattr(importlib.import_module(module), attr)
        assert callable(obj) and "lesson11.matmul" in obj.__doc__, dotted
    assert entry["demo"] == "matmul"


# -- the demo ---------------------------------------------------------------------------------------------

def test_demo_returns_the_table_the_chart_and_the_explainers():
    from paperkit.demos import run_demo

    calls = []
    r = run_demo("matmul", device="cpu", seed=0, steps=1, rows=60, callback=lambda s, t, i: calls.append((s, t)))
    table = r.table("benchmark")
    assert table["volatile"] and table["rows"]
    for row in table["rows"]:
        assert REQUIRED <= set(row) and set(row) <= set(table["columns"])
    assert {row["shape"] for row in table["rows"]} == {"5x784 @ 784x10", "60x784 @ 784x10"}
    assert all(row["max_abs_err"] < 1e-3 for row in table["rows"])
    assert calls[-1][0] == calls[-1][1] == len(table["rows"])
    chart = r.series["speedup.60x784"]
    assert chart["yscale"] == "log" and chart["kind"] == "bar" and chart["volatile"]
    assert chart["labels"][0] == "python loops" and chart["y"][0] == 1
    assert chart["x"] == list(range(1, len(chart["labels"]) + 1)) and len(chart["y"]) == len(chart["x"])
    assert r.table("broadcasting")["rows"][0] == {"dim": -1, "a[i, :, None]": 1, "b": 10, "result": 10, "rule": "stretch"}
    assert round(r.metrics["frobenius_lesson"], 2) == 16.88 and r.metrics["within_1e-3"] == 1
    assert any("extrapolated" in row["note"] for row in table["rows"])
    json.dumps(r.to_json())


def test_demo_again_gives_the_same_deterministic_part():
    from paperkit.demos import run_demo

    one = run_demo("matmul", device="cpu", seed=0, steps=1, rows=20).comparable()
    two = run_demo("matmul", device="cpu", seed=0, steps=1, rows=20).comparable()
    assert one["metrics"] == two["metrics"] and one["text"] == two["text"] and one["tables"] == two["tables"]


def test_run_matmul_json_through_the_cli(capsys, monkeypatch, tmp_path):
    from paperkit.cli import main
    from paperkit.demos import matmul as demo

    monkeypatch.setattr(demo, "LESSON_SHAPES", ((5, 784, 10), (30, 784, 10)))
    assert main(["run", "matmul", "--json", "--steps", "1", "--device", "cpu", "--out", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    table = next(t for t in data["tables"] if t["name"] == "benchmark")
    assert {r["shape"] for r in table["rows"]} == {"5x784 @ 784x10", "30x784 @ 784x10"}
    assert all(REQUIRED <= set(r) for r in table["rows"])
    assert data["equations"] == ["lesson11.matmul", "lesson11.broadcasting", "lesson11.frobenius"]
