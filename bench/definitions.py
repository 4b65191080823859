"""Symbol definitions read from the PDF alone (issue 14), measured against a hand-annotated set.

For every symbol the annotated pages define (bench/data/definitions/<paper>.json: the paper's own
defining words, the sentence they come from, checked against the page), the bench asks
``paperkit.pdf.notation.read_notation`` for its symbols and scores each annotated symbol:

* **found**: the definition we list carries the content words of the paper's phrase (lowercased,
  punctuation and a small stopword list dropped, plurals stemmed): all of them when the phrase has
  one, all but one when it has two to four, at least 75 % when it has more. A phrase listed under
  ``also`` (the paper says it again elsewhere in other words) counts as well.
* **recall** = found / annotated; **right** = found / annotated symbols we gave any definition;
  **entries per true one** = our symbols with a definition on the covered pages / annotated symbols.

Only definitions on the file's covered pages count. The same three figures are given for a naive
regex baseline over the pages' plain text ("X is the …", "where X is …", "the … X"), the baseline the
issue quotes (43 % found, 2.6 candidate definitions per true one).

    .venv/bin/python bench/definitions.py [--json] [--paper NAME] [--misses] [--baseline-only]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench/data/definitions"
PDFS = ROOT.parent / "shared/papers/pdf"

STOPWORDS = frozenset("the a an of for to in on at by with and or is are be as that this its their we our".split())
KINDS = frozenset({"where-is", "denotes", "let-be", "apposition", "colon", "equation", "is", "other"})


# --- Symbols: one canonical LaTeX spelling, and a Unicode fallback ---------------------------------

# Font and style wrappers that do not make a different symbol here: roman, italic and operator names
# (\mathrm{old} = old, \operatorname{FFN} = FFN). Bold, calligraphic, blackboard and fraktur do.
_PLAIN_FONTS = frozenset(r"\mathrm \mathit \operatorname \text \textrm \textit \mathnormal \mathsf \textsf \rm \it".split())
# Spellings of one thing. The two epsilons are folded on purpose: PDF fonts and extractors disagree on
# which of ϵ and ε a glyph is, and none of the annotated papers uses both.
_SAME = {r"\boldsymbol": r"\mathbf", r"\bm": r"\mathbf", r"\pmb": r"\mathbf", r"\widehat": r"\hat",
         r"\widetilde": r"\tilde", r"\overline": r"\bar", r"\varepsilon": r"\epsilon", r"\varnothing": r"\emptyset",
         r"\dots": r"\ldots", r"\cdots": r"\ldots", "…": r"\ldots", "...": r"\ldots", r"\ast": "*", "∗": "*",
         r"\prime": "'", "′": "'", r"\colon": ":"}
_ONE_ARG = frozenset(r"\mathbf \mathcal \mathbb \mathfrak \mathscr \hat \tilde \bar \dot \ddot \vec \check \breve "
                     r"\underline \sqrt".split()) | _PLAIN_FONTS
_OPERATORS = frozenset(r"\min \max \log \exp \arg \sin \cos \tan \det \lim \sup \inf".split())
# Unicode in LaTeX (θ_t) as the command that prints it: \epsilon prints ϵ, \varepsilon ε, \phi ϕ, \varphi φ.
_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon", "ζ": "zeta",
          "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu",
          "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "varphi",
          "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "∆": "Delta",
          "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
          "ℓ": "ell", "∅": "emptyset", "∇": "nabla", "∞": "infty"}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\.\.\.|\S")


def _tokens(latex: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(latex):
        if tok in _GREEK:
            tok = "\\" + _GREEK[tok]
        out.append(_SAME.get(tok, tok))
    return out


def _parse(tokens: list[str], i: int, closing: str | None) -> tuple[list, int]:
    """Atoms up to ``closing``: a token (str), a group (list), a command with its argument
    (("cmd", name, atom)) or a scripted base (("script", base, sub, sup))."""
    atoms: list = []
    while i < len(tokens):
        tok = tokens[i]
        if tok == closing:
            return atoms, i + 1
        if tok in ("_", "^", "'") and atoms:
            base = atoms.pop()
            sub = sup = None
            if isinstance(base, tuple) and base[0] == "script":
                _, base, sub, sup = base
            if tok == "'":
                sup, i = ("'" if sup is None else [sup, "'"]), i + 1
            else:
                arg, i = _atom(tokens, i + 1)
                if tok == "_":
                    sub = arg
                else:
                    sup = arg
            atoms.append(("script", base, sub, sup))
            continue
        atom, i = _atom(tokens, i)
        if atom is not None:
            atoms.append(atom)
    return atoms, i


def _atom(tokens: list[str], i: int):
    if i >= len(tokens):
        return None, i
    tok = tokens[i]
    if tok == "{":
        return _parse(tokens, i + 1, "}")
    if tok in _ONE_ARG:
        arg, j = _atom(tokens, i + 1)
        return ("cmd", tok, arg), j
    return tok, i + 1


def _flat(atom) -> list:
    """The canonical atoms ``atom`` stands for (a plain-font wrapper or an operator name becomes its
    letters, so \\mathrm{old} and old, \\min and min, read the same)."""
    if atom is None:
        return []
    if isinstance(atom, list):
        inner = [a for x in atom for a in _flat(x)]
        return inner if len(inner) == 1 else [inner]
    if isinstance(atom, str):
        return [list(atom[1:])] if atom in _OPERATORS else [atom]
    if atom[0] == "cmd":
        _, name, arg = atom
        if name in _PLAIN_FONTS:
            inner = _flat(arg)
            return inner[0] if len(inner) == 1 and isinstance(inner[0], list) else inner
        name = _SAME.get(name, name)
        arg = _one(_flat(arg))
        if isinstance(arg, tuple) and arg[0] == "script":  # \hat{v_t} is \hat{v}_t, \mathbf{x_\theta} is \mathbf{x}_\theta
            _, base, sub, sup = arg
            return [("script", ("cmd", name, base), sub, sup)]
        return [("cmd", name, arg)]
    _, base, sub, sup = atom
    return [("script", _one(_flat(base)), _one(_flat(sub)) if sub is not None else None,
             _one(_flat(sup)) if sup is not None else None)]


def _one(atoms: list):
    return atoms[0] if len(atoms) == 1 else atoms


def _write(atom) -> str:
    if isinstance(atom, str):
        return atom
    if isinstance(atom, list):
        return "{" + " ".join(_write(a) for a in atom) + "}"
    if atom[0] == "cmd":
        arg = _write(atom[2])
        return f"{atom[1]} " + ("{" + arg + "}" if isinstance(atom[2], tuple) and atom[2][0] == "script" else arg)
    _, base, sub, sup = atom
    out = _write(base)
    if sub is not None:
        out += " _ " + _write(sub)
    if sup is not None:
        out += " ^ " + _write(sup)
    return out


def canonical_latex(latex: str) -> str:
    """One spelling per symbol: spaces and single-token braces gone, \\mathit/\\mathrm/\\operatorname
    dropped, subscript before superscript, \\widehat = \\hat, \\boldsymbol = \\mathbf, an accent or font
    over a scripted letter applied to the letter (\\hat{v_t} = \\hat{v}_t), Unicode Greek as commands, and
    a trailing argument list dropped (r_t(\\theta) is the symbol r_t)."""
    atoms, _ = _parse(_tokens(latex or ""), 0, None)
    flat = [a for atom in atoms for a in _flat(atom)]
    if len(flat) == 1 and isinstance(flat[0], list):
        flat = flat[0]
    if len(flat) > 2 and flat[-1] == ")":
        depth = 0
        for k in range(len(flat) - 1, 0, -1):
            depth += {")": 1, "(": -1}.get(flat[k] if isinstance(flat[k], str) else "", 0)
            if depth == 0:
                flat = flat[:k]
                break
    return " ".join(_write(a) for a in flat)


def canonical_text(text: str) -> str:
    """The Unicode form for the fallback match: compatibility-folded (β₁ = β1, 𝒳 = X), spaces and the
    script marks _ ^ { } dropped."""
    text = unicodedata.normalize("NFKC", text or "").replace("∆", "Δ").replace("∗", "*").replace("′", "'")
    return re.sub(r"[\s_^{}]", "", text)


# --- Phrases: content words and the "carries" test ------------------------------------------------

def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(phrase: str) -> set[str]:
    """Lowercased ASCII words of two letters or more, hyphenated compounds joined ("bias-corrected" ->
    "biascorrected"), stopwords and bare numbers dropped, plurals stemmed. Greek letters and math
    marks fall away: the symbol itself is not part of what defines it."""
    s = unicodedata.normalize("NFKC", phrase or "").lower()
    s = re.sub(r"(?<=[a-z0-9])[-‐‑‒–](?=[a-z0-9])", "", s)
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", s) if len(w) > 1 and w not in STOPWORDS and not w.isdigit()}


def required(n: int) -> int:
    """How many of a phrase's ``n`` content words a definition must carry."""
    if n <= 1:
        return n
    return n - 1 if n <= 4 else math.ceil(0.75 * n)


