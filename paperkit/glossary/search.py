"""Look-up over the whole glossary: a pasted character, LaTeX in any common spelling, a name, a
description, or a typo of any of these; ranked; well under a millisecond.

Every index is a dict built once: characters (NFC and NFD), canonical LaTeX keys (see
``latex_keys``), whole phrases (names, spoken forms, aliases), and words (for descriptions). Only when
those find nothing good does rapidfuzz correct the query's words against the glossary's vocabulary
and compare whole phrases, so a typo costs a few hundred microseconds, not a scan in Python.
"""

from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from collections import defaultdict

from .latex_keys import latex_key, strip_scripts
from .load import all_entries
from .model import Entry, Hit

MAX_QUERY = 200
COMMON = 150  # a word in more entries than this is too common to rank by
SCRIPTS = re.compile(r"(?:[_^].*|[\u2080-\u209c\u1d62-\u1d6a\u2070-\u207f]+)$")
FORMATTING = {"mathrm", "operatorname", "text", "mathbf", "boldsymbol", "mathit", "left", "right", "displaystyle"}
NAMED = re.compile(r"\\mathrm\{([A-Za-z]{2,})\}")
APL_ONLY = set("⍴⍳⌽⍉⊖⍟⍋⍒≢⍪⌹⍨¨∘")
WORD = re.compile(r"[0-9a-z]+")
STOP = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "is", "as", "by", "with", "symbol", "sign"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("-", " ").replace("_", " ")
    return " ".join(WORD.findall(text))


def _latex_words(q: str) -> str:
    """The words of a LaTeX query for name matching: command names without the backslash, except
    pure formatting (``\\operatorname{sofmax}`` → "sofmax")."""
    words = re.findall(r"\\?([A-Za-z]+)", q)
    return " ".join(w for w in words if w not in FORMATTING)


@functools.lru_cache(maxsize=1024)  # pylatexenc parses in ~0.2 ms: a clash's symbol, once, not per look-up
def to_text(latex: str) -> str:
    from ..render import to_unicode

    return to_unicode(latex)


def _looks_like_latex(q: str) -> bool:
    return "\\" in q or any(c in q for c in "{}^_")


