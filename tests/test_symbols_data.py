"""Checks on the hand-written notation glossary in symbols/*.toml.

The data is plain TOML; these tests keep it well-formed (schema, unique keys, Unicode names),
complete (the coverage the glossary promises), and honest (every APL entry's PyTorch expression
really computes the stated result, every LaTeX spelling parses).
"""

from __future__ import annotations

import ast
import re
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

SYMBOLS_DIR = Path(__file__).resolve().parents[1] / "symbols"
CLASHES_FILE = SYMBOLS_DIR / "clashes.toml"

CATEGORIES = {
    "greek", "accent", "font", "operator", "relation", "arrow", "set", "logic", "probability",
    "linear-algebra", "calculus", "index", "ml-function", "delimiter", "apl", "misc",
}
PAPER_IDS = {"ddpm", "ddim", "diffedit", "cfg", "lesson11"}

FIELDS = {
    "key": str, "chars": list, "latex": list, "name": str, "say": str, "aliases": list,
    "category": str, "meanings": list, "torch": str, "example": str,
}
APL_FIELDS = {"apl": str, "result": str}
APL_OPTIONAL = {"setup": str}
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

# LaTeX spellings that more than one entry may claim, on purpose: one notation that is read
# differently in two contexts, each reading kept as its own entry. Anything else is a mistake.
ALLOWED_LATEX_DUPLICATES = {
    "\\perp": {"perp", "independent"},        # perpendicular; independence written with one tack
    "T": {"tau-upper", "number-of-steps"},     # capital Tau is typed as a Latin T
}


