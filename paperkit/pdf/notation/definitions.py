"""Definitions in a sentence: which symbols it defines, and with which words.

A sentence comes in as tokens: words, punctuation, and maths (one token per inline run, knowing the
identifiers the run names: ``atoms.head``). Papers define their notation in a handful of shapes,
each read here from the tokens (the first in reading order is the one a symbol lists):

========== ========================================================= ==============================
how        shape                                                     example
========== ========================================================= ==============================
colon      a row or item that starts with the symbol and a colon,    "α: Stepsize", "Require: β₁, β₂ ∈
           or after an algorithm's Require:/Input:; "PHRASE: M"      [0, 1): Exponential decay rates",
                                                                     "Parameters to be learned: γ, β"
let-be     let M be / denote PHRASE (and the ones chained after it);  "let N be the number of nodes",
           let the PHRASE be M                                       "let the normalized values be x̂"
we-denote  we denote PHRASE by M; with M we denote PHRASE            "With β₁ᵗ we denote β₁ to the power t"
denotes    M denotes / represents / stands for / refers to PHRASE     "θ denotes the parameters"
where-is   M is / are PHRASE (after where, and, here, a comma …);    "where π_θ is a stochastic policy",
           M is defined as / called / interpreted as PHRASE          "c₁, c₂ are coefficients"
as         we define / use M as the PHRASE                           "we define g as a vector that …"
denoted    PHRASE, denoted (by) M                                    "the step size, denoted α"
paren      PHRASE (M)                                                "the learning rate (η)"
comment    an algorithm's assignment and its comment                 "m_t ← β₁·m_{t−1} + … (Update biased
                                                                     first moment estimate)", "▷ Form …"
row        a table row: M, then words alone                          "η   learning rate"
apposition the PHRASE M, with a relative clause after it             "the learning rate η", "a pair of
                                                                     parameters γ, β, which scale …"
bare       PHRASE M after a preposition, "and", "is", "has"          "for hyperparameters λ_min",
                                                                     "the inner-layer has dimensionality d_ff"
count      a count and the plural noun after it                      "for K epochs", "h = 8 parallel
                                                                     attention layers"
========== ========================================================= ==============================

(A display whose left-hand side a lead-in names — "TRPO maximizes a “surrogate” objective:" — is
read in ``lead_in``; ``how`` is "equation".)

A list of symbols takes the phrase together ("where β₁, β₂ ∈ [0, 1) are the decay rates"), and a
run that names a symbol before a relation defines that symbol ("X ∈ ℝ^{N×C} is the feature
matrix" defines X). PHRASE runs forward to the end of its clause (a semicolon, a full stop, "and"
before another symbol, "where", "which"), or, for the shapes that end at the symbol, back to its
determiner over a noun phrase (adjectives, nouns, "of"). The guards keep the precision that the
issue asks of a definition finder: "x is sampled from …" is a statement, not a definition (a
participle after "is"), and "the case x" or "the following x" names nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

MATH = "\ue000"  # a maths token's text in a sentence's token list

# words split where the text layer glued two together ("estimatesRequire")
TOKEN = re.compile(r"\ue000\d+\ue001|[A-Za-z](?:[a-z’'\-]|[A-Z](?![a-z]))*|\d+(?:[.,]\d+)*|\S")
DETERMINERS = frozenset("the a an our its their this these each every some any one two his her".split())
VERBS_DEFINE = {"denote": 1, "denotes": 1, "represent": 1, "represents": 1, "indicate": 1, "indicates": 1,
                "stand": 2, "stands": 2, "refer": 2, "refers": 2, "correspond": 2, "corresponds": 2,
                "designate": 1, "designates": 1, "signify": 1, "signifies": 1}
COPULA = frozenset("is are".split())
# words after "is" that make a statement about the symbol, not a definition of it
NOT_DEFINING = frozenset("""not also then now used set fixed chosen given sampled drawn obtained computed updated
initialized initialised learned learnt trained close equal small large larger smaller greater less more positive
negative zero nonzero non-zero independent dependent defined sufficiently typically usually often always never
still just only very too so that which what how in on at by from to into with without within as than of for
because if when while where always itself replaced multiplied added divided clipped bounded known unknown
available necessary possible required needed identical similar different same true false assumed taken
being been be held shown seen kept omitted dropped ignored estimated approximated normalized normalised scaled
shifted applied passed fed concatenated much less greater larger smaller then""".split())
PHRASE_STOP = frozenset("where which whereas while when if because since so then".split())
NP_STOP = frozenset("""is are was were be been being has have had do does did can could may might will would shall
should must in on at by from to into with without within as than for and or but nor if when while where which
that whose whom who we it they he she this these those then thus hence also not using use used via over under
between among after before during through per versus vs return returns towards toward across along
around beyond onto upon once only also even just""".split())
ADJECTIVES = frozenset("""single given new fixed particular certain specific different small large same other
several many few some any all each every first last second third next previous final initial current""".split())
NP_EMPTY = frozenset("""following form case value values same above below latter former other others one ones term
terms expression quantity quantities notation function equation power eq eqs figure fig table section algorithm line step
result results way sense right left side end""".split())
LIST_WORDS = frozenset("and or".split())
IMPERATIVES = frozenset("""run compute optimize optimise update sample set initialize initialise get form take return
draw apply repeat perform evaluate estimate collect store output input fit train minimize maximize""".split())
VERBS_S = frozenset("""gives yields writes becomes denotes computes uses takes makes returns follows satisfies holds
means shows remains contains requires produces equals reads defines has does goes sets gets lets leads depends
corresponds converges decreases increases grows varies""".split())
NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "er", "or", "ure", "ance", "ence", "ism", "ist", "ogy")
AS_VERBS = frozenset("define defines defined use uses used denote denotes write treat take takes refer regard and".split())
ING_NOUNS = frozenset("embedding embeddings encoding padding setting scaling learning training smoothing".split())
KEYWORDS = frozenset("require input inputs output outputs ensure parameters given hyperparameters notation".split())
KEYWORD_STOPS = frozenset("Require Ensure Input Output Return".split())


class Token(NamedTuple):
    kind: str  # "M" maths, "W" word, "N" number, "P" punctuation
    text: str
    start: int  # offsets in the sentence's masked text
    end: int
    run: int = -1  # for "M": the index of its run


@dataclass(frozen=True)
class Found:
    """A definition found in a sentence: the run indices whose head symbols it defines, the phrase's
    tokens (start, end), and how it was found."""

    runs: tuple[int, ...]
    phrase: tuple  # token index range (a, b), or two of them: a noun phrase and a clause after the symbol
    how: str

    @property
    def ranges(self) -> list[tuple[int, int]]:
        return [r for r in self.phrase if r] if isinstance(self.phrase[0], tuple) else [self.phrase]


def tokenize(masked: str) -> list[Token]:
    out = []
    for m in TOKEN.finditer(masked):
        t = m.group(0)
        if t[0] == "\ue000":
            out.append(Token("M", t, m.start(), m.end(), int(t[1:-1])))
        elif t[0].isalpha():
            out.append(Token("W", t, m.start(), m.end()))
        elif t[0].isdigit():
            out.append(Token("N", t, m.start(), m.end()))
        else:
            out.append(Token("P", t, m.start(), m.end()))
    return out


def _symbols_at(tokens: list[Token], i: int, named) -> tuple[list[int], int]:
    """A list of maths tokens from ``i`` ("M", "M, M", "M and M", "M, M, and M") whose runs name a
    symbol; returns their run indices and the index after the list, or ([], i)."""
    runs: list[int] = []
    j = i
    while j < len(tokens) and tokens[j].kind == "M" and named(tokens[j].run):
        runs.append(tokens[j].run)
        k = j + 1
        if k < len(tokens) and tokens[k].text == ",":
            k += 1
        if k < len(tokens) and tokens[k].text in LIST_WORDS:
            k += 1
        if k < len(tokens) and tokens[k].kind == "M" and k > j + 1:
            j = k
            continue
        return runs, j + 1
    return runs, (j if runs else i)


def _phrase_forward(tokens: list[Token], i: int, limit: int = 22, formula=lambda run: False) -> tuple[int, int] | None:
    """The phrase starting at ``i`` up to its clause's end: a semicolon, full stop, colon, a comma
    or "and" before another symbol, "where", "which" …; None when it has no word."""
    j = i
    depth = 0
    while j < len(tokens) and j - i < limit:
        t = tokens[j]
        if t.kind == "M" and formula(t.run) and j > i:
            break
        if t.kind == "P":
            if t.text in "([":
                depth += 1
            elif t.text in ")]":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t.text in ";:.!?":
                break
            elif depth == 0 and t.text == ",":
                break  # a comma ends the clause: "where u is the layer input, the weight matrix W …"
        elif t.kind == "W":
            low = t.text.lower()
            if low in PHRASE_STOP and j > i:
                break
            if low in ("and", "or") and j + 1 < len(tokens) and tokens[j + 1].kind == "M" and j + 2 < len(tokens) \
                    and tokens[j + 2].kind == "W" and tokens[j + 2].text.lower() in COPULA | set(VERBS_DEFINE):
                break  # "… and Â_t is …": the next definition
            if low == "respectively" or (t.text in KEYWORD_STOPS and j > i):
                break
        j += 1
    while j > i and tokens[j - 1].kind == "W" and tokens[j - 1].text.lower() in ("and", "or", "the", "a", "of", "with"):
        j -= 1
    if not any(tokens[k].kind == "W" and len(tokens[k].text) >= 2 for k in range(i, j)):
        return None
    if i < len(tokens) and tokens[i].kind == "W" and tokens[i].text.lower() in NP_STOP - {"this", "these"}:
        return None  # "T is have a major impact …", "is if the inputs …": a sentence the text layer mixed up
    return i, j


COUNT_BEFORE = frozenset("for of with over after every each collect collects use uses using run runs all first last "
                         "the these".split())
PREPOSITIONS = frozenset("of for with in on at by from to into over under via using and or".split())


def _np_back(tokens: list[Token], end: int, need_determiner: bool = True, of_head: bool = False) -> tuple[int, int] | None:
    """The noun phrase that ends just before token ``end``: back over words (and "of" with its
    noun) to a determiner; None when there is none, or it names nothing ("the following"). Without
    ``need_determiner`` a bare noun phrase of at most three words also counts when a preposition,
    "and", a comma or the start of the sentence stands before it ("for hyperparameters λ", "with
    minibatch size M")."""
    j = end
    words = 0
    bare = False
    while j > 0:
        t = tokens[j - 1]
        if t.kind == "W":
            low = t.text.lower()
            if low in DETERMINERS:
                j -= 1
                break
            if low in NP_STOP and low != "of":
                if need_determiner or low not in PREPOSITIONS | {"has", "have", "is", "are", "be"}:
                    return None
                bare = True
                break
            words += 1
            j -= 1
            if words > 6:
                return None
            continue
        if t.kind == "P" and t.text in ("-", "–") and words:
            j -= 1
            continue
        if need_determiner or t.kind == "M" or t.text not in (",", ":", ";", "("):
            return None
        bare = True
        break
    else:
        if need_determiner or words < 2:
            return None  # one bare word starting the sentence ("Setting σ_t …") is no noun phrase
        bare = True
    if words == 0 or (bare and words > 5):
        return None
    if not bare and tokens[j].text.lower() not in DETERMINERS:
        return None
    last = tokens[end - 1].text.lower()
    if last in VERBS_S:
        return None  # "the posterior mean gives μ_θ": a verb, not a noun
    # "the following x", "the case x" name nothing; "the state-value function V" does ("of_head": the
    # noun before "of", as in "the target value of the KL divergence")
    if ((last in NP_EMPTY or last in ADJECTIVES) and words == 1 and not of_head) or last == "of" or last in NP_STOP or last.endswith("ly") or (
            last.endswith("ing") and last not in ING_NOUNS) or (bare and (last.endswith("ed") or len(last) < 3)):
        return None
    if tokens[j].text.lower() == "of":
        return None
    if bare and j == 0 and tokens[0].text.lower() in IMPERATIVES:
        j += 1  # an algorithm's line: "Optimize surrogate L", "Run policy π_θold"
        if j >= end:
            return None
    if bare and any(tokens[x].kind != "W" or (tokens[x].text.lower() in NOT_DEFINING and tokens[x].text.lower() != "of")
                    for x in range(j, end)):
        return None
    return j, end


def _count_after(tokens: list[Token], j: int) -> tuple[int, int] | None:
    """The plural noun phrase after a count: "K epochs", "N (parallel) actors", "N = 6 identical layers"."""
    n = len(tokens)
    x = j
    if x < n and tokens[x].text == "(":  # "(parallel)"
        close = next((y for y in range(x + 1, min(n, x + 4)) if tokens[y].text == ")"), None)
        x = close + 1 if close is not None else x
    y = x
    while y < n and y - x < 3 and tokens[y].kind == "W" and tokens[y].text.lower() not in NP_STOP:
        low = tokens[y].text.lower()
        y += 1
        if low in VERBS_S:
            return None
        if low.endswith("s") and not low.endswith(("ss", "us", "is")) and low not in NOT_DEFINING:
            return j, y  # up to the first plural noun
    return None


def _relative_clause(tokens: list[Token], j: int, formula) -> tuple[int, int] | None:
    """", which scale and shift the normalized value" after a symbol list: the clause that says what
    the symbols do, kept with their noun phrase."""
    k = j + (j < len(tokens) and tokens[j].text == ",")
    if k + 1 < len(tokens) and tokens[k].kind == "W" and tokens[k].text.lower() in ("which", "that", "who", "such"):
        rest = _phrase_forward(tokens, k + 1, formula=formula)
        return (k, rest[1]) if rest else None
    return None


def _defining_phrase_after_is(tokens: list[Token], i: int) -> bool:
    """Whether the words after "is" start a definition: a determiner, or a noun phrase that is not a
    participle or a statement ("is sampled", "is small", "is not")."""
    if i >= len(tokens) or tokens[i].kind != "W":
        return False
    low = tokens[i].text.lower()
    if low in DETERMINERS:
        if low in ("one", "two") and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of":
            return False
        return True
    if low in NOT_DEFINING or low in NP_STOP or low.endswith(("ed", "ly")) or low.endswith("ing") and low not in ("embedding", "encoding", "padding", "setting"):
        return False
    if i + 1 < len(tokens) and tokens[i + 1].kind == "W" and tokens[i + 1].text.lower() not in NP_STOP | {"of"} \
            or i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of":
        return True
    # one noun and the clause ends: "where c₁, c₂ are coefficients,", "ε is a hyperparameter" (a
    # noun by its ending: "x_θ is correct" is not a definition)
    noun = (low.endswith("s") and not low.endswith(("ss", "us", "ous", "is"))) or low.endswith(NOUN_ENDINGS)
    return noun and len(low) >= 4 and (i + 1 >= len(tokens) or tokens[i + 1].text in (",", ";", ".", ":", ")")
                                       or tokens[i + 1].text.lower() in ("and", "for", "that", "which"))


def find_definitions(tokens: list[Token], named, first_in_row: bool = False, line_starts: frozenset[int] = frozenset(),
                     formula=lambda run: False, numeric=lambda run: False, count=lambda run: False) -> list[Found]:
    """Every definition in one sentence's tokens. ``named(run)`` says whether a run names symbols
    (its head is not empty); ``first_in_row`` whether the sentence starts a printed row (a table's or
    an algorithm's line), where "M: PHRASE" and "M PHRASE" are definitions; ``line_starts`` the
    tokens that begin a printed line; ``formula(run)`` whether a run is an equation or an
    assignment ("r_t(θ) = …", "m₀ ← 0"), which ends a phrase; ``numeric(run)`` whether it sets a
    symbol to a number ("h = 8"); ``count(run)`` whether that number is a count (2 or more)."""
    found: list[Found] = []
    taken: set[int] = set()  # runs already defined in this sentence, by a stronger shape
    n = len(tokens)

    def add(runs, phrase, how):
        runs = tuple(r for r in runs if r not in taken)
        if runs and phrase:
            taken.update(runs)
            found.append(Found(runs, phrase, how))

    # colon: "α: Stepsize", "Require: β₁, β₂ ∈ [0, 1): Exponential decay rates", "A: adjacency matrix",
    # at the start of the sentence or of a printed line, or after an algorithm's "Require:"
    starts = {0} | set(line_starts)
    for k in range(n - 2):
        if tokens[k].kind == "W" and tokens[k + 1].text == ":" and tokens[k].text.lower() in KEYWORDS:
            starts.add(k + 2)
    for i in sorted(starts):
        runs, j = _symbols_at(tokens, i, named)
        if not runs:
            continue
        if j + 1 < n and tokens[j].text in ")]" and tokens[j + 1].text == ":":
            j += 1  # "β₁, β₂ ∈ [0, 1): …": the interval's bracket set in the text font
        if j < n and tokens[j].text == ":":
            add(runs, _phrase_forward(tokens, j + 1, formula=formula), "colon")
        elif first_in_row and i == 0 and j + 1 < n and tokens[j].kind == "W" and tokens[j + 1].kind == "W" \
                and not any(t.kind == "M" for t in tokens[j:]) and n - j <= 12 \
                and tokens[j].text.lower() not in NP_STOP | COPULA | set(VERBS_DEFINE):
            add(runs, _phrase_forward(tokens, j, formula=formula), "row")

    # an algorithm's comment: "μ_B ← 1/m ∑ x_i  // mini-batch mean", "▷ update the critic"
    for k in range(n - 1):
        slashes = tokens[k].text == "/" and tokens[k + 1].text == "/"
        if slashes or tokens[k].text in ("▷", "▹", "⊳"):
            start = max([x for x in line_starts if x <= k] + [0])
            owner = next((tokens[x] for x in range(start, k) if tokens[x].kind == "M" and named(tokens[x].run)
                          and formula(tokens[x].run)), None)
            phrase = _phrase_forward(tokens, k + 1 + slashes, formula=formula)
            if owner is not None and phrase is not None:
                add([owner.run], phrase, "comment")
    # "PHRASE: M" at the start of a clause: "Parameters to be learned: γ, β"
    for k in range(1, n - 1):
        if tokens[k].text != ":" or tokens[k + 1].kind != "M":
            continue
        runs, j = _symbols_at(tokens, k + 1, named)
        if not runs or (j < n and tokens[j].text not in (";", ".", ",") and j not in line_starts):
            continue
        a = k
        while a > 0 and tokens[a - 1].kind == "W" and k - a < 6:
            a -= 1
        if a < k and (a == 0 or tokens[a - 1].text in (";", ":", ".") or a in line_starts) \
                and not (a == k - 1 and tokens[a].text.lower() in KEYWORDS):  # "Require: α" names nothing
            add(runs, (a, k), "colon")

    for k, t in enumerate(tokens):
        if t.kind != "W":
            continue
        low = t.text.lower()
        # let the PHRASE be M: "Let the normalized values be x̂, and their linear transformations be y"
        if low in ("let", "their", "its") and k + 2 < n and tokens[k + 1].kind == "W":
            be = next((x for x in range(k + 1, min(n - 1, k + 8)) if tokens[x].text.lower() == "be"), None)
            if be is not None and tokens[be + 1].kind == "M" and all(tokens[x].kind == "W" for x in range(k + 1, be)):
                runs, _ = _symbols_at(tokens, be + 1, named)
                add(runs, (k + 1, be), "let-be")
                continue
        # let M be / denote PHRASE, and the ones that follow: "let x be a layer input, …, and X be the set …"
        if low == "let":
            x = k + 1
            while x < n:
                runs, j = _symbols_at(tokens, x, named)
                if not (runs and j < n and tokens[j].text.lower() in ("be", "denote", "represent", "indicate")):
                    break
                phrase = _phrase_forward(tokens, j + 1, formula=formula)
                add(runs, phrase, "let-be")
                if phrase is None:
                    break
                x = phrase[1]
                while x < n and tokens[x].kind != "M" and x - phrase[1] < 8 and tokens[x].text not in (".", ";"):
                    x += 1  # over ", treated as a vector, and" to the next symbol
        # we denote PHRASE by M / with M we denote PHRASE / we denote M as PHRASE / we call M PHRASE
        elif low in ("denote", "write", "call") and k > 0 and tokens[k - 1].text.lower() == "we":
            runs, j = _symbols_at(tokens, k + 1, named)
            if runs:
                if j < n and tokens[j].text.lower() in ("as", "the", "a", "an", "by"):
                    add(runs, _phrase_forward(tokens, j + (tokens[j].text.lower() in ("as", "by")), formula=formula), "we-denote")
                continue
            back = k - 2
            if back >= 1 and tokens[back].kind == "M":
                start = back
                while start > 0 and (tokens[start - 1].kind == "M" or tokens[start - 1].text in (",", "and")):
                    start -= 1
                if start > 0 and tokens[start - 1].text.lower() in ("with", "by"):
                    runs = [tokens[x].run for x in range(start, back + 1) if tokens[x].kind == "M" and named(tokens[x].run)]
                    add(runs, _phrase_forward(tokens, k + 1, formula=formula), "we-denote")
                    continue
            phrase = _phrase_forward(tokens, k + 1, formula=formula)
            if phrase:
                a, b = phrase
                for x in range(a, min(b + 2, n - 1)):
                    if tokens[x].text.lower() in ("by", "as") and x + 1 < n and tokens[x + 1].kind == "M":
                        runs, _ = _symbols_at(tokens, x + 1, named)
                        add(runs, (a, x), "we-denote")
                        break
        # PHRASE, denoted (by) M
        elif low in ("denoted", "written", "represented") and k + 1 < n:
            j = k + 1 + (k + 1 < n and tokens[k + 1].text.lower() in ("by", "as"))
            runs, _ = _symbols_at(tokens, j, named)
            end = k - 1 if k > 0 and tokens[k - 1].text == "," else k
            phrase = _np_back(tokens, end)
            if runs and phrase:
                add(runs, phrase, "denoted")

    for k, t in enumerate(tokens):
        if t.kind != "M" or not named(t.run) or t.run in taken:
            continue
        # the start of a symbol list ending at k
        runs, j = _symbols_at(tokens, k, named)
        if not runs or (k > 0 and tokens[k - 1].kind == "M"):
            continue
        if j < n and tokens[j].kind == "W":
            verb = tokens[j].text.lower()
            if verb in VERBS_DEFINE:
                skip = 1 + (VERBS_DEFINE[verb] == 2)  # "stands for", "refers to"
                add(runs, _phrase_forward(tokens, j + skip, formula=formula), "denotes")
                continue
            modal = verb in ("can", "may", "will", "should") and j + 1 < n and tokens[j + 1].text.lower() == "be"
            if verb in COPULA or modal:
                a = j + 1 + modal
                if a < n and tokens[a].text.lower() in ("defined", "called", "termed", "known", "interpreted", "seen", "viewed", "referred"):
                    a += 1 + (a + 1 < n and tokens[a + 1].text.lower() in ("as", "to"))
                    if a < n and tokens[a].text.lower() == "as":  # "is referred to as"
                        a += 1
                    if a < n and tokens[a].text.lower() == "be":
                        a += 1
                    add(runs, _phrase_forward(tokens, a, formula=formula), "where-is")
                    continue
                if not modal and _defining_phrase_after_is(tokens, a):
                    add(runs, _phrase_forward(tokens, a, formula=formula), "where-is")
                    continue
        # "we define g ∈ ℝ^t as a vector that …", "and g_{t,i} as the i-th element"
        if j + 1 < n and tokens[j].text.lower() == "as" and tokens[j + 1].text.lower() in DETERMINERS \
                and any(tokens[x].text.lower() in AS_VERBS for x in range(max(0, k - 4), k)):
            add(runs, _phrase_forward(tokens, j + 1, formula=formula), "as")
            continue
        # an algorithm's assignment and its comment: "m_t ← β₁·m_{t−1} + … (Update biased first moment estimate)"
        if len(runs) == 1 and j + 1 < n and tokens[j].text == "(" and tokens[j + 1].kind == "W" and (
                formula(t.run) or (tokens[j + 1].text[:1].isupper() and k > 0 and tokens[k - 1].text.lower() in ("return", "output"))):
            close = next((x for x in range(j + 1, min(n, j + 16)) if tokens[x].text == ")"), None)
            if close is not None and any(tokens[x].kind == "W" and len(tokens[x].text) >= 3 for x in range(j + 1, close)):
                add(runs, (j + 1, close), "comment")  # words, not "(k)" after a run cut short
                continue
        # PHRASE (M)
        if k >= 2 and tokens[k - 1].text == "(" and j < n and tokens[j].text == ")":
            phrase = _np_back(tokens, k - 1)
            if phrase:
                add(runs, phrase, "paren")
                continue
        # the PHRASE M (a list too, "a pair of parameters γ, β"), with a relative clause after it
        # (", which scale and shift …"); a bare one after a preposition ("for hyperparameters λ")
        if k >= 2 and tokens[k - 1].text.lower() == "of" and numeric(t.run) and len(runs) == 1:
            phrase = _np_back(tokens, k - 1, of_head=True) or _np_back(tokens, k - 1, need_determiner=False, of_head=True)
            if phrase:  # "we use a rate of P_drop = 0.1", "a stack of N = 6 identical layers"
                after = _count_after(tokens, j)
                add(runs, (phrase, after) if after else phrase, "apposition")
                continue
        if k >= 1:
            phrase = _np_back(tokens, k)
            how = "apposition"
            if phrase is None:
                phrase = _np_back(tokens, k, need_determiner=False)
                how = "bare"
            while phrase is not None and phrase[0] >= 2 and tokens[phrase[0] - 1].text.lower() == "of":
                # "some target value of the KL divergence d_targ": the noun phrase before "of" too
                before = (_np_back(tokens, phrase[0] - 1, of_head=True)
                          or _np_back(tokens, phrase[0] - 1, need_determiner=False, of_head=True))
                if before is None:
                    break
                phrase = (before[0], phrase[1])
            if phrase is not None and how == "bare" and phrase[0] >= 2 and tokens[phrase[0] - 1].text.lower() in ("has", "have"):
                owner = _np_back(tokens, phrase[0] - 1)  # "the inner-layer has dimensionality d_ff"
                if owner is not None:
                    phrase = (owner[0], phrase[1])
            if phrase is not None and (len(runs) == 1 or tokens[k - 1].text.lower().endswith("s")):
                clause = _relative_clause(tokens, j, formula)
                add(runs, (phrase, clause) if clause else phrase, how)
                continue
        # a count: "for K epochs", "each of N (parallel) actors", "T timesteps of data", "h = 8 parallel
        # attention layers"
        if len(runs) == 1 and j < n and ((k >= 1 and tokens[k - 1].text.lower() in COUNT_BEFORE)
                                         or count(t.run)):
            after = _count_after(tokens, j)
            if after:
                add(runs, after, "count")
    return found