def coverage(given: str, expected: str) -> tuple[bool, float]:
    """(carries, fraction of ``expected``'s content words found in ``given``)."""
    need, have = content_words(expected), content_words(given)
    if not need:
        return False, 0.0
    k = len(need & have)
    return k >= required(len(need)), k / len(need)


# --- The annotated set -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Phrase:
    phrase: str
    evidence: str
    page: int


@dataclass(frozen=True)
class Annotated:
    """One symbol of the annotated set: its LaTeX (and other spellings of the same symbol in
    ``aliases``: x_1 for the sequence x_1, …, x_n), Unicode text, kind of definition, and the phrases
    the paper defines it with (the first is the main one)."""

    latex: str
    text: str
    kind: str
    phrases: tuple[Phrase, ...]
    aliases: tuple[str, ...] = ()

    @property
    def page(self) -> int:
        return self.phrases[0].page

    @property
    def phrase(self) -> str:
        return self.phrases[0].phrase


@dataclass(frozen=True)
class PaperSet:
    paper: str
    pdf: Path
    first: int
    last: int
    symbols: tuple[Annotated, ...]

    def covers(self, page: int | None) -> bool:
        return page is not None and self.first <= page <= self.last


def load_set(path: Path) -> PaperSet:
    """Read and check one annotated file; a malformed one raises ValueError naming the entry."""
    raw = json.loads(Path(path).read_text())
    first, last = raw["pages"]
    symbols = []
    for k, e in enumerate(raw["symbols"]):
        where = f"{Path(path).name} entry {k} ({e.get('latex')!r})"
        missing = {"latex", "text", "page", "phrase", "evidence", "kind"} - e.keys()
        if missing:
            raise ValueError(f"{where}: missing {sorted(missing)}")
        if e["kind"] not in KINDS:
            raise ValueError(f"{where}: kind {e['kind']!r} is not one of {sorted(KINDS)}")
        phrases = [Phrase(e["phrase"], e["evidence"], e["page"])]
        phrases += [Phrase(a["phrase"], a["evidence"], a["page"]) for a in e.get("also", [])]
        for p in phrases:
            if not first <= p.page <= last:
                raise ValueError(f"{where}: page {p.page} is outside the covered pages {first}-{last}")
            if not content_words(p.phrase):
                raise ValueError(f"{where}: phrase {p.phrase!r} has no content words")
        symbols.append(Annotated(e["latex"], e["text"], e["kind"], tuple(phrases), tuple(e.get("aliases", []))))
    return PaperSet(raw["paper"], PDFS / raw["pdf"], first, last, tuple(symbols))


