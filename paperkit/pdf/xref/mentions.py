"""Cross-references in a paragraph's text, found with a few precompiled regexes per paragraph.

What is found (each a ``Found`` with the offsets of every label it names):

- keywords and their labels: "Eq. (6)", "Eqs. (6) and (7)", "Equation 6", "equation (6)",
  "Algorithm 1", "Alg. 1", "Table 2", "Tab. 2", "Figure 3", "Fig. 3", "Figs. 3 and 4",
  "Figures 1, 3 and 6 to 8" (a range of integers stands for every label in it), "Section 3.1",
  "Sec. 3.1", "§3.1", "Appendix A";
- a bare "(6)": kept only when 6 turns out to be one of the paper's equation labels (decided once
  the whole paper is read), and never as an item of an enumeration ("are (1) …, (2) …"), a table's
  cell or a matrix entry ("(3) (4)"), or at a paragraph's start (``enumeration``);
- numbered citations "[23]", "[1, 4–6]" (each number a label), and key citations "[Mni+15]",
  "[Sch+15b; Dua+16]" (the alpha style of ppo.pdf);
- author–year citations, parenthetical "(Ho et al., 2020; Song et al., 2021a)",
  "(Kingma & Ba, 2014)" — each citation in the group on its own — and textual "Ho et al. (2020)",
  "Ho & Salimans (2021)", "Kingma and Ba (2014)", and "Dhariwal & Nichol" with no year (kept only
  when one bibliography entry has those two first authors).

Cost (issue 14 keeps indexing within 2× of pymupdf's rawdict): each regex starts with literal text,
so the engine skips ahead to where a match can begin; author–year citations are looked for only in
the few characters before each year printed, not at every capital letter of the paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# -- pieces ---------------------------------------------------------------------------------------

LABEL = r"(?:\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?|[A-Z]\.?\d{1,3}(?:\.\d{1,3}){0,2})(?![\w])"
SECTION_LABEL = r"(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z](?:\.\d{1,2}){0,3})(?![\w])"
SEP = r"(?:\s*,\s*(?:and\s+|or\s+|&\s*)?|\s+(?:and|or|&)\s+|\s*[–—−-]\s*|\s+to\s+)"
ITEM = rf"(?:\(\s*(?:{LABEL}|{SECTION_LABEL})\s*\)|{LABEL}|{SECTION_LABEL})"  # a letter: sections only

KEYWORDS = (  # the words that name a kind; how each starts tells the kind (``_kind``)
    r"Equations?|Eqns?\.?|Eqs?\.|Eq\b|equations?|eqns?\.|eqs?\.",
    r"Algorithms?|Algs?\.|algorithms?",
    r"Tables?|Tabs?\.|tables?",
    r"Figures?|Figs?\.|figures?|figs?\.",
    r"Sections?|Subsections?|Secs?\.|Sects?\.|sections?|subsections?|secs?\.|§§?"
    r"|Appendix|Appendices|App\.|appendix|appendices",
)
STEMS = (("eq", "equation"), ("alg", "algorithm"), ("tab", "table"), ("fig", "figure"))

NAME_CHAR = r"(?:[^\W\d_]|[\u00b8\u00a8\u00b4\u02c6\u02dc\u02c7])"  # TeX's spacing accents: "Gülc¸ehre"
PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|dos|del|Van|Von|De|Der|Le|La|Da|Di|Du|Del)"
NAME = rf"(?:{PARTICLE}\s+){{0,2}}[A-ZÀ-ÖØ-ÞĀ-Ž]{NAME_CHAR}*(?:[-'’]{NAME_CHAR}+)*"
AUTHORS = rf"(?P<first>{NAME})(?:(?P<etal>\s+et\s*al\.?)|\s+(?:&|and)\s+(?P<second>{NAME}))?"
YEAR = r"(?:1[89]|20)\d{2}[a-z]?(?![\w])"
NUMBERS = r"\d{1,3}(?:\s*[–-]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[–-]\s*\d{1,3})?)*"
KEY = r"[A-Z][A-Za-z]{0,5}\+?\d{2}[a-z]?"
KEYS = rf"{KEY}(?:\s*[;,]\s*{KEY})*"

# what lookbehinds would say (no letter before "Table", no "f" before "(6)") is checked in Python
# on the few matches: a lookbehind at a pattern's start stops the engine from skipping ahead
KEYWORD = re.compile(rf"(?P<kw>{'|'.join(KEYWORDS)})\s*~?(?P<refs>{ITEM}(?:{SEP}{ITEM})*)")
BRACKETS = re.compile(r"\((?P<bare>(?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3})?[a-z]?)\)"  # as equations.LABEL prints them
                      rf"|\[\s*(?:(?P<num>{NUMBERS})|(?P<key>{KEYS}))\s*\]")
YEAR_AT = re.compile(r"(?<=[\s(])(?:1[89]|20)\d{2}[a-z]?(?![\w])")
CITE_BEFORE = re.compile(rf"(?<![\w]){AUTHORS}(?P<sep>,\s*|\s+\(\s*)(?P<year>{YEAR})\Z")  # ends at the year
MORE_YEARS = re.compile(rf"(?:\s*,\s*{YEAR})+")
CLOSE = re.compile(r"\s*\)")
PAIR = re.compile(rf"(?<![\w])(?P<first>{NAME})\s+&\s+(?P<second>{NAME})(?![\w-])")
ITEM_LABEL = re.compile(rf"\(\s*(?P<inner>{LABEL}|{SECTION_LABEL})\s*\)|(?P<plain>{LABEL}|{SECTION_LABEL})")
RANGE_SEP = re.compile(r"\s*(?:[–—−-]|to)\s*$")
NUMBER = re.compile(r"\d{1,3}")
KEY_RE = re.compile(KEY)
YEAR_RE = re.compile(YEAR)
WINDOW = 70  # characters before a year searched for its authors: "Sohl-Dickstein et al., " is 23

# a bare "(1)" after one of these words refers to an equation ("substituting (1) into (2)");
# after anything else, "(1) … (2) …" is an enumeration
REFERRING = frozenset("""in into of from to by using use with and or see via as than under per on
    substituting combining following satisfy satisfies satisfying gives give yields yield implies
    eq eqs eqn equation equations both also""".split())
PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$")
MATH_BEFORE = frozenset("∈=×⊂⊆<>≤≥")


@dataclass(frozen=True, slots=True)
class Found:
    """One reference as printed: its kind, the whole text, and each label it names with that
    label's offsets in the paragraph (``labels``: (label, start, end)). The first label's span
    starts with the keyword ("Eq. (6)")."""

    kind: str
    text: str
    start: int
    end: int
    labels: tuple[tuple[str, int, int], ...]
    how: str  # "keyword", "bare", "number", "key", "author-year"
    surnames: tuple[str, ...] = ()  # author–year: the names cited, as printed
    et_al: bool = False
    year: str = ""  # author–year: "2020", "2021a"; "" for "Dhariwal & Nichol"


def name_key(name: str) -> str:
    """A surname reduced for matching: its last word, accents and punctuation gone, case folded
    ("van den Oord" → "oord", "Gülc¸ehre" → "gulcehre", "Hyvärinen" → "hyvarinen")."""
    last = name.split()[-1] if name.split() else name
    decomposed = unicodedata.normalize("NFKD", last)
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c)).casefold()


def find_mentions(text: str) -> list[Found]:
    """Every cross-reference printed in ``text`` (one paragraph), left to right."""
    out: list[Found] = []
    for m in KEYWORD.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isalnum() or before in "._"):
            found = _keyword(m)
            if found:
                out.append(found)
    if "(" in text or "[" in text:
        for m in BRACKETS.finditer(text):
            found = _bracket(text, m)
            if found:
                out.append(found)
    if "19" in text or "20" in text or "&" in text:
        out.extend(_citations(text))
    if len(out) < 2:
        return out
    out.sort(key=lambda f: (f.start, -f.end))
    kept: list[Found] = []
    for f in out:  # "Eq. (6)" holds a bare "(6)": the first and longest reading wins
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def _kind(keyword: str) -> str:
    low = keyword.lower()
    return next((kind for stem, kind in STEMS if low.startswith(stem)), "section")


def _keyword(m: re.Match) -> Found | None:
    kind = _kind(m.group("kw"))
    refs, at = m.group("refs"), m.start("refs")
    items = list(ITEM_LABEL.finditer(refs))
    labels: list[tuple[str, int, int]] = []
    for i, item in enumerate(items):
        label = item.group("inner") or item.group("plain")
        if label.isalpha() and kind != "section":
            break  # "Table 2 and A …": a letter alone is an appendix's label only
        start, end = at + item.start(), at + item.end()
        if i == 0:
            start = m.start()
        elif labels and RANGE_SEP.match(refs[items[i - 1].end():item.start()]):
            labels.extend(_between(labels[-1][0], label, labels[-1][1], end))
        if all(label != seen for seen, _, _ in labels):  # "Figure 1 or 1 + ϵ": text run together
            labels.append((label, start, end))
    if not labels:
        return None
    end = labels[-1][2] if len(labels) == len(items) else max(e for _, _, e in labels)
    return Found(kind, m.string[m.start():end], m.start(), end, tuple(labels), "keyword")


def _between(low: str, high: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The labels strictly inside a printed range "6–8" (7), each spanning the range: only for
    integers, and for short ranges (a long one is more likely a misreading than a reference)."""
    if not (low.isdigit() and high.isdigit()) or not 0 < int(high) - int(low) <= 20:
        return []
    return [(str(n), start, end) for n in range(int(low) + 1, int(high))]


