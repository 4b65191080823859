"""Lesson 11's ladder of speed-ups, measured on this machine (``lesson11.matmul``): the timing table.

For each shape (the lesson's 5×784 @ 784×10 and the whole 50,000-image training set, 50,000×784 @
784×10, on random data: A like pixels in [0, 1), B like weights from N(0, 1)) and each method of
``paperkit.lab.matmul`` / ``paperkit.lab.numba_kernels``, one row:

- ``method``, ``shape`` ("5x784 @ 784x10");
- ``seconds``: the median time of one call;
- ``vs_python``: the pure-Python loop's time ÷ this time (how many times faster than the lesson's start);
- ``vs_torch``: this time ÷ torch's ``@`` time on the CPU (how many times slower than torch);
- ``max_abs_err``: the largest |C − C_torch| over the rows computed;
- ``note``: how it was measured, when that needs saying ("" otherwise).

How it is timed:

1. every method first runs on a 2×3 @ 3×2 problem of the same dtype, untimed: that compiles the
   Numba kernels (≈ 1 s each, or a load from numba's cache), so compile time is never timed;
2. then one call on the real inputs gives the result (for the error) and a first time; methods
   slower than ``SLOW_S`` keep that time as a sample and run again until ``repeats`` samples or
   ``budget_s`` seconds; faster ones run in rounds of enough calls to last ≥ 10 ms, ``repeats``
   rounds but at least ``FAST_ROUNDS`` (a round costs ~10 ms, and more rounds steady the median);
3. the median of the samples is reported;
4. methods far too slow for 50,000 rows (the Python loops, and the loops that call one compiled
   ``dot`` or one small torch op per entry) are timed on the first ``max_rows`` rows and the time is
   scaled by rows / timed rows — linear, since every row is the same work — and the note says so.

GPU rows (``numba.cuda``, ``torch cuda``) are added only when CUDA is available (``include_gpu``);
their inputs are put on the GPU before timing, and each call waits for the GPU to finish.

Timings are reported, never asserted: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import math
import platform
import statistics
import time
from dataclasses import dataclass
from typing import Callable

from ..progress import report

LESSON_SHAPES = ((5, 784, 10), (50_000, 784, 10))  # (M, K, N): A is M×K, B is K×N
SLOW_S = 0.05           # a first call slower than this is its own sample (no rounds of calls)
ROUND_S = 0.01          # faster methods: each timed round lasts at least this long …
FAST_ROUNDS = 7         # … and there are at least this many rounds (cheap, and steadier on a busy machine)
REFERENCE = "torch"     # vs_torch divides by this method's time
BASELINE = "python loops"  # vs_python divides this method's time

# what the lesson measured (course22p2 01_matmul, on the course's machine), for the closing comparison
LESSON_FIGURES = {
    ("python loops", "5x784 @ 784x10"): 0.421,
    ("broadcasting", "5x784 @ 784x10"): 70e-6,
    ("broadcasting", "50000x784 @ 784x10"): 0.66,
    ("einsum", "50000x784 @ 784x10"): 15e-3,
    ("torch", "50000x784 @ 784x10"): 15e-3,
}


@dataclass(frozen=True)
class Method:
    """One way to multiply: ``fn(*prepare(a, b))`` is timed; ``finish`` turns its output into a CPU tensor."""

    name: str
    code: str                                   # the implementation's dotted path
    fn: Callable
    prepare: Callable | None = None             # untimed: (a, b) tensors → the method's arguments
    finish: Callable | None = None              # untimed: output → CPU tensor
    max_rows: int | None = None                 # time at most this many rows of A; extrapolate the rest
    device: str = "cpu"


def shape_label(m: int, k: int, n: int) -> str:
    return f"{m}x{k} @ {k}x{n}"


def _to_lists(a, b):
    return a.tolist(), b.tolist()


def _from_lists(c):
    import torch

    return torch.tensor(c, dtype=torch.float64)


def cpu_methods() -> list[Method]:
    """The CPU ladder, in the lesson's order. Numba is imported here (≈ 0.3 s), not at module import."""
    from . import matmul as mm
    from . import numba_kernels as nk

    return [
        Method("python loops", "paperkit.lab.matmul.matmul_loops", mm.matmul_loops, max_rows=5),
        Method("python lists", "paperkit.lab.matmul.matmul_lists", mm.matmul_lists, prepare=_to_lists,
               finish=_from_lists, max_rows=50),
        Method("numba dot", "paperkit.lab.numba_kernels.matmul_numba_dot", nk.matmul_numba_dot, max_rows=1000),
        Method("numba", "paperkit.lab.numba_kernels.matmul_numba", nk.matmul_numba),
        Method("numba parallel", "paperkit.lab.numba_kernels.matmul_numba_parallel", nk.matmul_numba_parallel),
        Method("element-wise", "paperkit.lab.matmul.matmul_elementwise", mm.matmul_elementwise, max_rows=500),
        Method("broadcasting", "paperkit.lab.matmul.matmul_broadcast", mm.matmul_broadcast),
        Method("einsum", "paperkit.lab.matmul.matmul_einsum", mm.matmul_einsum),
        Method("torch", "paperkit.lab.matmul.matmul_torch", mm.matmul_torch),
    ]


