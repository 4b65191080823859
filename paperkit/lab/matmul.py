"""The matrix product from scratch (``lesson11.matmul``), as lesson 11 first wrote it."""

from __future__ import annotations


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
