"""Character-level clean-up (steps 1-3 and 5 of the pipeline in ``bot.normalize``).

NFKC, reversed right-to-left override runs, invisible and format characters, stray
combining marks, and Latin look-alikes from other scripts. Each step reports how many
characters it changed, because those edits are what ``evasion`` measures.
"""

from __future__ import annotations

import re
import unicodedata

_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# Emoji code points (approximate, but covers what ZWJ/VS16 sequences are built from).
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
# Zero-width, format, bidi, filler and C0/C1 control characters (not \t\n\r\v\f\x85, which
# are whitespace). U+034F (combining grapheme joiner) is invisible too.
_INVISIBLE = (
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e001f"
    "\U000e0080-\U000e0fff"
)
_INVISIBLE_RE = re.compile(
    f"[{_INVISIBLE}]"
    # Variation selectors belong to emoji (or keycaps like 1\ufe0f\u20e3), nowhere else.
    f"|(?<![{_EMOJI}])[\ufe00-\ufe0f](?!\u20e3)"
    # ZWJ glues emoji sequences (family, flame heart); inside words it is evasion.
    f"|(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])"
    # Tag characters only survive inside subdivision flags.
    "|(?<![\U0001f3f4\U000e0020-\U000e007f])[\U000e0020-\U000e007f]"
)
# Cheap pre-checks: one character class scans far faster than the lookbehind alternation.
_INVISIBLE_HINT_RE = re.compile(
    f"[{_INVISIBLE}\ufe00-\ufe0f\u200d\U000e0020-\U000e007f]"
)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# An RLO run displays reversed: undo that so models read what humans see.
_RLO_RE = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069\n]*)(?:\u202c|$)", re.MULTILINE)

# Generic combining blocks (accents, zalgo, overlays). U+20E3 (keycap) is emoji, not zalgo.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20e2\u20e4-\u20ff"
    "\ufe20-\ufe2f"
)
_MARKS_RE = re.compile(f"[{_MARKS}]")

# Compatibility forms NFKC turns into ASCII letters/digits ("fancy text" generators).
_COMPAT_RE = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\U0001d400-\U0001d7ff\u2460-\u24ff"
    "\U0001f130-\U0001f149\u1d2c-\u1d6a\u2070-\u209c]"
)

# Latin-script look-alikes with no legitimate use in running text: always folded.
_ALWAYS = {
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ꞯ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y",
    "ᴢ": "z", "ɑ": "a", "ɡ": "g", "ƒ": "f", "ɩ": "i", "ȷ": "j",
}
# Other-script look-alikes: folded only where they are evidently standing in for Latin.
_LOOKALIKE = {
    # Cyrillic
    "а": "a", "в": "b", "г": "r", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s",
    "і": "i", "ј": "j", "ԁ": "d", "ԍ": "g", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I", "Ү": "Y",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
    "ϲ": "c", "ϳ": "j", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q",
    # Cherokee capitals
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ꮐ": "G", "Ꮋ": "H", "Ꭻ": "J",
    "Ꮶ": "K", "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V", "Ꮃ": "W",
    "Ꮓ": "Z",
}
_ALWAYS_TABLE = str.maketrans(_ALWAYS)
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKE)
# For hashing, every look-alike folds (after casefold, so lowercase targets suffice).
FOLD_TABLE = str.maketrans(
    {**{k: v.lower() for k, v in _LOOKALIKE.items()}, "\u2800": " "}
)
_ALWAYS_RE = re.compile("[" + "".join(_ALWAYS) + "]")
_LOOKALIKE_CLASS = "".join(_LOOKALIKE)
_LOOKALIKE_RE = re.compile(f"[{_LOOKALIKE_CLASS}]")
# A word (at a word start, so the scan stays linear) containing a look-alike.
_LOOKALIKE_WORD_RE = re.compile(rf"(?<!\w)\w*?[{_LOOKALIKE_CLASS}]\w*")
_LATIN_RE = re.compile("[A-Za-z]")


def _foreign_letters() -> str:
    """Letters of the look-alike scripts that have no Latin twin: proof of genuine text."""
    spans = ((0x370, 0x3FF), (0x400, 0x52F), (0x531, 0x58F), (0x13A0, 0x13FF))
    chars = (
        chr(cp)
        for lo, hi in spans
        for cp in range(lo, hi + 1)
        if unicodedata.category(chr(cp)).startswith("L") and chr(cp) not in _LOOKALIKE
    )
    return "".join(re.escape(c) for c in chars)


_FOREIGN_RE = re.compile(f"[{_foreign_letters()}]")


def replace_surrogates(text: str) -> str:
    """Lone surrogates become U+FFFD: they cannot be encoded, and the placeholder for
    protected tokens (``bot.normalize.tokens``) is one, so it can never collide."""
    return _SURROGATE_RE.sub("\ufffd", text)


def differing(a: str, b: str) -> int:
    """Positions where two equally long strings differ (a fold changed that character)."""
    return sum(x != y for x, y in zip(a, b, strict=True))


def clean(raw: str) -> tuple[str, int]:
    """Steps 1-3: NFKC, RLO runs reversed, invisible characters dropped, stray marks
    stripped, whitespace collapsed. Returns the text and how many characters were evasion."""
    edits = 0
    s = raw
    if not s.isascii():
        s = replace_surrogates(s)
        edits += len(_COMPAT_RE.findall(s))
        s = unicodedata.normalize("NFKC", s)
        if "\u202e" in s:
            edits += sum(map(len, _RLO_RE.findall(s)))  # every reversed character was hidden
            s = _RLO_RE.sub(lambda m: m.group(1)[::-1], s)
    removed = 0
    if _CONTROL_RE.search(s) if s.isascii() else _INVISIBLE_HINT_RE.search(s):
        s, removed = _INVISIBLE_RE.subn("", s)
        edits += removed
    if not s.isascii():
        s = s.replace("\u2800", " ")  # braille blank: an invisible "space"
        if removed:
            s = unicodedata.normalize("NFC", s)  # a stripped ZWSP may have split base+accent
        # Marks still loose after NFKC composed every accent it could are zalgo/overlays.
        edits += len(_MARKS_RE.findall(s))
        decomposed = unicodedata.normalize("NFD", s)
        stripped = _MARKS_RE.sub("", decomposed)
        if stripped != decomposed:
            s = unicodedata.normalize("NFC", stripped)
    return " ".join(s.split()), edits


def fold_lookalikes(work: str) -> tuple[str, int]:
    """Step 5: small caps and IPA always; other-script look-alikes only in words that mix
    them with Latin, or where the message has no genuinely foreign letters."""
    if work.isascii():
        return work, 0
    before = work
    if _ALWAYS_RE.search(work):
        work = work.translate(_ALWAYS_TABLE)
    if _LOOKALIKE_RE.search(work):
        foreign = _FOREIGN_RE.search(work) is not None

        def fold_word(match: re.Match[str]) -> str:
            word = match.group()
            if foreign and not _LATIN_RE.search(word):
                return word  # a genuine Cyrillic/Greek word in genuine Cyrillic/Greek text
            return word.translate(_LOOKALIKE_TABLE)

        work = _LOOKALIKE_WORD_RE.sub(fold_word, work)
    return work, differing(before, work) if work != before else 0