def _load(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def _symbol_files() -> list[Path]:
    return sorted(p for p in SYMBOLS_DIR.glob("*.toml") if p != CLASHES_FILE)


def _entries() -> list[tuple[str, dict]]:
    out = []
    for path in _symbol_files():
        data = _load(path)
        assert set(data) <= {"symbol"}, f"{path.name}: unexpected top-level tables {set(data) - {'symbol'}}"
        for entry in data.get("symbol", []):
            out.append((path.name, entry))
    return out


ENTRIES = _entries()
BY_KEY = {e["key"]: e for _, e in ENTRIES if isinstance(e.get("key"), str)}
APL_ENTRIES = [e for _, e in ENTRIES if e.get("category") == "apl"]


def _all_chars() -> set[str]:
    return {c for _, e in ENTRIES for c in e.get("chars", [])}


def _all_latex() -> set[str]:
    return {s for _, e in ENTRIES for s in e.get("latex", [])}


def _ident(entry: dict) -> str:
    return entry.get("key", repr(entry)[:60])


# ------------------------------------------------------------------ shape of the data


def test_enough_entries():
    assert len(ENTRIES) >= 320, len(ENTRIES)


def test_files_exist():
    names = {p.name for p in _symbol_files()}
    for required in ("greek.toml", "accents.toml", "fonts.toml", "operators.toml", "relations.toml",
                     "arrows.toml", "sets_logic.toml", "probability.toml", "linear_algebra.toml",
                     "calculus.toml", "indices.toml", "ml_functions.toml", "delimiters.toml", "apl.toml"):
        assert required in names
    assert CLASHES_FILE.exists()
    assert (SYMBOLS_DIR / "README.md").exists()


def test_keys_unique_and_well_formed():
    seen: dict[str, str] = {}
    for fname, e in ENTRIES:
        key = e.get("key")
        assert isinstance(key, str) and KEY_RE.match(key), f"{fname}: bad key {key!r}"
        assert key not in seen, f"key {key!r} in both {seen[key]} and {fname}"
        seen[key] = fname


@pytest.mark.parametrize("fname,entry", ENTRIES, ids=[_ident(e) for _, e in ENTRIES])
def test_entry_schema(fname, entry):
    is_apl = entry.get("category") == "apl"
    allowed = set(FIELDS) | (set(APL_FIELDS) | set(APL_OPTIONAL) if is_apl else set())
    required = set(FIELDS) | (set(APL_FIELDS) if is_apl else set())
    assert required <= set(entry), f"missing {required - set(entry)}"
    assert set(entry) <= allowed, f"unexpected fields {set(entry) - allowed}"
    for field, typ in {**FIELDS, **APL_FIELDS, **APL_OPTIONAL}.items():
        if field in entry:
            assert isinstance(entry[field], typ), f"{field} should be {typ.__name__}"

    assert entry["category"] in CATEGORIES
    for field in ("chars", "latex", "aliases", "meanings"):
        for item in entry[field]:
            assert isinstance(item, str) and item and item == item.strip(), f"bad {field} item {item!r}"
        assert len(set(entry[field])) == len(entry[field]), f"duplicate in {field}"
    for field in ("name", "say", "example"):
        assert entry[field].strip(), f"empty {field}"
    assert entry["name"] == entry["name"].upper(), "name should be upper case"
    assert 2 <= len(entry["aliases"]) <= 6, "2 to 6 aliases"
    assert 1 <= len(entry["meanings"]) <= 4, "1 to 4 meanings"
    # Something to look the entry up by: a character or a LaTeX spelling.
    assert entry["chars"] or entry["latex"]
    if not is_apl:
        assert entry["latex"], "non-APL entries need a LaTeX spelling"


@pytest.mark.parametrize("fname,entry", ENTRIES, ids=[_ident(e) for _, e in ENTRIES])
def test_unicode_name(fname, entry):
    if entry["chars"] and len(entry["chars"][0]) == 1:
        assert entry["name"] == unicodedata.name(entry["chars"][0])


def test_meanings_are_not_unicode_boilerplate():
    for _, e in ENTRIES:
        for m in e["meanings"]:
            assert m.upper() != e["name"], e["key"]
            assert len(m) >= 12, (e["key"], m)


# ------------------------------------------------------------------ coverage

GREEK_LOWER = [chr(c) for c in range(0x03B1, 0x03CA)]                  # α … ω, with final ς
GREEK_UPPER = [chr(c) for c in range(0x0391, 0x03AA) if c != 0x03A2]   # Α … Ω (U+03A2 unassigned)
GREEK_VARIANTS = ["ϵ", "ε", "ϕ", "φ", "ϑ", "θ", "ϱ", "ρ", "ϖ", "π", "ς", "σ", "ϰ", "κ"]


def test_every_greek_letter_and_variant():
    chars = _all_chars()
    missing = [c for c in GREEK_LOWER + GREEK_UPPER + GREEK_VARIANTS if c not in chars]
    assert not missing, missing


def test_epsilon_and_phi_glyphs_match_latex():
    by_char = {e["chars"][0]: e for _, e in ENTRIES if e["category"] == "greek"}
    assert by_char["\u03f5"]["latex"][0] == "\\epsilon"      # ϵ, lunate
    assert by_char["\u03b5"]["latex"][0] == "\\varepsilon"   # ε
    assert by_char["\u03d5"]["latex"][0] == "\\phi"          # ϕ
    assert by_char["\u03c6"]["latex"][0] == "\\varphi"       # φ


REQUIRED_CHARS = [
    # accents (combining) and accented ML symbols
    "\u0304", "\u0302", "\u0303", "\u0307", "\u0308", "\u20d7", "ᾱ",
    # fonts
    "ℝ", "ℕ", "ℤ", "ℚ", "ℂ", "𝔼", "ℙ", "𝒩", "𝒰", "𝒟", "𝓛", "ℒ", "𝒪", "𝐈", "𝐱", "𝟙", "𝒳", "𝒴", "𝒵",
    # operators
    "∑", "∏", "∫", "∮", "∂", "∇", "√", "∛", "±", "∓", "×", "÷", "·", "∘", "⊙", "⊗", "⊕", "∗", "⋆",
    "†", "‡", "′", "″", "∞", "…",
    # relations
    "=", "≠", "≈", "≃", "≅", "≡", "∝", "<", ">", "≤", "≥", "≪", "≫", "≺", "≻", "⊂", "⊆", "⊃", "⊇",
    "∈", "∉", "∋", "∼", "≐", "≔", "≜", "⊥", "∥", "∣",
    # arrows
    "→", "←", "↔", "⇒", "⇐", "⇔", "↦", "↑", "↓", "⟶", "⟹", "↪", "⇝",
    # sets and logic
    "∅", "∪", "∩", "∖", "∀", "∃", "∄", "¬", "∧", "∨", "⊤", "⊢", "⊨", "℘",
    # probability, linear algebra
    "\u2aeb", "‖", "ᵀ", "⁻¹", "⟨", "⟩", "𝟎",
    # delimiters
    "(", ")", "[", "]", "{", "}", "⌊", "⌋", "⌈", "⌉", "|",
    # APL
    "⍴", "⍳", "∘.×", "+/", "×/", "⌈/", "⌊/", "⌽", "⊖", "⍉", "⍟", "○", "!", "?", "∊", "⍋", "⍒",
    ",", "⍪", "≢", "~", "+.×", "⌹", "⍨", "¨", "/", "\\", "+\\",
]


def test_required_characters_present():
    chars = _all_chars()
    missing = [c for c in REQUIRED_CHARS if c not in chars]
    assert not missing, missing


REQUIRED_LATEX = [
    "\\mathbb", "\\mathcal", "\\mathbf", "\\boldsymbol", "\\mathrm", "\\mathfrak", "\\mathscr",
    "\\mathsf", "\\mathtt", "\\operatorname",
    "\\bar{\\alpha}", "\\hat{x}", "\\hat{x}_0", "\\tilde{\\mu}", "\\tilde{\\beta}", "\\tilde{\\epsilon}",
    "\\hat{\\theta}", "\\mathcal{L}", "\\mathbf{I}", "\\mathbb{1}", "\\mathbb{E}",
    "p(x \\mid y)", "p(x, y)", "\\mathbb{E}_{x \\sim p}", "\\mathrm{Var}", "\\mathrm{Cov}",
    "\\mathcal{N}(\\mu, \\sigma^2)", "D_{\\mathrm{KL}}(p \\,\\|\\, q)", "H(p)", "\\Pr",
    "\\|x\\|", "\\|x\\|_2", "\\|A\\|_F", "\\|x\\|_1", "A^{-1}", "A^{+}", "\\operatorname{tr}",
    "\\det", "\\operatorname{diag}", "\\operatorname{rank}", "\\langle x, y \\rangle", "A_{ij}",
    "\\frac{d}{dx}", "\\frac{\\partial}{\\partial x}", "\\nabla_\\theta", "\\nabla^2", "\\mathrm{d}x",
    "\\lim", "O(\\cdot)", "o(\\cdot)", "\\delta(x)", "\\Delta t", "\\dot{x}",
    "\\mathrm{d}x = f(x, t)\\,\\mathrm{d}t + g(t)\\,\\mathrm{d}w", "\\mathrm{d}w",
    "x_{1:T}", "x^{(i)}", "\\epsilon_\\theta^{(t)}", "x_t", "x_0", "\\theta^*", "\\tau_i", "x_{t-1}", "[N]",
    "\\operatorname{softmax}", "\\arg\\max", "\\arg\\min", "\\operatorname{sg}", "\\tanh",
    "\\operatorname{ReLU}", "\\operatorname{GELU}", "\\log", "\\exp", "\\operatorname{sign}",
    "\\operatorname{clip}", "\\min", "\\max", "\\operatorname{lerp}", "\\operatorname{slerp}",
    "\\operatorname{std}", "\\operatorname{mean}", "\\operatorname{logsumexp}",
    "\\operatorname{one\\_hot}", "\\operatorname{CE}", "\\operatorname{MSE}",
    "\\lfloor x \\rfloor", "\\lceil x \\rceil", "|x|",
]


def test_required_latex_spellings_present():
    latex = _all_latex()
    missing = [s for s in REQUIRED_LATEX if s not in latex]
    assert not missing, missing


def _findable(phrase: str) -> list[dict]:
    p = phrase.lower()
    return [e for _, e in ENTRIES
            if any(p in s.lower() for s in [e["name"], e["say"], *e["aliases"], *e["meanings"]])]


@pytest.mark.parametrize("phrase,char", [
    ("expectation", "𝔼"),
    ("element-wise product", "⊙"),
    ("upside-down triangle", "∇"),
    ("backwards E", "∃"),
    ("Hadamard product", "⊙"),
    ("curly N", "𝒩"),
    ("distributed as", "∼"),
    ("independent", "\u2aeb"),
])
def test_descriptions_findable(phrase, char):
    hits = _findable(phrase)
    assert any(char in e["chars"] for e in hits), (phrase, [e["key"] for e in hits])


def test_apl_entries_enough():
    assert len(APL_ENTRIES) >= 25
    assert len({e["chars"][0] for e in APL_ENTRIES}) >= 25


# ------------------------------------------------------------------ APL ↔ PyTorch


def _same(value, expected) -> bool:
    import torch

    actual = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
    want = torch.tensor(expected)
    if tuple(actual.shape) != tuple(want.shape):
        return False
    if want.dtype == torch.bool or actual.dtype == torch.bool:
        return actual.dtype == want.dtype and bool(torch.equal(actual, want))
    if want.is_floating_point() or actual.is_floating_point():
        return bool(torch.allclose(actual.double(), want.double(), rtol=1e-5, atol=1e-6))
    return bool(torch.equal(actual.long(), want.long()))


@pytest.mark.parametrize("entry", APL_ENTRIES, ids=[e["key"] for e in APL_ENTRIES])
def test_apl_torch_matches_result(entry):
    torch = pytest.importorskip("torch")
    assert entry["apl"].strip() and entry["torch"].strip()
    assert any(c in entry["apl"] for c in entry["chars"]), "the APL expression should use the glyph"
    namespace: dict = {"torch": torch}
    exec(entry.get("setup", ""), namespace)
    value = eval(entry["torch"], namespace)
    expected = ast.literal_eval(entry["result"])
    assert _same(value, expected), f"{entry['torch']} gave {value!r}, expected {entry['result']}"


def test_only_apl_entries_have_apl_fields():
    for _, e in ENTRIES:
        if e["category"] != "apl":
            assert not ({"apl", "setup", "result"} & set(e)), e["key"]


# ------------------------------------------------------------------ LaTeX


def test_no_unintended_duplicate_latex():
    owners: dict[str, set[str]] = defaultdict(set)
    for _, e in ENTRIES:
        for s in e["latex"]:
            owners[s].add(e["key"])
    duplicates = {s: keys for s, keys in owners.items() if len(keys) > 1}
    assert duplicates == ALLOWED_LATEX_DUPLICATES


BARE_COMMAND_RE = re.compile(r"^\\[A-Za-z]+(\[[^\]]*\])?$")   # \bar, \mathbb, \sqrt[3]


def _parse(s: str) -> None:
    latexwalker = pytest.importorskip("pylatexenc.latexwalker")
    latexwalker.LatexWalker(s).get_latex_nodes()
    # Stricter than the default: unbalanced braces and the like raise. A bare command that takes
    # an argument (an accent, a font style) is given one, as it always has in use.
    strict = s + "{x}" if BARE_COMMAND_RE.match(s) else s
    latexwalker.LatexWalker(strict, tolerant_parsing=False).get_latex_nodes()


def test_latex_spellings_and_examples_parse():
    failures = []
    for _, e in ENTRIES:
        for s in [*e["latex"], e["example"]]:
            try:
                _parse(s)
            except Exception as exc:  # noqa: BLE001 - collect them all
                failures.append((e["key"], s, str(exc)[:80]))
    assert not failures, failures


# ------------------------------------------------------------------ clashes


CLASHES = _load(CLASHES_FILE).get("clash", []) if CLASHES_FILE.exists() else []


def test_clashes_schema():
    assert set(_load(CLASHES_FILE)) == {"clash"}
    keys = [c.get("key") for c in CLASHES]
    assert len(keys) == len(set(keys))
    for c in CLASHES:
        assert set(c) - {"entries", "torch", "example"} == {"key", "symbol", "papers", "note"}, c.get("key")
        # torch and example: each paper's own code and worked example, for the papers the clash names
        assert set(c.get("torch", {})) <= set(c["papers"]) and set(c.get("example", {})) <= set(c["papers"])
        assert all(isinstance(v, str) and v.strip() for v in (*c.get("torch", {}).values(), *c.get("example", {}).values()))
        for latex in c.get("example", {}).values():
            _parse(latex)
        # entries: which glossary entry each paper's notation is (DDIM's α_t is the ᾱ entry)
        assert set(c.get("entries", {})) <= set(c["papers"]) and set(c.get("entries", {}).values()) <= {e["key"] for _, e in ENTRIES}
        assert KEY_RE.match(c["key"])
        assert isinstance(c["symbol"], str) and c["symbol"]
        assert isinstance(c["note"], str) and c["note"].strip()
        assert isinstance(c["papers"], dict) and c["papers"]
        assert set(c["papers"]) <= PAPER_IDS, set(c["papers"]) - PAPER_IDS
        assert all(isinstance(v, str) and v.strip() for v in c["papers"].values())
        _parse(c["symbol"])


def test_clash_paper_ids_exist_in_catalog():
    papers_dir = SYMBOLS_DIR.parent / "papers"
    if not papers_dir.is_dir():
        pytest.skip("no paper catalog next to symbols/")
    ids = {_load(p)["paper"]["id"] for p in papers_dir.glob("*.toml")}
    used = {pid for c in CLASHES for pid in c["papers"]}
    assert used <= ids


@pytest.mark.parametrize("key,papers,words", [
    ("alpha-t", {"ddpm", "ddim"}, ["ᾱ"]),
    ("guidance-scale", {"cfg", "lesson11"}, ["1 + w"]),
    ("sigma-t", {"ddpm", "ddim", "cfg"}, []),
    ("epsilon-glyph", {"ddpm"}, ["ϵ", "ε"]),
    ("lambda", {"cfg"}, ["weight decay"]),
    ("capital-t", {"ddpm"}, ["transpose"]),
    ("time-t", {"ddpm", "cfg"}, ["continuous"]),
])
def test_required_clashes(key, papers, words):
    by_key = {c["key"]: c for c in CLASHES}
    assert key in by_key, key
    clash = by_key[key]
    assert papers <= set(clash["papers"])
    text = clash["note"] + " " + " ".join(clash["papers"].values())
    for w in words:
        assert w in text, (key, w)
