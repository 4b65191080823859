"""fast.ai lesson 11's matrix-multiplication lab: the matrix product from scratch, broadcasting, the Frobenius norm, APL.

- ``matmul``: C = A B from Python loops to torch's ``@`` (``lesson11.matmul``), torch imported inside;
- ``numba_kernels``: the same compiled by Numba, ``@njit`` and ``parallel=True``, and a ``numba.cuda``
  kernel for the GPU (importing it imports numba, ≈ 0.3 s; numba.cuda only when a GPU is asked for);
- ``broadcasting``: the rules of broadcasting explained step by step for given shapes (``lesson11.broadcasting``);
- ``frobenius``: ‖A‖_F (``lesson11.frobenius``);
- ``apl``: the glossary's APL glyphs beside their runnable PyTorch equivalents;
- ``bench``: the timing table of ``paperkit run matmul`` and ``bench/matmul.py``.

This package imports nothing heavy: torch and numba load in the modules that need them, when they run.
"""