def annotated_sets(paper: str | None = None) -> list[PaperSet]:
    paths = sorted(DATA.glob("*.json"))
    if paper is not None:
        paths = [p for p in paths if p.stem == paper]
        if not paths:
            known = ", ".join(p.stem for p in sorted(DATA.glob("*.json")))
            raise SystemExit(f"no annotated set for {paper!r}; there are: {known}")
    return [load_set(p) for p in paths]


# --- Scoring ---------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One symbol as a reader lists it (ours or the baseline's): its spellings and its definitions
    as (phrase, page)."""

    latex: str | None
    text: str
    definitions: list[tuple[str, int]] = field(default_factory=list)


def entries_from_symbols(symbols, primary: bool = True) -> list[Entry]:
    """``PaperSymbol``s (paperkit.pdf.notation.model) as entries. With ``primary`` (the default, as
    the issue scores "the listed definition") only the definition each symbol lists first counts —
    the ``definition`` field of ``paperkit pdf --symbols --json``; without it, any of its definitions."""
    return [Entry(s.latex, s.text, [(d.phrase, d.place.page) for d in (s.definitions[:1] if primary else s.definitions)])
            for s in symbols]


def score(paper: PaperSet, entries: list[Entry]) -> dict:
    """The three figures for one paper, and one row per annotated symbol (outcome "found", "wrong":
    a definition that does not carry the phrase, or "missing": none on the covered pages)."""
    by_latex: dict[str, list[Entry]] = {}
    by_text: dict[str, list[Entry]] = {}
    for e in entries:
        if e.latex:
            by_latex.setdefault(canonical_latex(e.latex), []).append(e)
        by_text.setdefault(canonical_text(e.text), []).append(e)
    rows = []
    for a in paper.symbols:
        keys = {canonical_latex(a.latex), *(canonical_latex(x) for x in a.aliases)}
        matched = [e for k in keys for e in by_latex.get(k, [])]
        how = "latex"
        if not matched:
            matched, how = by_text.get(canonical_text(a.text), []), "text"
        best = None  # ((found, fraction), phrase, page)
        for e in matched:
            for given, page in e.definitions:
                if not paper.covers(page):
                    continue
                mark = max(coverage(given, p.phrase) for p in a.phrases)
                if best is None or mark > best[0]:
                    best = (mark, given, page)
        outcome = "missing" if best is None else ("found" if best[0][0] else "wrong")
        rows.append({"latex": a.latex, "page": a.page, "phrase": a.phrase, "outcome": outcome,
                     "matched_by": how if matched else None, "symbols": len(matched),
                     "given": None if best is None else best[1], "given_page": None if best is None else best[2]})
    n = len(rows)
    found = sum(r["outcome"] == "found" for r in rows)
    given = sum(r["outcome"] != "missing" for r in rows)
    with_def = [e for e in entries if any(paper.covers(p) for _, p in e.definitions)]
    definitions = sum(paper.covers(p) for e in entries for _, p in e.definitions)
    return {"annotated": n, "found": found, "given": given,
            "recall": found / n if n else 0.0, "right": found / given if given else 0.0,
            "entries": len(with_def), "entries_per_true": len(with_def) / n if n else 0.0,
            "definitions_per_true": definitions / n if n else 0.0, "rows": rows}


# --- The naive regex baseline ----------------------------------------------------------------------

# A single math-looking token in plain text: a Greek letter with up to four letters or digits run on
# (θold, β1, αt), or one Latin letter, maybe accented, with digits or one index letter run on (x, x̂,
# F2, gt). Two-letter English words are not symbols.
_WORDS2 = frozenset("at it in on an is of to as be by if or so no do go he me my up us we".split())
_SYM = (r"(?:[\u0370-\u03ff∆ℓ][\u0300-\u036f]*[A-Za-z0-9]{0,4}"
        r"|[A-Za-z][\u0300-\u036f]*(?:[0-9]{1,2}|[tijkn](?![A-Za-z]))?)")
_END = r"(?=[\s.,;:()\[\]]|$)"
_BASELINE = (
    re.compile(rf"(?<![\w\u0300-\u036f])(?P<sym>{_SYM}){_END}\s+is\s+(?P<def>(?:the|a|an)\s+[^.;:,()]{{1,80}})"),
    re.compile(rf"\bwhere\s+(?P<sym>{_SYM}){_END}\s+is\s+(?P<def>[^.;:,()]{{1,80}})"),
    re.compile(rf"\bthe\s+(?P<def>(?:[a-z][a-z-]*\s+){{1,4}}?)(?P<sym>{_SYM}){_END}"),
)


def baseline_entries(texts: dict[int, str]) -> list[Entry]:
    """The baseline's candidates, page by page: every match of the three patterns, grouped by token."""
    found: dict[str, Entry] = {}
    for page, text in texts.items():
        text = re.sub(r"-\n(?=[a-z])", "", text).replace("\n", " ")
        for pattern in _BASELINE:
            for m in pattern.finditer(text):
                sym = m.group("sym")
                if sym.lower() in _WORDS2 or sym in ("a", "A", "I"):
                    continue
                entry = found.setdefault(canonical_text(sym), Entry(None, sym))
                candidate = (m.group("def").strip(), page)
                if candidate not in entry.definitions:
                    entry.definitions.append(candidate)
    return list(found.values())


