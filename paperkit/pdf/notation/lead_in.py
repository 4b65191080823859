"""The words a paper puts before a display that defines a symbol: "TRPO maximizes a “surrogate”
objective:" then L^{CPI}(θ) = …, or "The KL-penalized loss is defined as" then L^{KLPEN}(θ) = ….
The symbol the display sets (its left-hand side) is defined by the noun phrase that leads into it.
"""

from __future__ import annotations

import re

from .definitions import DETERMINERS, NP_EMPTY, NP_STOP, VERBS_S

LEAD_VERBS = ("is defined as", "are defined as", "is given by", "are given by", "is computed as", "is written as",
              "can be written as", "is", "are", "becomes", "reads", "as follows", "defined as", "given by", "as")
_LEAD_WORD = re.compile(r"[A-Za-z][A-Za-z’'\-]*|[“”\"]|\S")


def lead_in_phrase(sentence: str) -> str | None:
    """The words a paper puts before a display that defines a symbol: "TRPO maximizes a “surrogate”
    objective" → "a “surrogate” objective", "The KL-penalized loss is defined as" → "The
    KL-penalized loss". None when the sentence names nothing ("the following", a full stop)."""
    text = sentence.strip()
    if not text or text.endswith((".", "!", "?")):
        return None
    text = text.rstrip(":,; ")
    words = _LEAD_WORD.findall(text)
    low = " ".join(w.lower() for w in words)
    for verb in LEAD_VERBS:
        if low.endswith(" " + verb):
            words = words[:len(words) - len(verb.split())]
            break
    else:
        if words and words[-1].lower() in VERBS_S:  # "the posterior mean gives"
            words = words[:-1]
    # the last noun phrase: from the last determiner, over words and quotes only
    for i in range(len(words) - 1, -1, -1):
        w = words[i].lower()
        if w in DETERMINERS:
            np = words[i:]
            if not 2 <= len(np) <= 8 or any(not (x[0].isalpha() or x in "“”\"") for x in np):
                return None
            last = np[-1].lower()
            if last in NP_STOP or last.endswith(("ly", "ed")) or (len(np) == 2 and last in NP_EMPTY):
                return None
            return " ".join(np).replace("“ ", "“").replace(" ”", "”")
        if (words[i].lower() in NP_STOP and words[i].lower() != "of") or not (words[i][0].isalpha() or words[i] in "“”\""):
            return None
    return None
