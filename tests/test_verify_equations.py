"""Every closed-form catalog equation, evaluated from its LaTeX by sympy, against its torch code."""

import pytest

from paperkit.catalog import Check, Equation, load_catalog
from paperkit.verify.checks import run_check
from paperkit.verify.notation import NotationError, clauses, normal_args, pick, rewrite

CATALOG = load_catalog()
CHECKS = [(e, c) for e in CATALOG.equations for c in e.checks]


@pytest.mark.parametrize("eq,check", CHECKS, ids=[f"{e.id}:{c.part}:{c.note[:20]}" for e, c in CHECKS])
@pytest.mark.parametrize("seed", [0, 1])
def test_equation_matches_its_code(eq, check, seed):
    result = run_check(eq, check, seed=seed)
    assert result.ok, result.message


def test_most_equations_are_verified():
    verified = {e.id for e, _ in CHECKS}
    assert len(verified) >= 25
    # the ones without a check are expectations, ODEs, procedures or sums over indices
    for e in CATALOG.equations:
        if e.id not in verified:
            assert e.notes or e.number_note, f"{e.id} has no check and no note saying why"


def _eq(latex):
    return Equation(id="t.1", paper="t", number="1", latex=latex, meaning="")


def test_a_wrong_implementation_is_caught():
    check = Check(part="normal.sample", noise="epsilon", code="q_sample(x_0, epsilon, alpha_bar_t) * 1.000001",
                  inputs={"x_0": "tensor()", "epsilon": "tensor()", "alpha_bar_t": "uniform(0.1, 0.9)"})
    result = run_check(_eq(r"q(x_t|x_0) = \mathcal{N}(x_t; \sqrt{\bar{\alpha}_t}x_0, (1-\bar{\alpha}_t)\mathbf{I})"), check)
    assert not result.ok and result.max_abs_err > 0


def test_a_wrong_equation_is_caught():
    # ddpm.11 with β_t where the paper has 1 − β_t (= α_t) in the wrong place
    check = Check(part="rhs", code="ddpm_step(x_t, e, alpha_bar_t, alpha_bar_tm1, noise=torch.zeros_like(x_t))",
                  inputs={"x_t": "tensor()", "e": "tensor()", "alpha_bar_tm1": "uniform(0.2, 0.99)",
                          "alpha_bar_t": "alpha_bar_tm1 * uniform(0.5, 0.99)", "alpha_t": "alpha_bar_t / alpha_bar_tm1",
                          "beta_t": "1 - alpha_t", "epsilon_theta": "e"})
    good = r"\frac{1}{\sqrt{\alpha_t}}\left(x_t - \frac{\beta_t}{\sqrt{1-\bar{\alpha}_t}}\epsilon_\theta(x_t, t)\right)"
    bad = r"\frac{1}{\sqrt{\alpha_t}}\left(x_t - \frac{\beta_t}{\sqrt{1-\alpha_t}}\epsilon_\theta(x_t, t)\right)"
    assert run_check(_eq("y = " + good), check).ok
    assert not run_check(_eq("y = " + bad), check).ok


def test_missing_input_is_reported_not_raised():
    check = Check(part="rhs", code="x_0", inputs={"x_0": "tensor()"})
    result = run_check(_eq(r"y = x_0 + \beta_t"), check)
    assert not result.ok and "beta_t" in result.message


def test_rewrite_names_atoms_canonically():
    rw = rewrite(r"\sqrt{\bar\alpha_{t-1}}\,\hat{x}_0 + \epsilon_\theta^{(t)}(x_t) + \tilde{\mu}_t")
    assert set(rw.names.values()) == {"alpha_bar_tm1", "x_hat_0", "epsilon_theta(x_t)", "mu_tilde_t"}
    assert rewrite(r"\overline{\alpha}_{t}").names == rewrite(r"\bar{\alpha}_t").names
    assert rewrite(r"\varepsilon").names == rewrite(r"\epsilon").names
    assert "N(" in rewrite(r"\|x\|_2").latex and "S(" in rewrite(r"\operatorname{std}(x)").latex


def test_picking_parts():
    latex = r"\tilde{\mu}_t(x_t, x_0) := a \quad\text{and}\quad \tilde{\beta}_t := b"
    assert len(clauses(latex)) == 2
    assert pick(latex, "def:beta_tilde_t") == "b"
    assert pick(latex, "rhs") == "b" and pick(latex, "clause:1") == "a"
    assert normal_args(r"\mathcal{N}\left(x; m, s\mathbf{I}\right)") == ("x", "m", "s\\mathbf{I}")
    with pytest.raises(NotationError):
        pick(latex, "def:gamma")
    with pytest.raises(NotationError):
        rewrite(r"\weird{x}")


def test_index_notation_is_evaluated_entry_by_entry():
    latex = r"C_{ij} = \sum_{k=1}^{K} A_{ik}\,B_{kj}"
    spec = dict(part="rhs", indexed={"A": "A", "B": "B"}, indices={"i": "M", "j": "N"},
                inputs={"M": "2", "K": "3", "N": "4", "A": "tensor(2, 3)", "B": "tensor(3, 4)"})
    assert run_check(_eq(latex), Check(code="matmul_loops(A, B)", **spec)).ok
    assert not run_check(_eq(latex), Check(code="matmul_loops(A, B) * 1.001", **spec)).ok
    # B_{jk} instead of B_{kj} is a different formula, and the check sees it
    wrong = r"C_{ij} = \sum_{k=1}^{K} A_{ik}\,B_{jk}"
    square = dict(spec, inputs={"M": "3", "K": "3", "N": "3", "A": "tensor(3, 3)", "B": "tensor(3, 3)"})
    assert not run_check(_eq(wrong), Check(code="matmul_loops(A, B)", **square)).ok
