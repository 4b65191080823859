"""A demo run inside the app against the same run from the command line, in one process (issue 12:
the app's runs took 2.5× the CLI's; target ratio ≤ 1.1).

- CLI: ``paperkit.cli.main(["run", DEMO, "--steps", N, "--out", DIR])`` called in this process —
  what ``paperkit run`` does after start-up: load the model, sample on the main thread, write the
  labelled PNGs (its printed summary is discarded).
- App: a headless ``PaperkitApp`` (Textual's ``run_test``) on the demo's equation, the run panel set
  to N steps, ``r`` pressed; the time is the one the app shows ("done in … s"): from the run's start
  until the panel has the result, i.e. through the app's whole run path — the worker, the demo
  process, the PNGs, the result back to the UI. The result screen that opens is closed untimed.

One untimed run of each first (it starts the demo process and warms caches); then the two sides
alternate. Reports each side's median and the median of the per-round ratios.

    .venv/bin/python bench/app_vs_cli.py [--demo ddpm] [--steps 200] [--repeats 5] [--json]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The app's remembered choices stay out of the measurement: it runs the built-in digits model, as the CLI does.
os.environ["PAPERKIT_CONFIG_DIR"] = tempfile.mkdtemp(prefix="paperkit-bench-config-")
import _common  # noqa: E402

EQUATION = {"ddpm": "ddpm.alg2", "ddim": "ddim.12", "cfg": "cfg.6", "diffedit": "diffedit.step3",
            "inversion": "ddim.13", "interpolation": "lesson11.prompt_interpolation"}


def cli_run(demo: str, steps: int, out: Path) -> float:
    from paperkit.cli import main

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["run", demo, "--steps", str(steps), "--out", str(out), "--device", "cpu"])
    seconds = time.perf_counter() - t0
    if code not in (0, None):
        raise SystemExit(f"paperkit run {demo} failed with exit code {code}")
    return seconds


async def app_runs(demo: str, steps: int, count: int, between) -> list[float]:
    """``count`` runs through the app's run path in one headless app; ``between()`` after each."""
    from paperkit.tui.app import PaperkitApp
    from paperkit.tui.screens.equation import EquationScreen
    from paperkit.tui.widgets.run_panel import RunPanel

    times = []
    app = PaperkitApp(data_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_equation(EQUATION[demo])
        while not isinstance(app.screen, EquationScreen):
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        screen = app.screen
        panel = screen.query_one(RunPanel)
        panel.quick = steps  # the quick toggle (on by default) now means exactly these steps
        panel.query_one("#device").value = "cpu"
        for _ in range(count):
            await pilot.press("r")
            while panel.running or panel.state == "idle":
                await pilot.pause(0.5)  # the panel times the run itself: this loop's period does not count
            if panel.state != "done":
                raise SystemExit(f"the app's run failed: {panel.last_message}")
            times.append(panel.record.seconds)
            await pilot.pause(0.2)
            if app.screen is not screen:
                app.screen.dismiss()  # close the result screen (untimed)
                await pilot.pause(0.2)
            between()
    return times


def main() -> None:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--demo", default="ddpm", choices=sorted(EQUATION), help="the demo (default ddpm)")
    p.add_argument("--steps", type=int, default=200, help="sampling steps (default 200; 1000 = Algorithm 2 in full)")
    args = p.parse_args()
    out = Path(tempfile.mkdtemp()) / args.demo

    cli_times: list[float] = []
    cli_run(args.demo, args.steps, out)  # warm-up: torch, the model, the PNG writer
    # one app run warms the demo process, then app and CLI alternate: each app run is followed by one CLI run
    app_times = asyncio.run(app_runs(args.demo, args.steps, args.repeats + 1,
                                     lambda: cli_times.append(cli_run(args.demo, args.steps, out))))[1:]
    cli_times = cli_times[1:]
    ratios = [a / c for a, c in zip(app_times, cli_times)]
    from paperkit.runner import shared_runner

    shared_runner().stop()
    app_med, cli_med = statistics.median(app_times), statistics.median(cli_times)
    result = {"demo": args.demo, "steps": args.steps, "repeats": len(ratios), "app_s": app_times, "cli_s": cli_times,
              "app_median_s": app_med, "cli_median_s": cli_med, "ratio": statistics.median(ratios),
              "ratio_of_medians": app_med / cli_med}
    if args.json:
        import json

        print(json.dumps(result, indent=2))
    print(f"{args.demo}, {args.steps} steps, {len(ratios)} paired runs on the CPU")
    print(f"  app  (key press → result in the panel): median {app_med:.2f} s   {', '.join(f'{t:.2f}' for t in app_times)}")
    print(f"  cli  (paperkit run, in process):        median {cli_med:.2f} s   {', '.join(f'{t:.2f}' for t in cli_times)}")
    print(f"  ratio of medians {app_med / cli_med:.3f}")
    print(f"ratio app/cli = {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
