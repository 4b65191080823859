"""Demos run in a process of their own, as they run from the command line.

The app used to run a demo in a thread of its own process, and the run took 2.5× the time the
CLI took for the same work (issue 12, item 10). Two causes, measured with DDPM on the digits model:

- torch's OpenMP thread team, driven from a second thread of a process, oversubscribes the cores:
  the same loop in a plain ``threading.Thread`` of a bare Python process ran 2× slower than on the
  main thread (8.9 s against 4.4 s for 200 steps on 2 cores);
- the demo's Python loop (a thousand small model calls) shares one GIL with Textual's event loop,
  which repaints the progress bar: 16.5 s in the app against 8.9 s in the bare thread.

So the app hands a run to ``python -m paperkit.runner.server``, a process that stays up for the
session, runs each demo on its own main thread exactly as ``paperkit run`` does, keeps the model
loaded between runs, writes the labelled PNGs, and streams progress back. ``DemoRunner`` (the
client, ``client.py``) is plain Python — no Textual, no torch — so the app imports it on its UI
path and the benchmark (``bench/app_vs_cli.py``) drives it headless.
"""

from .client import DemoRunner, RunFailed, RunOutcome, shared_runner

__all__ = ["DemoRunner", "RunFailed", "RunOutcome", "shared_runner"]
