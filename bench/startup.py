"""Start-up: the time to paperkit's first screen against a bare Textual hello-world app, measured the
same way in the same run (issue 6 target: ratio ≤ 1.3).

Each sample is a fresh Python process that builds the app, shows its first screen (headless
driver), and exits right after that screen's first refresh; the wall time of the whole process is
taken, Python's own start-up included, alternating the two apps. Also checked: the first screen
imports none of torch, diffusers, pymupdf, sympy or numba.

    .venv/bin/python bench/startup.py [--repeats 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

    def on_mount(self):
        self.call_after_refresh(self.exit)

Hello().run(headless=True)
"""

PAPERKIT = """
import sys
from paperkit.tui.app import PaperkitApp

class FirstScreen(PaperkitApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.exit)

FirstScreen(data_dir=sys.argv[1]).run(headless=True)
heavy = [m for m in ("torch", "diffusers", "fitz", "pymupdf", "sympy", "numba") if m in sys.modules]
assert not heavy, heavy
"""


def sample(code: str, data_dir: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, data_dir], check=True, cwd=ROOT, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as data_dir:
        sample(BARE, data_dir), sample(PAPERKIT, data_dir)  # warm the file cache for both
        bare, ours = [], []
        for r in range(args.repeats):
            pair = [(bare, BARE), (ours, PAPERKIT)]
            for times, code in (pair if r % 2 == 0 else pair[::-1]):
                times.append(sample(code, data_dir))
    ratio = statistics.median(a / b for a, b in zip(ours, bare))
    result = {"bare_median_s": statistics.median(bare), "paperkit_median_s": statistics.median(ours),
              "ratio_paired_median": ratio, "repeats": args.repeats}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"bare Textual hello world   median {result['bare_median_s']:.3f} s")
    print(f"paperkit first screen      median {result['paperkit_median_s']:.3f} s")
    print(f"ratio paperkit/bare = {ratio:.2f}  (target ≤ 1.3; {args.repeats} paired runs, fresh processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
