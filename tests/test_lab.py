"""Lesson 11's matrix product and Frobenius norm, with torch as the oracle."""

import pytest
import torch

from paperkit.lab.frobenius import frobenius_norm
from paperkit.lab.matmul import matmul_loops


def test_matmul_loops_matches_torch():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(5, 7, generator=g), torch.randn(7, 3, generator=g)
    torch.testing.assert_close(matmul_loops(a, b), a @ b, atol=1e-5, rtol=1e-5)


def test_matmul_loops_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="inner dimensions"):
        matmul_loops(torch.zeros(2, 3), torch.zeros(4, 2))


def test_frobenius_norm_of_the_lessons_matrix():
    m = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert frobenius_norm(m).item() == pytest.approx(16.881943, rel=1e-6)
    assert frobenius_norm(m).item() == pytest.approx(torch.linalg.norm(m).item())
    z = torch.tensor([[3 + 4j]])
    assert frobenius_norm(z).item() == pytest.approx(5.0)