def gpu_methods() -> list[Method]:
    """The GPU rows that this machine can run: torch on CUDA and the ``numba.cuda`` kernel (each only if available)."""
    import torch

    from . import numba_kernels as nk

    out = []
    if nk.cuda_available():
        from numba import cuda

        def to_device(a, b):
            a_np, b_np = a.contiguous().numpy(), b.contiguous().numpy()
            return (cuda.to_device(a_np), cuda.to_device(b_np),
                    cuda.device_array((a_np.shape[0], b_np.shape[1]), dtype=a_np.dtype))

        def launch(a_d, b_d, c_d):
            nk.launch_matmul_cuda(a_d, b_d, c_d)  # waits for the GPU
            return c_d

        out.append(Method("numba.cuda", "paperkit.lab.numba_kernels.cuda_kernel", launch, prepare=to_device,
                          finish=lambda c_d: torch.from_numpy(c_d.copy_to_host()), device="cuda"))
    if torch.cuda.is_available():
        def on_gpu(a, b):
            return a.cuda(), b.cuda()

        def matmul_synced(a, b):
            c = a @ b
            torch.cuda.synchronize()
            return c

        out.append(Method("torch cuda", "paperkit.lab.matmul.matmul_torch_cuda", matmul_synced, prepare=on_gpu,
                          finish=lambda c: c.cpu(), device="cuda"))
    return out


def gpu_available() -> bool:
    """True when torch or numba.cuda sees a GPU (imports torch; numba.cuda only if torch sees none)."""
    import torch

    if torch.cuda.is_available():
        return True
    from .numba_kernels import cuda_available

    return cuda_available()


def time_call(fn: Callable, args: tuple, repeats: int = 3, budget_s: float = 2.0) -> tuple[float, object, int]:
    """(median seconds per call, the first call's output, calls timed) — step 2 of the module docstring."""
    t0 = time.perf_counter()
    out = fn(*args)
    first = time.perf_counter() - t0
    samples: list[float] = []
    calls = 1
    if first >= SLOW_S:
        samples.append(first)
        while len(samples) < repeats and sum(samples) < budget_s:
            t0 = time.perf_counter()
            fn(*args)
            samples.append(time.perf_counter() - t0)
            calls += 1
    else:
        number = max(1, min(100_000, math.ceil(ROUND_S / max(first, 1e-7))))
        for _ in range(max(1, repeats, FAST_ROUNDS)):
            t0 = time.perf_counter()
            for _ in range(number):
                fn(*args)
            samples.append((time.perf_counter() - t0) / number)
            calls += number
    return statistics.median(samples), out, calls


