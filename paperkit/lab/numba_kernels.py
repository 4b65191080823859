"""The matrix product compiled by Numba (``lesson11.matmul``): on the CPU with ``@njit``, on a GPU with ``numba.cuda``.

Importing this module imports numba (≈ 0.3 s) and NumPy; ``paperkit.lab`` does not import it, so
only code that runs a kernel pays for it. The first call of each kernel compiles it for the
arguments' types (≈ 1 s each); ``cache=True`` keeps the machine code in ``__pycache__`` so later
processes load it instead. Benchmarks call each kernel once before timing it (``paperkit.lab.bench``).

The wrappers (``matmul_numba_dot``, ``matmul_numba``, ``matmul_numba_parallel``, ``matmul_numba_cuda``)
take and return torch tensors like the rest of ``paperkit.lab.matmul``: the CPU ones share memory
with the tensors through ``.numpy()``, so no data is copied on the way in.

``numba.cuda`` is imported only inside ``cuda_available`` and ``matmul_numba_cuda``: on a machine
without a GPU (or without the CUDA driver) those say so and nothing else changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .matmul import as_matrices

# dtypes the CPU kernels compile for (each a separate specialisation); others are refused clearly
NUMBA_DTYPES = ("float32", "float64", "int32", "int64", "complex64", "complex128")


@njit(cache=True, fastmath=True)
def dot(a, b):
    """Σ_k a_k b_k over two 1-D arrays, compiled (``lesson11.matmul``): the lesson's Numba ``dot``.

    The sum starts at a zero of the inputs' own type, so float32 stays float32 (twice the SIMD lanes
    of float64); ``fastmath`` lets LLVM reorder the sum, which is what vectorises the loop.
    """
    res = a.dtype.type(0)
    for k in range(len(a)):
        res += a[k] * b[k]
    return res


@njit(cache=True, fastmath=True)
def matmul_kernel(a, b_t, c):
    """C_ij = dot(A_i,:, B_:,j) for every i, j, compiled (``lesson11.matmul``); ``b_t`` is Bᵀ, C-contiguous.

    Taking B transposed makes both operands of every dot product contiguous rows, so the inner loop
    streams memory and vectorises. Writes into ``c`` (M×N).
    """
    for i in range(a.shape[0]):
        for j in range(b_t.shape[0]):
            c[i, j] = dot(a[i], b_t[j])


@njit(cache=True, fastmath=True, parallel=True)
def matmul_kernel_parallel(a, b_t, c):
    """``matmul_kernel`` with the rows of C shared among Numba's threads (``prange``) (``lesson11.matmul``).

    Rows are independent, so each thread owns whole rows: no two threads write the same entry and
    every entry is summed by one thread in one order (the result does not depend on the threads).
    """
    for i in prange(a.shape[0]):
        for j in range(b_t.shape[0]):
            c[i, j] = dot(a[i], b_t[j])


def _numpy_operands(a, b):
    """(A, B) as C-contiguous NumPy arrays of one supported dtype, sharing memory with CPU tensors when they can."""
    a, b = as_matrices(a, b)
    if a.device.type != "cpu":
        a, b = a.cpu(), b.cpu()
    a_np, b_np = a.detach().contiguous().numpy(), b.detach().contiguous().numpy()
    if a_np.dtype.name not in NUMBA_DTYPES:
        raise ValueError(f"the Numba kernels take {', '.join(NUMBA_DTYPES)}; got {a_np.dtype.name} "
                         "(cast with .float() or .double() first)")
    return a_np, b_np


def matmul_numba_dot(a, b):
    """C_ij = dot(A_i,:, B_:,j) with two Python loops around the compiled ``dot`` (``lesson11.matmul``).

    The lesson's first Numba version: the innermost loop runs as machine code, the outer two still go
    through the interpreter (one compiled call per output entry).
    """
    import torch

    a_np, b_np = _numpy_operands(a, b)
    (ar, _), (_, bc) = a_np.shape, b_np.shape
    c = np.zeros((ar, bc), dtype=a_np.dtype)
    for i in range(ar):
        for j in range(bc):
            c[i, j] = dot(a_np[i, :], b_np[:, j])
    return torch.from_numpy(c)


def matmul_numba(a, b):
    """C = A B with all three loops compiled by ``@njit`` (``matmul_kernel``, ``lesson11.matmul``)."""
    import torch

    a_np, b_np = _numpy_operands(a, b)
    c = np.zeros((a_np.shape[0], b_np.shape[1]), dtype=a_np.dtype)
    matmul_kernel(a_np, np.ascontiguousarray(b_np.T), c)
    return torch.from_numpy(c)


def matmul_numba_parallel(a, b):
    """C = A B compiled with ``parallel=True``: rows of C spread over the CPU cores (``lesson11.matmul``)."""
    import torch

    a_np, b_np = _numpy_operands(a, b)
    c = np.zeros((a_np.shape[0], b_np.shape[1]), dtype=a_np.dtype)
    matmul_kernel_parallel(a_np, np.ascontiguousarray(b_np.T), c)
    return torch.from_numpy(c)


# -- the GPU: numba.cuda -------------------------------------------------------------------------

THREADS_PER_BLOCK = (16, 16)  # 256 threads per block, one per entry of a 16×16 tile of C
_CUDA_KERNEL = None
cuda = None  # numba.cuda, imported by cuda_kernel(); a module global so the kernel finds it (and the simulator can swap it)


def cuda_available() -> bool:
    """True when ``numba.cuda`` finds a usable GPU (or runs its simulator, ``NUMBA_ENABLE_CUDASIM=1``).

    Imports numba.cuda only now, and never raises: a missing driver or toolkit is just "no".
    """
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:  # noqa: BLE001 — any failure to load CUDA means there is none to use
        return False


def cuda_kernel():
    """The ``numba.cuda`` matmul kernel (``lesson11.matmul``), built on first use: one GPU thread per entry of C.

    Thread (i, j) — its position in the 2-D grid, ``cuda.grid(2)`` — computes
    C_ij = Σ_k A_ik B_kj; threads outside C (the last blocks overhang it) do nothing. The sum starts
    from the k = 0 term so it keeps the inputs' dtype (float32 on the GPU, not float64); the wrapper
    never launches it with K = 0.
    """
    global _CUDA_KERNEL, cuda
    if _CUDA_KERNEL is None:
        from numba import cuda as numba_cuda

        cuda = numba_cuda

        @cuda.jit
        def matmul_cuda(a, b, c):
            i, j = cuda.grid(2)
            if i < c.shape[0] and j < c.shape[1]:
                acc = a[i, 0] * b[0, j]
                for k in range(1, a.shape[1]):
                    acc += a[i, k] * b[k, j]
                c[i, j] = acc

        _CUDA_KERNEL = matmul_cuda
    return _CUDA_KERNEL


def blocks_per_grid(m: int, n: int, threads=THREADS_PER_BLOCK) -> tuple[int, int]:
    """Enough blocks of ``threads`` to cover an m×n output: ⌈m/16⌉ × ⌈n/16⌉."""
    return (max(1, -(-m // threads[0])), max(1, -(-n // threads[1])))


def launch_matmul_cuda(a_d, b_d, c_d) -> None:
    """Run ``cuda_kernel`` on device arrays A (M×K), B (K×N) into C (M×N) and wait for the GPU to finish."""
    from numba import cuda

    (m, k), n = a_d.shape, b_d.shape[1]
    if k == 0:  # an empty sum: C = 0 (the kernel reads A_i0, so it is not launched)
        c_d.copy_to_device(np.zeros((m, n), dtype=c_d.dtype))
    elif m and n:
        cuda_kernel()[blocks_per_grid(m, n), THREADS_PER_BLOCK](a_d, b_d, c_d)
    cuda.synchronize()


def matmul_numba_cuda(a, b):
    """C = A B with the ``numba.cuda`` kernel (``lesson11.matmul``).

    CUDA tensors are used in place (``cuda.as_cuda_array``: no copy) and the result is a CUDA tensor;
    CPU inputs are copied to the GPU and the result back to a CPU tensor. A ``RuntimeError`` says
    so when no GPU is usable.
    """
    import torch

    if not cuda_available():
        raise RuntimeError("matmul_numba_cuda needs a CUDA GPU that numba.cuda can use, and there is none here")
    from numba import cuda

    a, b = as_matrices(a, b)
    m, n = a.shape[0], b.shape[1]
    if a.is_cuda:
        a_d, b_d = cuda.as_cuda_array(a.contiguous()), cuda.as_cuda_array(b.to(a.device).contiguous())
        c = torch.empty(m, n, dtype=a.dtype, device=a.device)
        launch_matmul_cuda(a_d, b_d, cuda.as_cuda_array(c))
        return c
    a_np, b_np = _numpy_operands(a, b)
    c_d = cuda.device_array((m, n), dtype=a_np.dtype)
    launch_matmul_cuda(cuda.to_device(a_np), cuda.to_device(b_np), c_d)
    return torch.from_numpy(c_d.copy_to_host())