# --- Running it ------------------------------------------------------------------------------------

def run_paper(paper: PaperSet, ours: bool = True) -> dict:
    from paperkit.pdf.document import open_pdf

    out: dict = {"paper": paper.paper, "pages": [paper.first, paper.last]}
    with open_pdf(paper.pdf) as doc:
        if ours:  # first, so that its time includes laying the pages out
            try:
                from paperkit.pdf.notation import read_notation

                t0 = time.perf_counter()
                notation = read_notation(doc)
                out["seconds"] = time.perf_counter() - t0
                out["ours"] = score(paper, entries_from_symbols(notation.symbols))
            except Exception as exc:  # the extractor is being written alongside: report, keep going
                out["error"] = f"{type(exc).__name__}: {exc}"
        texts = {n: doc.text(n) for n in range(paper.first, min(paper.last, doc.page_count) + 1)}
        out["baseline"] = score(paper, baseline_entries(texts))
    return out


def total(results: list[dict], side: str) -> dict | None:
    parts = [r[side] for r in results if side in r]
    if not parts:
        return None
    n = sum(p["annotated"] for p in parts)
    found, given, entries = (sum(p[k] for p in parts) for k in ("found", "given", "entries"))
    definitions = sum(p["definitions_per_true"] * p["annotated"] for p in parts)
    return {"annotated": n, "found": found, "given": given, "recall": found / n, "right": found / given if given else 0.0,
            "entries": entries, "entries_per_true": entries / n, "definitions_per_true": definitions / n}


