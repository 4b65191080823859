"""Catalog integrity: ids, numbers, required coverage, code links and LaTeX that parses."""

import importlib
import inspect
import re

import pytest
from pylatexenc.latexwalker import LatexWalker

from paperkit.catalog import load_catalog
from paperkit.catalog.code_links import CodeLinkError, locate
from paperkit.catalog.store import CatalogError, parse_paper
from paperkit.errors import UserError

CATALOG = load_catalog()
EQUATIONS = CATALOG.equations

REQUIRED = {
    "ddpm": ["ddpm.2", "ddpm.4", "ddpm.6", "ddpm.7", "ddpm.11", "ddpm.14", "ddpm.alg1", "ddpm.alg2", "ddpm.schedule"],
    "ddim": ["ddim.4", "ddim.5", "ddim.7", "ddim.9", "ddim.12", "ddim.16", "ddim.13", "ddim.subsequence"],
    "diffedit": ["diffedit.step1", "diffedit.step2", "diffedit.step3"],
    "cfg": ["cfg.6"],
    "lesson11": ["lesson11.guidance_rescale", "lesson11.norm_rescale", "lesson11.decreasing_guidance",
                 "lesson11.prompt_interpolation", "lesson11.matmul", "lesson11.frobenius"],
}


def test_papers_and_required_equations_are_present():
    assert [p.id for p in CATALOG.papers] == ["ddpm", "ddim", "diffedit", "cfg", "lesson11"]
    ids = {e.id for e in EQUATIONS}
    for paper, wanted in REQUIRED.items():
        missing = [w for w in wanted if w not in ids]
        assert not missing, f"{paper}: missing {missing}"


def test_paper_metadata():
    arxiv = {"ddpm": "2006.11239", "ddim": "2010.02502", "diffedit": "2210.11427", "cfg": "2207.12598"}
    for p in CATALOG.papers:
        assert p.title and p.authors and 2019 <= p.year <= 2023 and len(p.summary) > 200
        if p.id in arxiv:
            assert p.arxiv == arxiv[p.id] and re.fullmatch(r"v\d+", p.version), p.id
        else:
            assert p.arxiv is None and p.url


def test_ids_are_unique_and_prefixed_by_their_paper():
    ids = [e.id for e in EQUATIONS]
    assert len(ids) == len(set(ids))
    for e in EQUATIONS:
        assert e.id.startswith(e.paper + "."), e.id


def test_numbered_ids_carry_the_printed_number():
    for e in EQUATIONS:
        suffix = e.id.split(".", 1)[1]
        if suffix.isdigit():
            assert e.number == suffix and e.numbered and e.label == f"({suffix})", e.id
        else:
            assert not e.numbered and e.number, e.id


def test_every_entry_has_meaning_and_symbols():
    for e in EQUATIONS:
        assert len(e.meaning) > 40, e.id
        assert e.symbols, e.id
        for s in e.symbols:
            assert s.latex and len(s.meaning) > 3, (e.id, s)


def test_unsure_numbers_say_so():
    # entries whose number we could not confirm on a rendered PDF carry a note
    for eid in ["ddim.4", "diffedit.2", "diffedit.3", "lesson11.guidance_rescale"]:
        assert CATALOG.equation(eid).number_note, eid


def test_notation_clash_and_forum_credits_are_recorded():
    ddim = CATALOG.paper("ddim")
    assert any("DDPM's ᾱ_t" in n for n in ddim.notes)
    for eid in ["lesson11.norm_rescale", "lesson11.decreasing_guidance", "lesson11.prompt_interpolation"]:
        assert any("forum" in n for n in CATALOG.equation(eid).notes), eid
    assert any("Limitation" in n for n in CATALOG.paper("diffedit").notes)


@pytest.mark.parametrize("eq", [e for e in EQUATIONS if e.code], ids=lambda e: e.id)
def test_code_link_imports_and_locates(eq):
    module_name, _, attr = eq.code.rpartition(".")
    obj = getattr(importlib.import_module(module_name), attr)
    assert callable(obj)
    loc = locate(eq.code)
    lines, start = inspect.getsourcelines(obj)
    assert loc.line == start and loc.source.splitlines()[0] == lines[0].rstrip("\n")
    assert loc.file.endswith(inspect.getsourcefile(obj).split("/paperkit/", 1)[1])
    # the code cites its equation (or, for shared helpers, one of the paper's equations)
    assert eq.id in obj.__doc__ or eq.paper + "." in obj.__doc__, f"{eq.code} does not cite {eq.id}"


def test_broken_code_link_is_reported():
    with pytest.raises(CodeLinkError):
        locate("paperkit.diffusion.no_such_function")
    with pytest.raises(CodeLinkError):
        locate("nowhere.at_all")


def _all_latex():
    for e in EQUATIONS:
        yield e.id, e.latex
        for s in e.symbols:
            yield f"{e.id} symbol", s.latex


@pytest.mark.parametrize("where,latex", list(_all_latex()))
def test_latex_parses_with_pylatexenc(where, latex):
    nodes, _, _ = LatexWalker(latex, tolerant_parsing=False).get_latex_nodes()
    assert nodes, where


def test_lookup_is_case_insensitive_and_suggests_close_ids():
    assert CATALOG.equation(" DDIM.12 ").id == "ddim.12"
    with pytest.raises(UserError, match=r"did you mean .*ddim\.16"):
        CATALOG.equation("ddim.61")
    with pytest.raises(UserError, match="no paper"):
        CATALOG.paper("ddqm")


def test_malformed_catalog_file_gives_a_clear_error():
    with pytest.raises(CatalogError, match="x.toml: not valid TOML"):
        parse_paper("[paper\nid=", source="x.toml")
    with pytest.raises(CatalogError, match="missing field 'title'"):
        parse_paper('[paper]\nid = "p"\n', source="p.toml")
    with pytest.raises(CatalogError, match="equation 1 .*missing field 'latex'"):
        parse_paper('[paper]\nid="p"\ntitle="t"\nauthors=["a"]\nyear=2020\nsummary="s"\n[[equations]]\nid="p.1"\nnumber="1"\nmeaning="m"\n', source="p.toml")


def test_demo_links_name_registered_demos_and_back():
    from paperkit.demos import DEMOS

    ids = {e.id for e in EQUATIONS}
    for e in EQUATIONS:
        if e.demo:
            assert e.demo in DEMOS, f"{e.id} links unknown demo {e.demo}"
    for spec in DEMOS.values():
        assert spec.equations and set(spec.equations) <= ids, spec.name
        for eid in spec.equations:
            assert CATALOG.equation(eid).demo, f"{eid} is shown by {spec.name} but links no demo"


def test_an_equations_rows_are_distinct():
    """No equation lists one spelling twice (``\\bar\\alpha_t`` and ``\\bar{\\alpha}_t`` count as one)."""
    from paperkit.catalog.equation_symbols import canonical

    for e in EQUATIONS:
        spellings = [canonical(s.latex) for s in e.symbols]
        assert len(spellings) == len(set(spellings)), (e.id, sorted(k for k in spellings if spellings.count(k) > 1))
