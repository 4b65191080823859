"""Character tables for the one-line Unicode renderer: plain data, checked by tests against
``unicodedata`` names."""

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
    "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

SYMBOLS = {
    "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "nabla": "∇", "partial": "∂", "cdot": "·",
    "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "approx": "≈", "sim": "∼",
    "simeq": "≃", "propto": "∝", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
    "equiv": "≡", "in": "∈", "notin": "∉", "subseteq": "⊆", "subset": "⊂", "supseteq": "⊇", "cup": "∪",
    "cap": "∩", "infty": "∞", "ldots": "…", "dots": "…", "cdots": "⋯", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "iff": "⇔", "mapsto": "↦", "mid": "∣",
    "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖", "vert": "|", "lvert": "|", "rvert": "|",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "top": "⊤", "perp": "⊥", "varnothing": "∅", "emptyset": "∅", "forall": "∀", "exists": "∃",
    "neg": "¬", "land": "∧", "lor": "∨", "pm": "±", "mp": "∓", "star": "⋆", "ast": "∗", "dagger": "†",
    "prime": "′", "ell": "ℓ", "hbar": "ℏ", "{": "{", "}": "}", "%": "%", "$": "$", "#": "#", "&": "&",
    "_": "_", "lbrace": "{", "rbrace": "}", "setminus": "∖", "wedge": "∧", "vee": "∨", "gg": "≫", "ll": "≪",
    "coloneqq": "≔", "triangleq": "≜", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ",
}

# binary relations and operators, written with a space on each side
SPACED = {
    "approx", "sim", "simeq", "propto", "leq", "le", "geq", "ge", "neq", "ne", "equiv", "in", "notin",
    "subseteq", "subset", "supseteq", "to", "rightarrow", "leftarrow", "Rightarrow", "Leftarrow", "iff",
    "mapsto", "odot", "otimes", "oplus", "times", "cup", "cap", "pm", "mp", "coloneqq", "triangleq",
    "setminus", "mid", "gg", "ll", "land", "lor", "wedge", "vee",
}

# LaTeX's named operators (\log, \max, …): upright words that have a command of their own. The PDF
# engine writes such a word as its command, the LaTeX metric and the glossary read \mathrm{log} as \log.
LATEX_OPERATORS = frozenset(
    "arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim liminf limsup ln "
    "log max min Pr sec sin sinh sup tan tanh".split()
)

FUNCTION_NAMES = {
    "log", "ln", "exp", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "min", "max", "arg", "argmin", "argmax", "det", "dim", "lim", "sup", "inf", "Pr", "deg", "ker",
}

SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "   ", "enspace": " "}
IGNORED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "displaystyle", "textstyle", "limits", "nolimits"}

# combining marks placed after the accented character
ACCENTS = {
    "bar": "\u0304", "overline": "\u0305", "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303",
    "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7", "check": "\u030c",
    "breve": "\u0306", "acute": "\u0301", "grave": "\u0300",
}

SUBSCRIPT = dict(zip(
    "0123456789+-=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
))
SUPERSCRIPT = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθφχ⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᵠᵡᵀ",
))


def _alphabet(start_upper: int, start_lower: int | None, holes: dict[str, str]) -> dict[str, str]:
    letters = {}
    for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        letters[c] = holes.get(c, chr(start_upper + i))
    if start_lower is not None:
        for i, c in enumerate("abcdefghijklmnopqrstuvwxyz"):
            letters[c] = holes.get(c, chr(start_lower + i))
    return letters