def make_inputs(m: int, k: int, n: int, seed: int = 0, dtype=None):
    """A (m×k, uniform in [0, 1), like MNIST pixels) and B (k×n, standard normal, like fresh weights), seeded."""
    import torch

    gen = torch.Generator().manual_seed(int(seed))
    dtype = dtype or torch.float32
    return torch.rand(m, k, generator=gen, dtype=dtype), torch.randn(k, n, generator=gen, dtype=dtype)


def warm_up(method: Method, dtype) -> None:
    """Step 1: run ``method`` once on 2×3 @ 3×2 of ``dtype`` (compiles Numba kernels; untimed)."""
    a, b = make_inputs(2, 3, 2, seed=0, dtype=dtype)
    args = method.prepare(a, b) if method.prepare else (a, b)
    out = method.fn(*args)
    if method.finish:
        method.finish(out)


def run_benchmark(shapes=LESSON_SHAPES, *, repeats: int = 3, seed: int = 0, include_gpu: bool | None = None,
                  methods: list[Method] | None = None, max_rows: dict[str, int] | None = None,
                  budget_s: float = 2.0, callback=None, cancel=None, demo: str = "matmul") -> list[dict]:
    """The table: one row per (shape, method), shapes in order, methods in the ladder's order.

    ``include_gpu``: None adds the GPU rows when CUDA is available, False never, True requires them
    (a ``RuntimeError`` if there is no GPU). ``max_rows`` overrides a method's row limit by name.
    ``callback``/``cancel`` follow ``paperkit.progress``: one step per (shape, method).
    """
    import torch

    explicit = methods is not None
    methods = list(methods) if explicit else cpu_methods()
    if include_gpu or (include_gpu is None and not explicit and gpu_available()):
        gpu = gpu_methods()
        if include_gpu and not gpu:
            raise RuntimeError("GPU rows were asked for, but neither torch nor numba.cuda sees a CUDA GPU here")
        methods += [g for g in gpu if g.name not in {m.name for m in methods}]
    names = [m.name for m in methods]
    if REFERENCE not in names:
        raise ValueError(f"the method list must include {REFERENCE!r} (vs_torch divides by its time)")
    limits = {m.name: m.max_rows for m in methods} | (max_rows or {})
    total = len(shapes) * len(methods)
    step = 0
    warmed: set[str] = set()
    rows: list[dict] = []
    for (m, k, n) in shapes:
        a, b = make_inputs(m, k, n, seed=seed)
        label = shape_label(m, k, n)
        measured = []
        for method in methods:
            if method.name not in warmed:
                warm_up(method, a.dtype)
                warmed.add(method.name)
            limit = limits.get(method.name)
            timed_rows = m if not limit or limit >= m else limit
            a_part = a[:timed_rows]
            args = method.prepare(a_part, b) if method.prepare else (a_part, b)
            seconds, out, _ = time_call(method.fn, args, repeats=repeats, budget_s=budget_s)
            out = method.finish(out) if method.finish else out
            reference = a_part @ b
            err = float((out.double().cpu() - reference.double()).abs().max()) if out.numel() else 0.0
            note = ""
            if timed_rows < m:
                seconds *= m / timed_rows
                note = f"extrapolated from {timed_rows} of {m:,} rows"
            if method.device != "cpu":
                note = "; ".join(filter(None, [note, f"on {method.device}, inputs already on the GPU"]))
            measured.append({"method": method.name, "shape": label, "seconds": seconds, "max_abs_err": err,
                             "note": note})
            step += 1
            report(step, total, callback, cancel, demo=demo, stage="time", shape=label, method=method.name)
        python_s = next((r["seconds"] for r in measured if r["method"] == BASELINE), None)
        torch_s = next(r["seconds"] for r in measured if r["method"] == REFERENCE)
        for r in measured:
            rows.append({"method": r["method"], "shape": r["shape"], "seconds": r["seconds"],
                         "vs_python": python_s / r["seconds"] if python_s else None,
                         "vs_torch": r["seconds"] / torch_s, "max_abs_err": r["max_abs_err"], "note": r["note"]})
        del a, b
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    return rows


