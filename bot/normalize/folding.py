"""Undoing word-level obfuscation (steps 6-7 of the pipeline in ``bot.normalize``), and
the lowercase skeleton ``folded`` is built from.

Spelled-out words, markdown inside a word, leetspeak in mixed words (never in numbers),
letter runs squashed to two, chat shorthand spelled out.
"""

from __future__ import annotations

import re
import unicodedata

from bot.normalize.characters import FOLD_TABLE, differing

# Markdown emphasis around part of a word (f**u**ck renders as one word).
_MARKDOWN_RE = re.compile(r"(?<=[^\W\d_])(\*\*\*|\*\*|\*|__|~~|\|\|)([^\W\d_]+?)\1(?=[^\W\d_])")

# Spelled-out words: 3+ single characters joined by one repeated separator. '|' is a
# separator here, not a leet letter. Linear: a failed greedy run backtracks one step.
_SEP_ELEM = r"[A-Za-z0-9@$!]"
_SEP_RE = re.compile(
    rf"(?<![^\W_]){_SEP_ELEM}(?P<sep> ?[.\-*~+/\\:|] ?| |_)(?:{_SEP_ELEM}(?P=sep))+{_SEP_ELEM}"
    r"(?![^\W_])"
)

# Necessary for any run of 3+: a lone element between two separators. Much cheaper to scan.
_SEP_HINT_RE = re.compile(r"[ .\-*~+/\\:|_][A-Za-z0-9@$!][ .\-*~+/\\:|_]")

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g",
         "@": "a", "$": "s", "!": "i", "|": "l"}
_LEET_CLASS = r"A-Za-z0-9@$!|"
# A token holding both a letter and a leet character (lookaheads run once per token start).
_LEET_TOKEN_RE = re.compile(
    rf"(?<![{_LEET_CLASS}])(?=[{_LEET_CLASS}]*[A-Za-z])(?=[{_LEET_CLASS}]*[0-9@$!|])"
    rf"[{_LEET_CLASS}]+"
)
_LEET_HINT_RE = re.compile(r"[0-9@$!|]")
_LONG_DIGITS_RE = re.compile(r"\d{3}")
_HEX_RE = re.compile(r"0x[0-9a-f]+|(?=(?:[a-f]*\d){2})[0-9a-f]{7,}", re.IGNORECASE)
_AT_START_RE = re.compile(r"@([b-df-hj-np-tv-z])\1", re.IGNORECASE)
_DOLLAR_START_RE = re.compile(r"\$(?=[A-Za-z]{2,}$)(?![A-Z]+$)")
# Numeronyms are words, not leet.
_NUMERONYMS = frozenset({"i18n", "l10n", "a11y", "o11y", "g11n", "m17n", "p13n", "c14n", "s11n"})

_TRIPLE_RE = re.compile(r"(.)\1\1", re.DOTALL)  # cheap pre-check for the squash below

#: Chat shorthand the English-trained models read poorly ("kys" is "kill yourself").
#: Spelled out in ``text``; not evasion, so it does not count toward ``evasion``.
_SHORTHAND = {
    "u": "you", "ur": "your", "ya": "you", "kys": "kill yourself", "stfu": "shut the fuck up",
    "gtfo": "get the fuck out", "wtf": "what the fuck", "ffs": "for fuck's sake",
    "ppl": "people", "bc": "because", "idc": "I don't care", "idk": "I don't know",
    "nvm": "never mind", "smh": "shaking my head", "tbh": "to be honest", "pls": "please",
    "plz": "please", "thx": "thanks", "ty": "thank you",
}
_SHORTHAND_RE = re.compile(r"(?<![\w'@#:<])(?i:" + "|".join(_SHORTHAND) + r")(?![\w'@:>])")
_SQUASH_RE = re.compile(r"([^\W\d_])\1{2,}")
_APOSTROPHE_RE = re.compile("['\u2018\u2019\u02bc`\u00b4]")


def _punctuation_class() -> str:
    """Punctuation, separators, ASCII symbols and '_' (BMP): all become a space in ``folded``."""
    chars = [
        chr(cp)
        for cp in range(0x10000)
        if not 0xD800 <= cp <= 0xDFFF
        and (
            unicodedata.category(chr(cp))[0] in "PZ"
            or (cp < 0x80 and not chr(cp).isalnum())
        )
    ]
    return "".join(re.escape(c) for c in chars)