class Glossary:
    def __init__(self, entries: tuple[Entry, ...]):
        self.entries = entries
        self.by_char: dict[str, list[int]] = defaultdict(list)
        self.by_latex: dict[str, list[int]] = defaultdict(list)
        self.by_phrase: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.by_word: dict[str, dict[int, float]] = defaultdict(dict)
        self.by_function: dict[str, int] = {}
        self.by_key = {e.key: i for i, e in enumerate(entries)}
        self._variants: dict[str | None, dict[int, tuple[int, ...]]] = {}  # paper → letter → its decorated forms
        self.names = [{fold(e.key), fold(e.say), fold(e.name)} for e in entries]
        for i, e in enumerate(entries):
            for c in e.chars:
                for form in {c, unicodedata.normalize("NFC", c), unicodedata.normalize("NFD", c)}:
                    if i not in self.by_char[form]:
                        self.by_char[form].append(i)
            for spelling in e.latex:
                key = latex_key(spelling)
                if i not in self.by_latex[key]:
                    self.by_latex[key].append(i)
                for word in NAMED.findall(key):  # \mathrm{KL}(p‖q) also answers for \mathrm{KL}
                    self.by_function.setdefault(f"\\mathrm{{{word}}}", i)
            weight = 1.0 if e.source == "hand" else 0.9
            phrases = [(e.name, 0.97), (e.say, 0.97), (e.key.replace("-", " "), 0.95)] + [(a, 0.96) for a in e.aliases]
            for phrase, score in phrases:
                folded = fold(phrase)
                if folded:
                    self.by_phrase[folded].append((i, score * weight))
                    for w in folded.split():
                        if w not in STOP:
                            self.by_word[w][i] = max(self.by_word[w].get(i, 0.0), 1.0 * weight)
            for meaning in e.meanings:
                for w in fold(meaning).split():
                    if w not in STOP and len(w) > 2:
                        self.by_word[w][i] = max(self.by_word[w].get(i, 0.0), 0.6)
        # typos are corrected against the hand-written entries' words only: Unicode's names add
        # thousands of words ("izhitsa") that make the search slower and the corrections worse
        self.vocabulary = sorted(w for w, hits in self.by_word.items() if any(entries[i].source == "hand" for i in hits))
        self.phrases = sorted(p for p, hits in self.by_phrase.items() if any(entries[i].source == "hand" for i, _ in hits))

    # -- look-up -------------------------------------------------------------------------------
    def lookup(self, query: str, paper: str | None = None, limit: int = 10) -> list[Hit]:
        """Ranked hits for ``query``; ``paper`` adds each hit's meaning in that catalog paper, and
        ranks first the entry that paper's notation means (DDIM's α_t is the ᾱ_t entry)."""
        if not isinstance(query, str):
            return []
        q = unicodedata.normalize("NFC", query).strip()
        if not q or len(q) > MAX_QUERY:
            return []
        scores: dict[int, tuple[float, str]] = {}
        asked = {fold(q)}

        def add(i: int, score: float, how: str) -> None:
            if score > scores.get(i, (0.0, ""))[0]:
                scores[i] = (score, how)

        self._chars(q, add)
        latex_like = _looks_like_latex(q)
        if latex_like:
            if q.count("{") > q.count("}"):
                q_closed = q + "}" * (q.count("{") - q.count("}"))  # "\mathcal{N": close it, as a typo
                self._latex(q_closed, lambda i, sc, how: add(i, 0.9 * sc, "typo"))
            else:
                self._latex(q, add)
        elif not scores and not any(c.isalnum() for c in q):
            self._latex(q, add)  # ":=" or "||" typed as plain text
        best = max((sc for sc, _ in scores.values()), default=0.0)
        if best < 0.9 or (not latex_like and all(self.entries[i].source != "hand" for i in scores)):
            # "I" is a Latin letter and the identity matrix too; LaTeX is matched by its words too
            if latex_like:  # only a confident name match answers LaTeX: "\\frac{" is not a typo of ⊗
                asked |= self._words(_latex_words(q), lambda i, sc, how: sc >= 0.6 and add(i, sc, how))
            else:
                asked |= self._words(q, add)
        if paper:
            self._paper_notation(q, paper, add)
        if scores:
            self._decorated_forms(paper, asked, scores, add)
        apl_query = any(unicodedata.name(c, "").startswith("APL") or c in APL_ONLY for c in q)

        def rank(item):
            i, (score, _) = item
            e = self.entries[i]
            if asked & self.names[i]:
                score += 0.02  # the entry is named exactly what was asked (or its typo corrected)
            if e.category == "apl" and not apl_query:
                score -= 0.01  # APL's ⍉ after the transpose ML papers mean, unless APL was typed
            return (-score, e.source != "hand", len(e.latex[0]) if e.latex else 99, i)  # ∇ before ∇_θ

        top = max((sc for sc, _ in scores.values()), default=0.0)
        candidates = [item for item in scores.items() if item[1][0] >= top - 0.4]  # the tail cannot win
        ranked = heapq.nsmallest(limit, candidates, key=rank)
        if not paper:
            return [Hit(self.entries[i], sc, None, how) for i, (sc, how) in ranked[:limit]]
        from .paper_meanings import paper_meaning
        from .paper_view import paper_view

        qkey = latex_key(q) if latex_like else None
        return [Hit(self.entries[i], sc, paper_meaning(self.entries[i], paper, qkey), how,
                    paper_view(self.entries[i], paper, qkey))
                for i, (sc, how) in ranked[:limit]]

    def _decorated_forms(self, paper: str | None, asked: set[str], scores: dict, add) -> None:
        """A query that names a letter (α, \\alpha, "alpha", "alhpa") also finds the letter's decorated
        forms the catalog papers write (ᾱ, ε_θ, x_t: see ``variants``), just below the letter."""
        best = max(sc for sc, _ in scores.values())
        if best < 0.85:
            return
        named = [i for i, (sc, how) in scores.items()
                 if sc >= best - 1e-9 and (how in ("char", "latex", "paper") or asked & self.names[i])]
        if not named:
            return
        for i in named[:2]:
            for rank, j in enumerate(self._forms(i, paper)):
                add(j, min(best, 1.0) - 0.05 - 0.01 * rank, "variant")

    def _forms(self, i: int, paper: str | None) -> tuple[int, ...]:
        """Entry ``i``'s decorated forms: the paper's own first, then the other catalog papers'."""
        from . import variants

        for key in {paper, None}:
            if key not in self._variants:
                try:
                    self._variants[key] = variants.build(self.entries, self.by_latex, key)
                except Exception:  # an unreadable catalog: the letter alone, as before
                    self._variants[key] = {}
        own = self._variants[paper].get(i, ())
        return tuple(dict.fromkeys(own + self._variants[None].get(i, ())))[:variants.MAX_VARIANTS]

    def _chars(self, q: str, add) -> None:
        """A pasted character, also with indices typed after it (ᾱ_t, ᾱₜ)."""
        forms = {q, unicodedata.normalize("NFD", q), unicodedata.normalize("NFC", q)}
        for form in forms:
            for i in self.by_char.get(form, ()):
                primary = unicodedata.normalize("NFC", self.entries[i].char) in forms
                add(i, 1.0 if primary else 0.98, "char")  # ∇ is nabla first, ∇_θ's entry second
        if not any(self.by_char.get(f) for f in (q, unicodedata.normalize("NFD", q))):
            base = SCRIPTS.sub("", q)
            if base != q and base and "\\" not in q:
                for i in self.by_char.get(base, ()) or self.by_char.get(unicodedata.normalize("NFD", base), ()):
                    add(i, 0.95, "char")
                q = base
            if len(q) <= 3:
                self._accented(q, add)

    def _paper_notation(self, q: str, paper: str, add) -> None:
        """A clash that names, for this paper, which entry its notation is (clashes.toml ``entries``)."""
        from .paper_meanings import clashes_for

        key = strip_scripts(latex_key(q)) if _looks_like_latex(q) else None
        for clash in clashes_for(paper):
            target = clash.entries.get(paper)
            if not target or target not in self.by_key:
                continue
            ckey = strip_scripts(latex_key(clash.symbol))
            if key == ckey or q == to_text(clash.symbol):
                add(self.by_key[target], 1.05, "paper")

    def _accented(self, q: str, add) -> None:
        """ᾱ typed as α + combining macron with no entry of its own: the letter, then the accent."""
        decomposed = unicodedata.normalize("NFD", q)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        marks = [c for c in decomposed if unicodedata.combining(c)]
        if base and marks:
            for i in self.by_char.get(base, ()):
                add(i, 0.85, "char")
            for mark in marks:
                for i in self.by_char.get(mark, ()) or self.by_char.get("◌" + mark, ()):
                    add(i, 0.8, "char")

    def resolve(self, char: str, latex: str) -> Entry | None:
        """The entry for a symbol the PDF engine found: by its character, else by its LaTeX."""
        key = latex_key(latex)
        ids = self.by_char.get(char) or self.by_latex.get(key)
        if ids:
            return self.entries[ids[0]]
        i = self.by_function.get(key)
        return self.entries[i] if i is not None else None

    def _latex(self, q: str, add) -> None:
        key = latex_key(q)
        for i in self.by_latex.get(key, ()):
            add(i, 1.0, "latex")
        if key in self.by_function:
            add(self.by_function[key], 0.95, "latex")
        bare = strip_scripts(key)
        if bare != key:
            for i in self.by_latex.get(bare, ()):
                add(i, 0.92, "latex")
        head = re.match(r"\\[A-Za-z]+", bare)
        if head and head.group(0) != bare:  # \bar{x}: the accent itself
            for i in self.by_latex.get(head.group(0), ()) or self.by_latex.get(head.group(0) + "{}", ()):
                add(i, 0.8, "latex")

    def _words(self, q: str, add) -> set[str]:
        """Names, aliases and descriptions, word by word; typos corrected against the vocabulary.
        Returns the phrases asked for (with corrections), for the exact-name bonus."""
        folded = fold(q)
        if not folded:
            return set()
        for i, score in self.by_phrase.get(folded, ()):
            add(i, score, "name")
        if folded in self.by_phrase:
            return {folded}
        words = [w for w in folded.split() if w not in STOP] or folded.split()
        found = self._score_words(words)
        asked = {folded}
        if not found or max(found.values()) < 0.75:
            corrected = self._correct(words)
            if corrected != words:
                phrase = " ".join(corrected)
                asked.add(phrase)
                for i, score in self.by_phrase.get(phrase, ()):
                    add(i, 0.9 * score, "typo")  # "alhpa" → the entry named "alpha" itself
                for i, sc in self._score_words(corrected).items():
                    add(i, 0.85 * sc, "typo")
            if " ".join(corrected) not in self.by_phrase:  # the corrected words did not name an entry
                self._fuzzy_phrase(folded, add)
        for i, sc in found.items():
            add(i, sc, "meaning" if sc < 0.8 else "alias")
        return asked

    def _score_words(self, words: list[str]) -> dict[int, float]:
        totals: dict[int, float] = defaultdict(float)
        common = [w for w in words if len(self.by_word.get(w, ())) > COMMON]
        for w in words:
            if w in common and len(common) < len(words):
                continue  # "letter", "small": in a thousand Unicode names, they tell nothing apart
            for i, weight in self.by_word.get(w, {}).items():
                totals[i] += weight
        n = len(words) - (len(common) if len(common) < len(words) else 0)
        return {i: 0.9 * t / n for i, t in totals.items()}

    def _correct(self, words: list[str]) -> list[str]:
        from rapidfuzz import fuzz, process

        out = []
        for w in words:
            if w in self.by_word or len(w) < 3:
                out.append(w)
                continue
            split = next(((w[:k], w[k:]) for k in range(2, len(w) - 1)
                          if w[:k] in self.by_word and w[k:] in self.by_word), None)
            if split:  # "alphabar", "stopgradient": two words run together
                out.extend(split)
                continue
            best = process.extractOne(w, self.vocabulary, scorer=fuzz.ratio, score_cutoff=72)
            out.append(best[0] if best else w)
        return out

    def _fuzzy_phrase(self, folded: str, add) -> None:
        from rapidfuzz import fuzz, process

        for phrase, score, _ in process.extract(folded, self.phrases, scorer=fuzz.ratio, limit=5, score_cutoff=75):
            for i, weight in self.by_phrase[phrase]:
                add(i, 0.85 * weight * score / 100, "typo")


@functools.cache
def glossary() -> Glossary:
    return Glossary(all_entries())


def lookup(query: str, paper: str | None = None, limit: int = 10) -> list[Hit]:
    return glossary().lookup(query, paper=paper, limit=limit)