def to_json(rows: list[dict]) -> dict:
    """The issue's JSON: ``{"rows": [{"method", "shape", "seconds", "vs_python", "vs_torch", "max_abs_err", "note"}]}``."""
    keys = ("method", "shape", "seconds", "vs_python", "vs_torch", "max_abs_err", "note")
    return {"rows": [{k: r.get(k) for k in keys} for r in rows]}


# -- the targets of issue 7 (reported, never asserted) ---------------------------------------------

def targets(rows: list[dict]) -> list[dict]:
    """The lab's targets, each with what was measured and whether it was met."""
    small, big = shape_label(*LESSON_SHAPES[0]), shape_label(*LESSON_SHAPES[1])

    def row(method, shape):
        return next((r for r in rows if r["method"] == method and r["shape"] == shape), None)

    out = []
    bc = row("broadcasting", small)
    if bc and bc["vs_python"]:
        out.append({"target": f"broadcasting ≥ 5,000× faster than the Python loops ({small})",
                    "measured": f"{bc['vs_python']:,.0f}×", "met": bc["vs_python"] >= 5000})
    numba = [r for r in (row("numba", big), row("numba parallel", big)) if r]
    if numba:
        best = min(numba, key=lambda r: r["vs_torch"])
        out.append({"target": f"Numba within 3× of torch's @ ({big})",
                    "measured": f"{best['method']}: {best['vs_torch']:.2f}× torch's time", "met": best["vs_torch"] <= 3})
    worst = max(rows, key=lambda r: r["max_abs_err"]) if rows else None
    if worst:
        out.append({"target": "every method within 1e-3 of torch",
                    "measured": f"largest error {worst['max_abs_err']:.2g} ({worst['method']}, {worst['shape']})",
                    "met": worst["max_abs_err"] <= 1e-3})
    return out


# -- text -------------------------------------------------------------------------------------------

def human_seconds(s: float) -> str:
    """0.000071 → "71.0 µs", 0.42 → "420 ms", 12.3 → "12.3 s"."""
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s" if s < 1000 else f"{s:,.0f} s"


def human_ratio(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}×" if x >= 100 else f"{x:.3g}×"


def format_rows(rows: list[dict], lesson: bool = True) -> str:
    """The table as aligned text, times in human units (and the lesson's figure where it gave one)."""
    header = ["method", "shape", "time", "vs python", "vs torch", "max |err|"] + (["lesson"] if lesson else []) + ["note"]
    cells = []
    for r in rows:
        figure = LESSON_FIGURES.get((r["method"], r["shape"]))
        line = [r["method"], r["shape"], human_seconds(r["seconds"]), human_ratio(r["vs_python"]),
                human_ratio(r["vs_torch"]), f"{r['max_abs_err']:.1e}"]
        if lesson:
            line.append(human_seconds(figure) if figure else "")
        line.append(r.get("note", ""))
        cells.append(line)
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)] if cells else [len(h) for h in header]
    right = {2, 3, 4, 5, 6} if lesson else {2, 3, 4, 5}

    def fmt(values):
        return "  ".join(v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    lines = [fmt(header), "  ".join("─" * w for w in widths)]
    previous = None
    for r, c in zip(rows, cells):
        if previous is not None and r["shape"] != previous:
            lines.append("")
        previous = r["shape"]
        lines.append(fmt(c))
    return "\n".join(lines)


def machine_info() -> dict:
    """Where the numbers come from: CPU, cores, threads, library versions, GPU if any."""
    import os

    import numba
    import torch

    info = {
        "cpu": _cpu_name(), "cores": os.cpu_count(), "machine": platform.machine(),
        "python": platform.python_version(), "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
        "numba": numba.__version__, "numba_threads": numba.config.NUMBA_NUM_THREADS,
    }
    try:
        info["numba_threading_layer"] = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        info["numba_threading_layer"] = "not initialised"
    info["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return info


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
