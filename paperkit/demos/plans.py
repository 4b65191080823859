"""How much each demo runs for a requested ``steps``: the numbers the demos use and the registry describes.

One function per demo turns the ``steps`` a caller asks for (``None``: the demo's default) into the
step counts the demo really runs, as a dict of fields for its description template
(``DemoSpec.describe``). The demos take their step counts from here too, so what ``paperkit run
--list --steps 10`` and the app's quick mode say is what runs. Plain Python: the registry imports
this module at start-up, so it imports neither torch nor numpy.
"""

from __future__ import annotations

T = 1000                      # DDPM's number of diffusion steps, the digits model's schedule
SAMPLING_DEFAULT = 25         # cfg, norm_rescale, decreasing_guidance, interpolation: DDIM steps per run
DDIM_DEFAULT = 50             # ddim and inversion: the largest step count
DDIM_FEW = 10                 # ddim: the smaller step count, min(10, N)
INVERSION_BELOW = (10, 20)    # inversion: the step counts run below the largest
DIFFEDIT_DEFAULT = 50         # diffedit: the DDIM schedule's steps
DIFFEDIT_ENCODE_RATIO = 0.8   # diffedit: encoding runs the first r of the schedule (diffedit.step2)
MATMUL_REPEATS = 3            # matmul: timed repeats per method


def _n(steps: int | None, default: int) -> int:
    return default if steps is None else int(steps)


def _and(items) -> str:
    """"10", "10 and 50", "10, 20 and 50"."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ddpm_steps(steps: int | None) -> int:
    """Ancestral steps: every one of the T timesteps by default, else ``steps`` strided ones."""
    return _n(steps, T)


def ddim_step_counts(steps: int | None) -> list[int]:
    """The ddim demo's step counts: min(10, N) and N (one count when they are equal)."""
    largest = _n(steps, DDIM_DEFAULT)
    return sorted({min(DDIM_FEW, largest), largest})


def inversion_step_counts(steps: int | None) -> list[int]:
    """The inversion demo's step counts: 10 and 20 when below N, and N."""
    largest = _n(steps, DDIM_DEFAULT)
    return sorted({s for s in INVERSION_BELOW if s < largest} | {largest})


def sampling_steps(steps: int | None) -> int:
    """DDIM steps per sample of the guidance demos (cfg, norm_rescale, decreasing_guidance, interpolation)."""
    return _n(steps, SAMPLING_DEFAULT)


def diffedit_steps(steps: int | None, encode_ratio: float = DIFFEDIT_ENCODE_RATIO) -> tuple[int, int]:
    """(the DDIM schedule's steps, the steps encoding and decoding run: int(steps · r))."""
    n = _n(steps, DIFFEDIT_DEFAULT)
    return n, int(n * encode_ratio)


def matmul_repeats(steps: int | None) -> int:
    return _n(steps, MATMUL_REPEATS)


# -- description fields per demo ---------------------------------------------------------------------
def _ddpm(steps):
    n = ddpm_steps(steps)
    if n >= T:
        how = f"Algorithm 2 over all T = {T} steps"
    else:
        k = T // n  # the "leading" sub-sequence t = 0, k, …, (n − 1)k
        ts = f"t = {(n - 1) * k}, {(n - 2) * k}, …, 0" if n > 2 else "t = " + ", ".join(str(i * k) for i in reversed(range(n)))
        how = f"{n} strided ancestral step{'s' if n > 1 else ''} ({ts}: respaced, not Algorithm 2's T = {T})"
    return {"how": how, "steps": n}


def _ddim(steps):
    counts = ddim_step_counts(steps)
    return {"counts": _and(counts) + (" step" if counts == [1] else " steps"), "steps": counts[-1]}


def _inversion(steps):
    counts = inversion_step_counts(steps)
    return {"counts": _and(counts) + (" step" if counts == [1] else " steps"), "steps": counts[-1]}


def _sampling(steps):
    n = sampling_steps(steps)
    return {"steps": n, "step_s": "step" if n == 1 else "steps"}


def _diffedit(steps):
    n, n_enc = diffedit_steps(steps)
    return {"steps": n, "encode_steps": n_enc, "r": f"{DIFFEDIT_ENCODE_RATIO:g}"}


def _matmul(steps):
    n = matmul_repeats(steps)
    return {"repeats": n, "runs": "1 timed run" if n == 1 else f"median of {n} timed runs"}


FIELDS = {
    "schedules": lambda steps: {}, "forward": lambda steps: {}, "ddpm": _ddpm, "ddim": _ddim,
    "inversion": _inversion, "cfg": _sampling, "norm_rescale": _sampling, "decreasing_guidance": _sampling,
    "interpolation": _sampling, "diffedit": _diffedit, "matmul": _matmul,
}