def _bracket(text: str, m: re.Match) -> Found | None:
    if m.group("bare") is not None:
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() or before in "_)]" or after.isalnum() or after in "_(":
            return None  # "f(6)", "(6)(7)", "(1)st": not a reference
        return Found("equation", m.group(0), m.start(), m.end(), ((m.group("bare"), m.start(), m.end()),), "bare")
    if m.group("num") is not None:
        if text[:m.start()].rstrip()[-1:] in MATH_BEFORE:
            return None  # "x ∈ [0, 1]": an interval
        labels = _numbers(m.group("num"), m.start("num"))
        return Found("citation", m.group(0), m.start(), m.end(), labels, "number") if labels else None
    labels = tuple((k.group(0), m.start("key") + k.start(), m.start("key") + k.end())
                   for k in KEY_RE.finditer(m.group("key")))
    return Found("citation", m.group(0), m.start(), m.end(), labels, "key")


def _numbers(numbers: str, at: int) -> tuple[tuple[str, int, int], ...]:
    """"1, 4–6" → 1, 4, 5, 6 with their offsets (5 spans the range)."""
    out: list[tuple[str, int, int]] = []
    items = list(NUMBER.finditer(numbers))
    for i, item in enumerate(items):
        label, start, end = item.group(0), at + item.start(), at + item.end()
        if i and re.fullmatch(r"\s*[–-]\s*", numbers[items[i - 1].end():item.start()]):
            low = out[-1][0]
            if not 0 < int(label) - int(low) <= 50:
                return ()  # "[10–2]": not a citation
            out.extend((str(n), out[-1][1], end) for n in range(int(low) + 1, int(label)))
        out.append((label, start, end))
    return tuple(out)