def _cells(s: dict | None) -> str:
    if s is None:
        return f"{'—':>8s}{'—':>8s}{'—':>9s}"
    return f"{s['recall'] * 100:7.1f}%{s['right'] * 100:7.1f}%{s['entries_per_true']:9.2f}"


def print_table(results: list[dict], command: str) -> None:
    print("Symbol definitions from the PDF alone (issue 14): ours vs the naive regex baseline")
    print(f"machine: {platform.platform()}, {platform.machine()}, Python {platform.python_version()}")
    print(f"command: {command}")
    print("found = the definition carries the paper's phrase; right = found / symbols given a definition;")
    print("entries/true = entries with a definition on the covered pages / annotated symbols; "
          "s = seconds in read_notation (whole PDF)")
    print()
    print(f"{'paper':11s}{'pages':>7s}{'symbols':>8s} |{'found':>8s}{'right':>8s}{'entries':>9s}{'s':>6s} |"
          f"{'found':>8s}{'right':>8s}{'entries':>9s}{'cands':>7s}")
    print(f"{'':26s} |{'ours':^31s} |{'baseline':^32s}")
    for r in results + [{"paper": "all", "pages": None, "ours": total(results, "ours"),
                         "baseline": total(results, "baseline")}]:
        pages = f"{r['pages'][0]}-{r['pages'][1]}" if r["pages"] else ""
        n = r["baseline"]["annotated"]
        secs = f"{r['seconds']:6.1f}" if "seconds" in r else f"{'':6s}"
        print(f"{r['paper']:11s}{pages:>7s}{n:8d} |{_cells(r.get('ours'))}{secs} |{_cells(r['baseline'])}"
              f"{r['baseline']['definitions_per_true']:7.2f}")
    for r in results:
        if "error" in r:
            print(f"{r['paper']}: read_notation failed: {r['error']}")
    print("target: found >= 75 %, right >= 90 %, entries/true <= 3; "
          "cands = the baseline's candidate definitions per true one")


def print_misses(results: list[dict]) -> None:
    print()
    print("Missed (no definition on the covered pages) or wrong (ours does not carry the phrase):")
    for r in results:
        for row in r.get("ours", {}).get("rows", []):
            if row["outcome"] == "found":
                continue
            got = "no symbol" if row["matched_by"] is None else (
                "no definition" if row["given"] is None else f"gave {row['given']!r} (p. {row['given_page']})")
            via = " [matched by text]" if row["matched_by"] == "text" else ""
            print(f"  {r['paper']} p.{row['page']} {row['latex']}: {row['outcome']}, want {row['phrase']!r}; {got}{via}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--paper", help="only this paper (the annotated file's name: adam, attention, …)")
    p.add_argument("--misses", action="store_true", help="list each annotated symbol we missed or got wrong")
    p.add_argument("--baseline-only", action="store_true", help="score the regex baseline alone")
    args = p.parse_args(argv)
    command = " ".join([os.path.relpath(sys.executable), *sys.argv] if argv is None else ["definitions.py", *argv])
    results = [run_paper(s, ours=not args.baseline_only) for s in annotated_sets(args.paper)]
    if args.json:
        keep_rows = args.misses
        slim = [{k: ({kk: vv for kk, vv in v.items() if kk != "rows" or keep_rows} if isinstance(v, dict) else v)
                 for k, v in r.items()} for r in results]
        print(json.dumps({"benchmark": "definitions", "machine": platform.platform(), "python": platform.python_version(),
                          "command": command, "papers": slim, "total": {"ours": total(results, "ours"),
                                                                         "baseline": total(results, "baseline")}},
                         indent=1, ensure_ascii=False))
    else:
        print_table(results, command)
        if args.misses:
            print_misses(results)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