# Mathematical Alphanumeric Symbols; letters that Unicode encoded earlier sit in "holes"
FONTS = {
    "mathcal": _alphabet(0x1D49C, 0x1D4B6, {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ", "e": "ℯ", "g": "ℊ", "o": "ℴ"}),
    "mathbb": _alphabet(0x1D538, 0x1D552, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}) | {"1": "𝟙"},
    "mathbf": _alphabet(0x1D400, 0x1D41A, {}),
    "mathfrak": _alphabet(0x1D504, 0x1D51E, {"C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"}),
    "mathit": _alphabet(0x1D434, 0x1D44E, {"h": "ℎ"}),
}
FONTS["boldsymbol"] = FONTS["bm"] = FONTS["mathbf"]
PLAIN_TEXT = {"text", "textrm", "mathrm", "operatorname", "mbox", "textit", "textbf", "mathsf", "mathtt", "texttt"}


# --- the 2-D renderer's tables (``paperkit.render.layout``); ``to_unicode`` does not use them ---

# symbols LaTeX has that the one-line table above lacks
MORE_SYMBOLS = {
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "longrightarrow": "⟶", "longleftarrow": "⟵",
    "Longrightarrow": "⟹", "implies": "⟹", "impliedby": "⟸", "uparrow": "↑", "downarrow": "↓",
    "hookrightarrow": "↪", "cong": "≅", "parallel": "∥", "vdots": "⋮", "ddots": "⋱", "colon": ":",
    "bot": "⊥", "angle": "∠", "triangle": "△", "square": "□", "Box": "□", "bullet": "•", "div": "÷",
    "ni": "∋", "owns": "∋", "supset": "⊃", "prec": "≺", "succ": "≻", "preceq": "⪯", "succeq": "⪰",
    "models": "⊨", "vdash": "⊢", "intercal": "⊺", "dotsb": "⋯", "dotsc": "…", "dotsm": "⋯", "dotsi": "⋯",
    "dotso": "…", "hdots": "…", "imath": "ı", "jmath": "ȷ", "wp": "℘", "lesssim": "≲", "gtrsim": "≳",
    "leqslant": "⩽", "geqslant": "⩾", "doteq": "≐", "asymp": "≍", "ominus": "⊖", "oslash": "⊘",
    "sqcup": "⊔", "sqcap": "⊓", "uplus": "⊎", "diamond": "⋄", "lnot": "¬", "nexists": "∄",
    "lbrack": "[", "rbrack": "]", "backslash": "\\", "checkmark": "✓", "degree": "°", "dag": "†",
    "approxeq": "≊", "eqqcolon": "≕", "sqsubseteq": "⊑", "varkappa": "ϰ", "cdotp": "·",
    "smallsetminus": "∖", "nparallel": "∦", "nsim": "≁", "lll": "⋘", "ggg": "⋙", "upharpoonright": "↾",
}

# the 2-D renderer's atom classes (TeX's: relations and binary operators get space around them)
RELATIONS = frozenset(
    "approx sim simeq propto leq le geq ge neq ne equiv in notin subseteq subset supseteq supset to rightarrow "
    "leftarrow Rightarrow Leftarrow iff mapsto coloneqq triangleq mid gg ll cong models vdash parallel "
    "leftrightarrow Leftrightarrow longrightarrow longleftarrow Longrightarrow implies impliedby ni owns prec "
    "succ preceq succeq lesssim gtrsim leqslant geqslant doteq asymp approxeq eqqcolon sqsubseteq hookrightarrow "
    "uparrow downarrow nparallel nsim lll ggg".split()
)
BINARY = frozenset(
    "cdot times odot otimes oplus circ pm mp cup cap setminus smallsetminus land lor wedge vee star ast div "
    "bullet ominus oslash sqcup sqcap uplus diamond".split()
)
OPENING = frozenset("langle lfloor lceil lbrace { lvert lVert lbrack".split())
CLOSING = frozenset("rangle rfloor rceil rbrace } rvert rVert rbrack".split())

# big operators: their limits go above and below in a display, except the integrals' (beside)
BIG_OPERATORS = {
    "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
    "bigcup": "⋃", "bigcap": "⋂", "bigoplus": "⨁", "bigotimes": "⨂", "bigodot": "⨀", "bigvee": "⋁",
    "bigwedge": "⋀", "bigsqcup": "⨆", "biguplus": "⨄",
}
INTEGRALS = frozenset({"int", "iint", "iiint", "oint"})
# named operators whose subscript goes underneath in a display (\lim_{n\to\infty}, \max_D)
LIMIT_OPERATORS = frozenset("lim liminf limsup max min sup inf argmax argmin det gcd Pr".split())

# a delimiter grown to several rows: (top, extension, bottom, middle or None)
TALL_DELIMITERS = {
    "(": ("⎛", "⎜", "⎝", None), ")": ("⎞", "⎟", "⎠", None),
    "[": ("⎡", "⎢", "⎣", None), "]": ("⎤", "⎥", "⎦", None),
    "{": ("⎧", "⎪", "⎩", "⎨"), "}": ("⎫", "⎪", "⎭", "⎬"),
    "⌊": ("⎢", "⎢", "⎣", None), "⌋": ("⎥", "⎥", "⎦", None),
    "⌈": ("⎡", "⎢", "⎢", None), "⌉": ("⎤", "⎥", "⎥", None),
    "|": ("│", "│", "│", None), "‖": ("‖", "‖", "‖", None), "∣": ("│", "│", "│", None),
    "⟨": ("╱", "│", "╲", "⟨"), "⟩": ("╲", "│", "╱", "⟩"),
    "/": ("╱", "╱", "╱", None), "\\": ("╲", "╲", "╲", None),
}
# accents over a base wider than one character: the mark drawn on the row above
WIDE_ACCENTS = {
    "bar": "_", "overline": "_", "hat": "^", "widehat": "^", "tilde": "~", "widetilde": "~", "dot": "˙",
    "ddot": "¨", "vec": "→", "overrightarrow": "→", "overleftarrow": "←", "check": "ˇ", "breve": "˘",
    "acute": "´", "grave": "`",
}
