"""Text normalisation applied before every message is scored and hashed.

The toxicity/spam models are English-trained (MiniLM, uncased WordPiece) and the campaign
detector hashes near-duplicates, so both want the *meaning* of a message with obfuscation
undone: look-alike letters, leetspeak, spelled-out words, invisible characters and zalgo.
Everything here is stdlib-only, precompiled and total: ``normalize`` never raises on a str.

Pipeline (order matters, each step explains why it sits where it does):

1. NFKC: folds fullwidth, mathematical alphanumerics, ligatures, circled letters.
2. Right-to-left override runs are reversed (``\\u202ekcuf`` *displays* as a slur), then
   invisible/format characters and bidi controls are dropped, keeping the joiners and
   variation selectors that emoji sequences need.
3. Diacritics: every mark from the generic combining blocks is removed after NFD (see
   ``_MARKS``). Legitimate accents leave a readable word (café -> cafe, naïve -> naive), zalgo
   stacks and strike-through "fonts" vanish, and accent evasion (fück) is undone. Marks of
   scripts whose vowels are combining marks (Devanagari, Thai, Hebrew, Arabic) live in
   their own blocks and are untouched.
4. URLs, e-mails, mentions, custom emoji and Discord markup become opaque placeholders so no
   later step rewrites them (``b1t.ly/x`` stays a URL).
5. Homoglyphs: small caps/IPA always; Cyrillic/Greek/Armenian/Cherokee look-alikes only in
   words that mix them with Latin, or in messages with no genuine foreign-script letters
   (so Russian or Greek text is left alone).
6. Markdown split inside a word (``f**u**ck``), spelled-out words (``f.u.c.k``), then
   leetspeak inside mixed words (``1d10t``), never in numbers (``2024``, ``10:30``, ``$20``).
7. Letter runs of 3+ are squashed to 2 (no English word has a triple letter, and 2 keeps
   "good"/"cool" intact, while "stuupid" still tokenises close to "stupid"). ``folded``
   inherits this, so "freeeee" and "freee" hash alike.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["NormalizedText", "normalize"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A message and the views of it that scoring and campaign detection use."""

    #: The message as sent.
    raw: str
    #: Normalised text for the models (case preserved where it was plain).
    text: str
    #: Lowercase skeleton for near-duplicate hashing: punctuation and whitespace collapsed,
    #: letter runs squashed to two, URLs/mentions/emoji kept as tokens.
    folded: str
    #: URLs found in the message (after NFKC and invisible-character removal), in order.
    urls: tuple[str, ...]
    #: Lowercased host of each URL (parallel to ``urls``), ``www.`` stripped.
    domains: tuple[str, ...]
    #: Discord invite codes, as written.
    invites: tuple[str, ...]
    #: ``<@id>``, ``<@!id>``, ``<@&id>``, ``<#id>``, ``@everyone`` and ``@here``, as written.
    mentions: tuple[str, ...]
    #: Share in [0, 1] of the word characters that obfuscation folding changed.
    evasion: float


# --- characters -------------------------------------------------------------------------