_FOLD_PUNCT_RE = re.compile(f"[{_punctuation_class()}]+")
_FOLD_PUNCT_ASCII_RE = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def _fold_leet_token(match: re.Match[str]) -> str:
    token = match.group()
    if token.lower() in _NUMERONYMS or _LONG_DIGITS_RE.search(token) or _HEX_RE.fullmatch(token):
        return token
    letters = [i for i, ch in enumerate(token) if ch.isascii() and ch.isalpha()]
    first, last = letters[0], letters[-1]
    inner = any(ch in _LEET for ch in token[first + 1 : last])
    lead = token[:first]
    if not inner:
        # Prefix-only cases that are common insults, not numbers: "@ss", "$hit".
        if _AT_START_RE.match(token) or _DOLLAR_START_RE.match(token):
            return _LEET[token[0]] + token[1:]
        return token
    upper = token[first : last + 1].isupper()
    out = []
    for i, ch in enumerate(token):
        sub = _LEET.get(ch)
        if sub is None:
            out.append(ch)
            continue
        outer = i < first or i > last
        # '!' and '|' outside the letters are punctuation; outer digit runs of 2+ are numbers.
        if outer and (
            ch in "!|"
            or (ch == "@" and i > last)
            or (ch.isdigit() and len(lead if i < first else token[last + 1 :]) > 1)
        ):
            out.append(ch)
            continue
        out.append(sub.upper() if upper else sub)
    return "".join(out)


def _expand_shorthand(match: re.Match[str]) -> str:
    word = match.group()
    if word.islower():
        return _SHORTHAND[word]
    if word.isupper() and len(word) > 1:  # "STFU"; but not "U" the letter or "Ur" the city
        return _SHORTHAND[word.lower()].upper()
    return word


def _join_separated(match: re.Match[str]) -> tuple[str, int]:
    """Join a spelled-out word; also return how many removed separators count as evasion."""
    whole = match.group()
    sep = match.group("sep")
    elems = whole.split(sep)
    letters = sum(ch.isalpha() for ch in elems)
    # Plain spaces need 4 elements so chat-speak ("u r a ...") keeps its words; digits and
    # symbols may only stand in for a minority of the letters ("s.h.1.t", not "1 x 2 x 3").
    if letters < 2 or letters * 2 < len(elems) or (sep in (" ", "_") and len(elems) < 4):
        return whole, 0
    joined = "".join(elems)
    # Dotted capitals (U.S.A.) are ordinary writing: join them, but they are not evasion.
    counted = 0 if sep.strip() == "." and joined.isupper() else len(whole) - len(joined)
    return joined, counted


def fold_obfuscation(work: str) -> tuple[str, int]:
    """Steps 6-7 on text whose protected tokens are placeholders; returns the text and how
    many characters were evasion (shorthand is not evasion)."""
    edits = 0
    # Separators first: markdown stripping would eat the middle of f*u*c*k.
    if _SEP_HINT_RE.search(work) and _SEP_RE.search(work):

        def join_separated(match: re.Match[str]) -> str:
            nonlocal edits
            joined, counted = _join_separated(match)
            edits += counted
            return joined

        work = _SEP_RE.sub(join_separated, work)
    if "*" in work or "~" in work or "|" in work or "__" in work:
        before = work
        work = _MARKDOWN_RE.sub(r"\2", work)
        edits += len(before) - len(work)
    if _LEET_HINT_RE.search(work):
        before = work
        work = _LEET_TOKEN_RE.sub(_fold_leet_token, work)
        if work != before:
            edits += differing(before, work)
    if _TRIPLE_RE.search(work):
        work = _SQUASH_RE.sub(r"\1\1", work)
    work = _SHORTHAND_RE.sub(_expand_shorthand, work)
    return work, edits


def fold_segment(part: str) -> str:
    """One stretch between protected tokens, as it goes into ``folded``."""
    # Apostrophes join ("don't" == "dont"); other punctuation splits words.
    if part.isascii():
        return _FOLD_PUNCT_ASCII_RE.sub(" ", part.lower().replace("'", "").replace("`", ""))
    part = _APOSTROPHE_RE.sub("", part.casefold().translate(FOLD_TABLE))
    return _FOLD_PUNCT_RE.sub(" ", part)
