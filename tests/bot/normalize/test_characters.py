"""Character-level clean-up (``bot.normalize.characters``): look-alike letters, invisible
and bidi characters, zalgo and diacritics, compatibility forms, whitespace.
"""

from __future__ import annotations

import pytest

from bot.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("іdіоt", "idiot"),  # Cyrillic і/о around Latin d/t
        ("you are an іdіоt", "you are an idiot"),
        ("you ѕсаm", "you scam"),  # an all-Cyrillic look-alike word in English text
        ("ΙDΙΟΤ", "IDIOT"),  # Greek capitals mixed with Latin
        ("Ηello wοrld", "Hello world"),
        ("ɪᴅɪᴏᴛ", "idiot"),  # small caps
        ("ԁumb", "dumb"),
        ("օk", "ok"),  # Armenian
    ],
)
def test_homoglyphs_fold_to_latin(raw: str, text: str) -> None:
    assert normalize(raw).text == text



@pytest.mark.parametrize(
    "raw",
    ["привет мир, как дела?", "Καλημερα κοσμε", "орех и сок"],  # "орех": all look-alikes
)
def test_genuine_cyrillic_and_greek_are_left_alone(raw: str) -> None:
    result = normalize(raw)
    assert result.text == raw
    assert result.evasion == 0.0


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("f\u200bu\u200bc\u200bk", "fuck"),
        ("i\u2060d\ufeffi\u00ado\u200ct", "idiot"),
        ("he\u034fllo th\u180eere", "hello there"),
        ("a\x00b\x1bc", "abc"),  # control characters
        ("id\u200diot", "idiot"),  # ZWJ between letters is not an emoji joiner
        ("\u3164", ""),  # Hangul filler used for "blank" messages
    ],
)
def test_invisible_characters_are_removed(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("\u202aidiot\u202c", "idiot"),
        ("\u2066you\u2069 \u200fidiot\u200e", "you idiot"),
        ("\u202ekcuf", "fuck"),  # right-to-left override: displayed reversed
        ("you \u202etoidi\u202c now", "you idiot now"),
    ],
)
def test_bidi_controls_removed_and_overrides_undone(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Z̴̢̛a̸l̵g̷o̶", "Zalgo"),
        ("i̷̢̛̺̪̓d̵̨̝̈́i̶̱̅o̸̖̎t̴̰̔", "idiot"),
        ("h̶e̶l̶l̶o̶", "hello"),  # strike-through "font"
        ("é\u0301\u0302\u0303\u0304", "e"),  # a legitimate accent buried in a zalgo stack
        # Diacritics are dropped on purpose (English models; undoes "fück").
        ("café", "cafe"),
        ("naïve", "naive"),
        ("cafe\u0301", "cafe"),  # decomposed input folds the same way
        ("Tiếng Việt", "Tieng Viet"),
        ("fück shït", "fuck shit"),
        # Scripts whose vowels are combining marks keep them.
        ("हिंदी", "हिंदी"),
        ("สวัสดี", "สวัสดี"),
    ],
)
def test_zalgo_and_diacritics(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("ｉｄｉｏｔ", "idiot"),
        ("ＦＵＣＫ ｏｆｆ", "FUCK off"),
        ("𝐢𝐝𝐢𝐨𝐭", "idiot"),
        ("𝓲𝓭𝓲𝓸𝓽", "idiot"),
        ("ⓘⓓⓘⓞⓣ", "idiot"),
        ("ﬁne", "fine"),
    ],
)
def test_compatibility_forms(raw: str, text: str) -> None:
    assert normalize(raw).text == text


def test_whitespace_collapsed() -> None:
    assert normalize("  hello\n\n\tworld\u00a0 again\u3000 ").text == "hello world again"