# Lone surrogates are replaced with U+FFFD on entry, so one can never occur in the working
# string: that makes it a collision-free placeholder for protected tokens.
_PLACEHOLDER = "\ud800"
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
_FOLD_TABLE = str.maketrans(
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

# --- protected tokens -------------------------------------------------------------------

_TLDS = (
    "com|net|org|gg|ly|io|co|me|tv|cc|ru|uk|de|fr|nl|eu|ca|au|jp|cn|br|pl|info|biz|xyz|app|"
    "dev|site|online|store|shop|link|live|top|club|click|fun|pw|su|ws|tk|ml|ga|cf|gq|gift|"
    "gifts|icu|vip|win|buzz|lol|pro|ai|gl|gd|us|edu|gov"
)
_LABEL = r"[^\W_][\w\-]*"
_DISCORD_TOKENS = (
    r"(?P<emoji><a?:\w{1,32}:\d{1,21}>)"
    r"|(?P<mention><(?:@[!&]?|\#)\d{1,21}>|(?<![\w@])@(?:everyone|here)(?!\w))"
    r"|(?P<markup></[\w\- ]{1,64}:\d{1,21}>|<t:-?\d{1,16}(?::[tTdDfFR])?>)"
)
_SCHEME_URL = r"(?P<url>(?i:(?:https?|ftp)://|(?<![\w.\-])www\.)[^\s<>]+)"
_EMAIL = r"(?P<email>(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"
_ANY_URL = (
    r"(?P<url>(?i:(?:https?|ftp)://|(?<![\w.\-])www\.)[^\s<>]+"
    # Bare hosts: a known TLD, or any alphabetic TLD followed by a path.
    rf"|(?<![\w@.\-])(?:{_LABEL}\.)+(?:(?i:{_TLDS})(?![\w\-])|[A-Za-z]{{2,24}}(?=/))"
    r"(?:[/?#][^\s<>]*)?)"
)
# Bare hosts and e-mails start at an ordinary word, so scanning for them costs a pass over
# every word; the lite pattern (Discord markup and scheme/www URLs) is used when no ".tld"
# or "@" hints that they could be present.
_PROTECTED_RE = re.compile(f"{_DISCORD_TOKENS}|{_EMAIL}|{_ANY_URL}")
_PROTECTED_LITE_RE = re.compile(f"{_DISCORD_TOKENS}|{_SCHEME_URL}")
_BARE_HOST_HINT_RE = re.compile(rf"\.(?:(?i:{_TLDS})(?![\w\-])|[A-Za-z]{{2,24}}/)")
# Sentence punctuation and markdown after a URL are not part of it.
_URL_TAIL = ".,;:!?'\"*_~|`"
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_AUTHORITY_END_RE = re.compile(r"[/?#\\]")
_INVITE_RE = re.compile(
    r"^(?:[a-z]+://)?(?:www\.|ptb\.|canary\.)?"
    r"(?:discord(?:app)?\.com/invite|discord\.gg(?:/invite)?)/([A-Za-z0-9\-]{2,32})",
    re.IGNORECASE,
)

# --- folding ----------------------------------------------------------------------------

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
_WORD_RE = re.compile(r"[^\W_]+")


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


# --- steps ------------------------------------------------------------------------------


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


def _host(url: str) -> str:
    rest = _SCHEME_RE.sub("", url, count=1)
    authority = _AUTHORITY_END_RE.split(rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]  # "https://discord.com@evil.example/" goes to evil
    host = host[:host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    host = host.rstrip(".").lower()
    return host.removeprefix("www.")


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing bracket) off a URL."""
    end = len(url)
    while end:
        ch = url[end - 1]
        if ch in _URL_TAIL or (ch == ")" and url.count("(", 0, end) < url.count(")", 0, end)):
            end -= 1
        else:
            break
    return url[:end], url[end:]


def _differing(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def _fold_segment(part: str) -> str:
    # Apostrophes join ("don't" == "dont"); other punctuation splits words.
    if part.isascii():
        return _FOLD_PUNCT_ASCII_RE.sub(" ", part.lower().replace("'", "").replace("`", ""))
    part = _APOSTROPHE_RE.sub("", part.casefold().translate(_FOLD_TABLE))
    return _FOLD_PUNCT_RE.sub(" ", part)


def _normalize(raw: str) -> NormalizedText:
    edits = 0
    s = raw
    if not s.isascii():
        s = _SURROGATE_RE.sub("\ufffd", s)
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
    s = " ".join(s.split())

    urls: list[str] = []
    mentions: list[str] = []
    tokens: list[tuple[str, str]] = []

    def protect(match: re.Match[str]) -> str:
        kind = match.lastgroup or ""
        token, tail = match.group(), ""
        if kind == "url":
            token, tail = _trim_url(token)
            urls.append(token)
        elif kind == "mention":
            mentions.append(token)
        tokens.append((kind, token))
        return _PLACEHOLDER + tail

    if "@" in s or _BARE_HOST_HINT_RE.search(s):
        work = _PROTECTED_RE.sub(protect, s)
    elif "<" in s or "://" in s or "www." in s.lower():
        work = _PROTECTED_LITE_RE.sub(protect, s)
    else:
        work = s

    if not work.isascii():
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
        if work != before:
            edits += _differing(before, work)

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
            edits += _differing(before, work)
    if _TRIPLE_RE.search(work):
        work = _SQUASH_RE.sub(r"\1\1", work)
    work = _SHORTHAND_RE.sub(_expand_shorthand, work)

    if tokens:
        parts = work.split(_PLACEHOLDER)
        text_pieces = [parts[0]]
        fold_pieces = [_fold_segment(parts[0])]
        for (kind, token), part in zip(tokens, parts[1:], strict=True):
            text_pieces += (token, part)
            folded_token = token.lower()
            if kind == "mention":
                folded_token = folded_token.replace("<@!", "<@")  # same user either way
            fold_pieces += (f" {folded_token} ", _fold_segment(part))
        text = "".join(text_pieces)
        folded = " ".join("".join(fold_pieces).split())
        prose = "".join(parts)
    else:
        text = prose = work
        folded = " ".join(_fold_segment(work).split())

    evasion = 0.0
    if edits:
        words = sum(map(len, _WORD_RE.findall(prose)))
        evasion = min(1.0, edits / max(words, 1))

    if not urls:
        return NormalizedText(raw, text, folded, (), (), (), tuple(mentions), evasion)
    domains = tuple(_host(u) for u in urls)
    invites = tuple(m.group(1) for u in urls if (m := _INVITE_RE.match(u)))
    return NormalizedText(
        raw, text, folded, tuple(urls), domains, invites, tuple(mentions), evasion
    )


def normalize(raw: str) -> NormalizedText:
    """Normalise one message for scoring and near-duplicate hashing. Never raises on a str."""
    try:
        return _normalize(raw)
    except Exception:  # a moderation pipeline must not drop a message over normalisation
        log.exception("normalize failed; falling back to whitespace-collapsed text")
        safe = _SURROGATE_RE.sub("\ufffd", raw) if isinstance(raw, str) else str(raw)
        text = " ".join(safe.split())
        return NormalizedText(
            raw=raw, text=text, folded=text.casefold(), urls=(), domains=(), invites=(),
            mentions=(), evasion=0.0,
        )
