"""Look-up over the whole glossary: a pasted character, LaTeX in any common spelling, a name, a
description, or a typo of any of these; ranked; well under a millisecond.

Every index is a dict built once: characters (NFC and NFD), canonical LaTeX keys (see
``latex_keys``), whole phrases (names, spoken forms, aliases), and words (for descriptions). Only when
those find nothing good does rapidfuzz correct the query's words against the glossary's vocabulary
and compare whole phrases, so a typo costs a few hundred microseconds, not a scan in Python.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

from .latex_keys import latex_key, strip_scripts
from .load import all_entries
from .model import Entry, Hit

MAX_QUERY = 200
APL_ONLY = set("⍴⍳⌽⍉⊖⍟⍋⍒≢⍪⌹⍨¨∘")
WORD = re.compile(r"[0-9a-z]+")
STOP = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "is", "as", "by", "with", "symbol", "sign"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("-", " ").replace("_", " ")
    return " ".join(WORD.findall(text))


def _looks_like_latex(q: str) -> bool:
    return "\\" in q or any(c in q for c in "{}^_")


class Glossary:
    def __init__(self, entries: tuple[Entry, ...]):
        self.entries = entries
        self.by_char: dict[str, list[int]] = defaultdict(list)
        self.by_latex: dict[str, list[int]] = defaultdict(list)
        self.by_phrase: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.by_word: dict[str, dict[int, float]] = defaultdict(dict)
        for i, e in enumerate(entries):
            for c in e.chars:
                for form in {c, unicodedata.normalize("NFC", c), unicodedata.normalize("NFD", c)}:
                    if i not in self.by_char[form]:
                        self.by_char[form].append(i)
            for spelling in e.latex:
                key = latex_key(spelling)
                if i not in self.by_latex[key]:
                    self.by_latex[key].append(i)
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
        self.vocabulary = sorted(self.by_word)
        self.phrases = sorted(p for p, hits in self.by_phrase.items() if any(entries[i].source == "hand" for i, _ in hits))

    # -- look-up -------------------------------------------------------------------------------
    def lookup(self, query: str, paper: str | None = None, limit: int = 10) -> list[Hit]:
        """Ranked hits for ``query``; ``paper`` adds each hit's meaning in that catalog paper."""
        if not isinstance(query, str):
            return []
        q = unicodedata.normalize("NFC", query).strip()
        if not q or len(q) > MAX_QUERY:
            return []
        scores: dict[int, tuple[float, str]] = {}

        def add(i: int, score: float, how: str) -> None:
            if score > scores.get(i, (0.0, ""))[0]:
                scores[i] = (score, how)

        for form in {q, unicodedata.normalize("NFD", q)}:
            for i in self.by_char.get(form, ()):
                add(i, 1.0, "char")
        if not scores and len(q) <= 3:
            self._accented(q, add)
        if _looks_like_latex(q):
            if q.count("{") != q.count("}"):
                return []  # malformed LaTeX: say so rather than guess
            self._latex(q, add)
        if not scores or max(s for s, _ in scores.values()) < 0.9:
            self._words(q, add)
        elif not _looks_like_latex(q) and all(self.entries[i].source != "hand" for i in scores):
            self._words(q, add)  # "I" is a Latin letter, and the identity matrix too
        folded = fold(q)
        apl_query = any(unicodedata.name(c, "").startswith("APL") or c in APL_ONLY for c in q)

        def rank(item):
            i, (score, _) = item
            e = self.entries[i]
            if folded and folded in (fold(e.key), fold(e.say), fold(e.name)):
                score += 0.02  # the entry is named exactly what was asked
            if e.category == "apl" and not apl_query:
                score -= 0.01  # APL's ⍉ after the transpose ML papers mean, unless APL was typed
            return (-score, e.source != "hand", i)

        ranked = sorted(scores.items(), key=rank)
        from .paper_meanings import paper_meaning

        qkey = latex_key(q) if _looks_like_latex(q) else None
        return [Hit(self.entries[i], s, paper_meaning(self.entries[i], paper, qkey) if paper else None, how)
                for i, (s, how) in ranked[:limit]]

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

    def _latex(self, q: str, add) -> None:
        key = latex_key(q)
        for i in self.by_latex.get(key, ()):
            add(i, 1.0, "latex")
        bare = strip_scripts(key)
        if bare != key:
            for i in self.by_latex.get(bare, ()):
                add(i, 0.92, "latex")
        head = re.match(r"\\[A-Za-z]+", bare)
        if head and head.group(0) != bare:  # \bar{x}: the accent itself
            for i in self.by_latex.get(head.group(0), ()) or self.by_latex.get(head.group(0) + "{}", ()):
                add(i, 0.8, "latex")

    def _words(self, q: str, add) -> None:
        folded = fold(q)
        if not folded:
            return
        for i, score in self.by_phrase.get(folded, ()):
            add(i, score, "name")
        words = [w for w in folded.split() if w not in STOP] or folded.split()
        found = self._score_words(words)
        if not found or max(found.values()) < 0.75:
            corrected = self._correct(words)
            if corrected != words:
                for i, score in self.by_phrase.get(" ".join(corrected), ()):
                    add(i, 0.9 * score, "typo")  # "alhpa" → the entry named "alpha" itself
                for i, s in self._score_words(corrected).items():
                    add(i, 0.85 * s, "typo")
            self._fuzzy_phrase(folded, add)
        for i, s in found.items():
            add(i, s, "meaning" if s < 0.8 else "alias")

    def _score_words(self, words: list[str]) -> dict[int, float]:
        totals: dict[int, float] = defaultdict(float)
        for w in words:
            for i, weight in self.by_word.get(w, {}).items():
                totals[i] += weight
        n = len(words)
        return {i: 0.9 * t / n for i, t in totals.items()}

    def _correct(self, words: list[str]) -> list[str]:
        from rapidfuzz import fuzz, process

        out = []
        for w in words:
            if w in self.by_word or len(w) < 3:
                out.append(w)
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
