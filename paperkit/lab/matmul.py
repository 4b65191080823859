"""The matrix product from scratch (``lesson11.matmul``), step by step as lesson 11 wrote it.

C_ij = Σ_k A_ik B_kj, computed ever faster (course22p2 ``01_matmul``):

1. ``matmul_loops``: three Python loops over a tensor's elements (the lesson's start, ≈ 0.4 s for 5×784 @ 784×10);
2. ``matmul_lists``: the same loops over plain Python lists of floats;
3. Numba (``paperkit.lab.numba_kernels``): the loops compiled to machine code;
4. ``matmul_elementwise``: one loop per output entry, the inner k loop replaced by ``(a[i,:] * b[:,j]).sum()``;
5. ``matmul_broadcast``: one loop per row, ``(a[i,:,None] * b).sum(0)`` — "over 5,000×" faster than step 1;
6. ``matmul_einsum``: ``torch.einsum("ik,kj->ij", a, b)``, the summation written as indices;
7. ``matmul_torch``: ``a @ b``; on a GPU ``matmul_torch_cuda`` (and the Numba CUDA kernel).

Every function takes two 2-D tensors (or anything ``torch.as_tensor`` accepts), checks the shapes
(a clear ``ValueError`` when they do not fit) and computes in the dtype torch would promote the two
to, so float32 @ float64 gives float64 and int64 @ int64 stays exact. torch is imported inside the
functions (≈ 2.3 s), so importing this module is free.
"""

from __future__ import annotations


def check_shapes(a_shape, b_shape) -> tuple[int, int, int]:
    """(M, K, N) for an M×K by K×N product, or a ``ValueError`` saying what does not fit."""
    a_shape, b_shape = tuple(a_shape), tuple(b_shape)
    if len(a_shape) != 2 or len(b_shape) != 2:
        raise ValueError(f"the matrix product needs two 2-D matrices, got shapes {a_shape} and {b_shape}")
    (ar, ac), (br, bc) = a_shape, b_shape
    if ac != br:
        raise ValueError(f"cannot multiply {ar}×{ac} by {br}×{bc}: inner dimensions differ ({ac} ≠ {br})")
    return ar, ac, bc


def as_matrices(a, b):
    """``a`` and ``b`` as torch tensors of one dtype (torch's promotion), after ``check_shapes``.

    Booleans are refused: torch's ``@`` has no boolean product, so there is nothing to compare with.
    """
    import torch

    a, b = torch.as_tensor(a), torch.as_tensor(b)
    check_shapes(a.shape, b.shape)
    if torch.bool in (a.dtype, b.dtype):
        raise ValueError("the matrix product of boolean tensors is not defined in torch; cast them to int or float first")
    dtype = torch.promote_types(a.dtype, b.dtype)
    return a.to(dtype), b.to(dtype)


def matmul_loops(a, b):
    """C_ij = Σ_k A_ik B_kj with three Python loops over a torch tensor's elements (``lesson11.matmul``).

    The lesson's starting point (course22p2 ``01_matmul``): correct, and about 5,000× slower than
    broadcasting, because every element access goes through the Python interpreter.
    """
    import torch

    (ar, ac), (br, bc) = a.shape, b.shape
    if ac != br:
        raise ValueError(f"cannot multiply {ar}×{ac} by {br}×{bc}: inner dimensions differ")
    c = torch.zeros(ar, bc, dtype=torch.promote_types(a.dtype, b.dtype))
    for i in range(ar):
        for j in range(bc):
            for k in range(ac):
                c[i, j] += a[i, k] * b[k, j]
    return c


def matmul_lists(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """C_ij = Σ_k A_ik B_kj with three Python loops over lists of lists (``lesson11.matmul``).

    No torch at all: each number is a Python float, so this is the interpreter's own speed — faster
    than ``matmul_loops`` (no tensor indexing per element), still thousands of times slower than torch.
    """
    ar, ac, bc = check_shapes(_list_shape(a), _list_shape(b))
    c = [[0] * bc for _ in range(ar)]
    for i in range(ar):
        a_i, c_i = a[i], c[i]
        for j in range(bc):
            total = 0
            for k in range(ac):
                total += a_i[k] * b[k][j]
            c_i[j] = total
    return c


def _list_shape(m) -> tuple[int, ...]:
    """The shape of a list of equal-length rows; a ragged list is a ``ValueError``."""
    if not isinstance(m, (list, tuple)) or any(not isinstance(row, (list, tuple)) for row in m):
        raise ValueError("matmul_lists takes lists of rows (lists of numbers)")
    widths = {len(row) for row in m}
    if len(widths) > 1:
        raise ValueError(f"ragged matrix: rows of lengths {sorted(widths)}")
    return (len(m), widths.pop() if widths else 0)


def matmul_elementwise(a, b):
    """C_ij = Σ_k A_ik B_kj with the k loop done by torch: ``(a[i,:] * b[:,j]).sum()`` (``lesson11.matmul``).

    Two Python loops remain (one per output entry); the products and their sum run in C.
    """
    import torch

    a, b = as_matrices(a, b)
    (ar, _), (_, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc, dtype=a.dtype, device=a.device)
    for i in range(ar):
        for j in range(bc):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c


def matmul_broadcast(a, b):
    """C_i,: = Σ_k A_ik B_k,: by broadcasting, one Python loop over rows (``lesson11.matmul``).

    ``a[i, :, None]`` has shape (K, 1) and ``b`` (K, N): broadcasting (``lesson11.broadcasting``)
    stretches the column across b's N columns, the product is (K, N) and summing over k (dim 0)
    leaves row i of C. The lesson's "over 5,000× faster" than ``matmul_loops``.
    """
    import torch

    a, b = as_matrices(a, b)
    (ar, _), (_, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc, dtype=a.dtype, device=a.device)
    for i in range(ar):
        c[i] = (a[i, :, None] * b).sum(dim=0)
    return c


def matmul_einsum(a, b):
    """C_ij = Σ_k A_ik B_kj as Einstein summation, ``torch.einsum("ik,kj->ij", a, b)`` (``lesson11.matmul``).

    The repeated index k, absent from the output ``ij``, is summed over: the equation written as code.
    """
    import torch

    a, b = as_matrices(a, b)
    return torch.einsum("ik,kj->ij", a, b)


def matmul_torch(a, b):
    """C = A B with torch's ``@`` (``lesson11.matmul``): a BLAS kernel, the reference every other method is timed against."""
    a, b = as_matrices(a, b)
    return a @ b


def matmul_torch_cuda(a, b):
    """C = A B with ``@`` on the GPU (``lesson11.matmul``): the inputs are moved to CUDA if they are not there.

    The result stays on the GPU; a ``RuntimeError`` says so plainly when CUDA is not available.
    """
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError("matmul_torch_cuda needs a CUDA GPU, and torch sees none on this machine")
    a, b = as_matrices(a, b)
    return a.cuda() @ b.cuda()
