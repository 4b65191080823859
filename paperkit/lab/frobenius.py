"""The Frobenius norm (``lesson11.frobenius``)."""

from __future__ import annotations


def frobenius_norm(a):
    """‖A‖_F = (Σ_i Σ_j |a_ij|²)^½ (``lesson11.frobenius``): square every element, sum, take the root.

    Lesson 11 wrote it as ``(m*m).sum().sqrt()``; for [[1,2,3],[4,5,6],[7,8,9]] it is √285 ≈ 16.88.
    """
    return (a * a.conj()).real.sum().sqrt() if a.is_complex() else (a * a).sum().sqrt()
