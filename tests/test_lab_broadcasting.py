"""The broadcasting explainer (``lesson11.broadcasting``) against ``torch.broadcast_shapes`` as the oracle."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from paperkit.lab.broadcasting import broadcast_shape, explain_broadcast

SIZES = st.sampled_from([0, 1, 1, 2, 3, 5])  # 1 often (it is what broadcasts), 0 sometimes (torch's edge case)
SHAPE = st.lists(SIZES, max_size=5).map(tuple)


def torch_verdict(*shapes):
    """(True, shape) or (False, None), from torch.broadcast_shapes."""
    try:
        return True, tuple(torch.broadcast_shapes(*shapes))
    except RuntimeError:
        return False, None


@st.composite
def compatible_pair(draw):
    """A shape and a second one made from it: leading dims dropped, some sizes replaced by 1 — always compatible."""
    a = draw(st.lists(st.integers(0, 6), max_size=5).map(tuple))
    keep = draw(st.integers(0, len(a)))
    b = tuple(1 if draw(st.booleans()) else d for d in a[len(a) - keep:])
    return (a, b) if draw(st.booleans()) else (b, a)


@settings(max_examples=300, deadline=None)
@given(a=SHAPE, b=SHAPE)
def test_verdict_and_result_match_torch(a, b):
    ex = explain_broadcast(a, b)
    ok, shape = torch_verdict(a, b)
    assert ex.ok == ok and ex.result == shape
    if not ok:
        step = ex.mismatches[0]
        assert step.dim == ex.error_dim and step.rule == "mismatch"
        sizes = set(step.sizes)
        assert len(sizes - {1}) == 2  # two different sizes, neither of them 1
        assert all(s.ok for s in ex.steps if s.dim > ex.error_dim)  # it is the first clash from the right


@settings(max_examples=150, deadline=None)
@given(pair=compatible_pair())
def test_compatible_shapes_give_torchs_shape_and_tensors_agree(pair):
    a, b = pair
    ex = explain_broadcast(a, b)
    assert ex.ok and ex.result == tuple(torch.broadcast_shapes(a, b))
    assert ex.result == tuple((torch.zeros(a) + torch.zeros(b)).shape)
    assert broadcast_shape(a, b) == ex.result


@settings(max_examples=150, deadline=None)
@given(shapes=st.lists(SHAPE, min_size=1, max_size=4))
def test_any_number_of_shapes_matches_torch(shapes):
    ex = explain_broadcast(*shapes)
    assert (ex.ok, ex.result) == torch_verdict(*shapes)


@settings(max_examples=100, deadline=None)
@given(a=SHAPE, b=SHAPE)
def test_steps_follow_the_rules(a, b):
    ex = explain_broadcast(a, b)
    n = max(len(a), len(b))
    # 1–2: aligned on the right and padded on the left with 1s
    assert ex.padded == ((1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b)
    assert [s.dim for s in ex.steps] == list(range(-1, -n - 1, -1))
    for s in ex.steps:
        pa, pb = s.sizes
        assert s.padded == (-s.dim > len(a), -s.dim > len(b))
        # 3: equal sizes stay, a 1 is stretched, anything else breaks
        if pa == pb:
            assert (s.rule, s.result) == ("equal", pa)
        elif 1 in (pa, pb):
            assert s.rule == "stretch" and s.result == (pb if pa == 1 else pa)
            assert s.stretched == ((0,) if pa == 1 else (1,))
        else:
            assert (s.rule, s.result) == ("mismatch", None)
    lines = ex.text
    assert lines[-1].startswith("4. Result:" if ex.ok else "4. Cannot broadcast")
    assert sum(line.lstrip().startswith("dim") for line in lines) == n
    assert ex.to_dict()["text"] == lines


def test_the_lessons_example_step_by_step():
    ex = explain_broadcast((784, 1), (784, 10), names=("a[i, :, None]", "b"))
    assert ex.ok and ex.result == (784, 10)
    assert [(s.dim, s.rule, s.result) for s in ex.steps] == [(-1, "stretch", 10), (-2, "equal", 784)]
    text = "\n".join(ex.text)
    assert "a[i, :, None]'s 1 is stretched to 10" in text and "Result: (784, 10)" in text


def test_a_vector_against_a_matrix_is_padded_then_stretched():
    ex = explain_broadcast((3,), (4, 3))
    assert ex.padded == ((1, 3), (4, 3)) and ex.result == (4, 3)
    assert ex.steps[1].padded == (True, False) and ex.steps[1].stretched == (0,)
    assert "Pad the shorter shapes" in "\n".join(ex.text)


def test_an_incompatible_pair_names_the_first_dimension_that_breaks():
    ex = explain_broadcast((2, 3), (4, 3, 5))
    assert not ex.ok and ex.result is None and ex.error_dim == -1
    assert [s.dim for s in ex.mismatches] == [-1, -2]
    assert "dimension -1 is the first that breaks the rule (all clashes: -1, -2)" in ex.text[-1]
    with pytest.raises(ValueError, match=r"cannot broadcast: at dimension -1 the sizes 3, 5 differ"):
        broadcast_shape((2, 3), (4, 3, 5))


def test_zero_sizes_follow_torch():
    assert explain_broadcast((0,), (1,)).result == (0,) == tuple(torch.broadcast_shapes((0,), (1,)))
    assert not explain_broadcast((0,), (3,)).ok


def test_scalars_and_int_shapes():
    assert explain_broadcast((), ()).result == ()
    assert explain_broadcast((), (2, 3)).result == (2, 3)
    assert explain_broadcast(5, (3, 1)).result == (3, 5) == tuple(torch.broadcast_shapes(5, (3, 1)))
    assert explain_broadcast(torch.Size([2, 1]), [1, 4]).result == (2, 4)


def test_bad_shapes_are_clear_errors():
    with pytest.raises(ValueError, match="negative"):
        explain_broadcast((2, -1), (2,))
    with pytest.raises(TypeError, match="integers"):
        explain_broadcast((2, 1.5), (2,))
    with pytest.raises(TypeError, match="sequence of sizes"):
        explain_broadcast(None, (2,))
    with pytest.raises(ValueError, match="at least one shape"):
        explain_broadcast()
    with pytest.raises(ValueError, match="names"):
        explain_broadcast((1,), (2,), names=("a",))


def test_explainer_imports_no_torch():
    import json
    import subprocess
    import sys

    probe = ("import sys, json; from paperkit.lab.broadcasting import explain_broadcast; explain_broadcast((3, 1), (4,)).text; "
             "print(json.dumps('torch' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