def _citations(text: str) -> list[Found]:
    """Author–year citations: each year in the text ("2020", "2021a") with the authors printed just
    before it ("Ho et al., 2020", "Ho et al. (2020)"); more years after the first ("Ho et al., 2020,
    2021") cite the same authors. Then "A & B" with no year."""
    out: list[Found] = []
    done = 0
    for y in YEAR_AT.finditer(text):
        if y.start() < done:
            continue
        m = CITE_BEFORE.search(text, max(done, y.start() - WINDOW), y.end())
        if m is None:
            continue
        first, second, et_al = m.group("first"), m.group("second"), m.group("etal") is not None
        names = (first, second) if second else (first,)
        who = f"{first} et al." if et_al else (f"{first} & {second}" if second else first)
        years = [(m.group("year"), m.start("year"), m.end("year"))]
        more = MORE_YEARS.match(text, m.end())
        if more:
            years += [(z.group(0), z.start(), z.end()) for z in YEAR_RE.finditer(text, more.start(), more.end())]
        end = years[-1][2]
        if "(" in m.group("sep"):
            close = CLOSE.match(text, end)
            if close is None:
                continue  # "Ho et al. (2020, p. 3)": not the form read here
            end = close.end()
        if len(years) == 1:
            label = f"{who}, {years[0][0]}"
            out.append(Found("citation", text[m.start():end], m.start(), end, ((label, m.start(), end),),
                             "author-year", names, et_al, years[0][0]))
        else:
            for i, (year, ys, ye) in enumerate(years):
                label = f"{who}, {year}"
                start = m.start() if i == 0 else ys
                out.append(Found("citation", label, start, ye, ((label, start, ye),), "author-year", names, et_al, year))
        done = end
    if "&" in text:
        for m in PAIR.finditer(text):  # "Dhariwal & Nichol can trade off …": kept only if it resolves
            if any(f.start <= m.start() < f.end for f in out):
                continue
            names = (m.group("first"), m.group("second"))
            label = f"{names[0]} & {names[1]}"
            out.append(Found("citation", m.group(0), m.start(), m.end(), ((label, m.start(), m.end()),),
                             "author-year", names))
    return out


def enumeration(text: str, bare: list[Found]) -> set[int]:
    """Starts of the bare "(n)" in a paragraph that are items of a list or cells of a table, not
    equation references: one at the paragraph's start; two with only spaces between ("(3) (4)", a
    matrix's row); and a run (1), (2), … whose "(1)" does not follow a referring word ("three tasks
    are (1) …, (2) …", "two metrics: (1) …, and (2) …"), with any later "(2)" of the same paragraph
    (a table's "(2), (3)" that points back at the list)."""
    out: set[int] = set()
    for f in bare:
        if not text[:f.start].strip():
            out.add(f.start)
    for f, g in zip(bare, bare[1:]):
        if not text[f.end:g.start].strip():
            out.update((f.start, g.start))
    for one in (f for f in bare if f.labels[0][0] == "1"):
        before = text[:one.start].rstrip()
        word = PREVIOUS_WORD.search(before)
        if word is not None and word.end() == len(before) and word.group(1).lower() in REFERRING:
            continue
        run = ["1"]
        for f in bare:
            if f.start > one.start and f.labels[0][0] == str(len(run) + 1):
                run.append(f.labels[0][0])
        if len(run) < 2:
            continue  # a lone "(1)" is no list
        out.update(f.start for f in bare if f.start >= one.start and f.labels[0][0] in run)
    return out
