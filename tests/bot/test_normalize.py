"""Behaviour of the pre-scoring normaliser: each table states what the models must see."""

from __future__ import annotations

import dataclasses
import logging
import random
import time

import pytest

from bot.normalize import NormalizedText, normalize

# --- obfuscation folding ----------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("1d10t", "idiot"),
        ("sh1t", "shit"),
        ("b!tch", "bitch"),
        ("b!tch!", "bitch!"),  # trailing '!' is punctuation
        ("f4ggot", "faggot"),
        ("wh0r3", "whore"),
        ("a$$h0le", "asshole"),
        ("@ss", "ass"),
        ("$hit", "shit"),
        ("h3ll0 th3r3", "hello there"),
        ("k1ll y0urs3lf", "kill yourself"),
        ("SH1T", "SHIT"),
        ("st|ck", "stlck"),
    ],
)
def test_leetspeak_inside_words(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    "raw",
    [
        "I have 3 cats",
        "2024",
        "meet at 10:30",
        "it costs $20 or 5$",
        "$AAPL is up",
        "A$50",
        "3.14 and 1,000,000 and 10/10",
        "v1.2.3",
        "1-2-3",
        "meet at 5pm on the 1st, 2nd or 3rd",
        "win10 mp3 4k ps5 h264 covid19 gr8",
        "4ever",
        "i18n and l10n",
        "1v1 me",
        "commit a1b2c3d4e5 and 0xff",
        "!ban @bob",
        "hi!!! wow!",
        "I am a cat",
        "R is a language",
        "e.g. this, i.e. that, at 9 a.m.",
        "good food, cool moon",
    ],
)
def test_plain_text_and_numbers_untouched(raw: str) -> None:
    result = normalize(raw)
    assert result.text == raw
    assert result.evasion == 0.0


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("f.u.c.k", "fuck"),
        ("f u c k you", "fuck you"),
        ("f-u-c-k", "fuck"),
        ("f_u_c_k", "fuck"),
        ("f*u*c*k", "fuck"),
        ("f . u . c . k", "fuck"),
        ("k.y.s", "kill yourself"),
        ("s.h.1.t", "shit"),  # joined, then leet-folded
        ("U.S.A. is great", "USA. is great"),
        ("f**u**ck", "fuck"),  # markdown bold inside a word
        ("f||u||ck", "fuck"),  # spoiler inside a word
    ],
)
def test_separated_letters_are_joined(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("stuuuupid", "stuupid"),
        ("goooood", "good"),
        ("good", "good"),
        ("SOOOOO", "SOO"),
        ("1000000", "1000000"),  # digits are never squashed
        ("!!!!!", "!!!!!"),
    ],
)
def test_letter_runs_squashed_to_two(raw: str, text: str) -> None:
    assert normalize(raw).text == text


def test_whitespace_collapsed() -> None:
    assert normalize("  hello\n\n\tworld\u00a0 again\u3000 ").text == "hello world again"


# --- protected tokens and extraction -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "urls", "domains"),
    [
        ("see https://example.com/a?b=1#c", ("https://example.com/a?b=1#c",), ("example.com",)),
        ("go to b1t.ly/x now", ("b1t.ly/x",), ("b1t.ly",)),
        ("visit WWW.Example.COM.", ("WWW.Example.COM",), ("example.com",)),
        ("<https://example.com/x>", ("https://example.com/x",), ("example.com",)),
        ("(see https://en.wikipedia.org/wiki/A_(b))", ("https://en.wikipedia.org/wiki/A_(b)",),
         ("en.wikipedia.org",)),
        ("https://discord.com@evil.example/x", ("https://discord.com@evil.example/x",),
         ("evil.example",)),
        ("http://Host.Example.com:8080/p", ("http://Host.Example.com:8080/p",),
         ("host.example.com",)),
        ("x.com and t.co/abc", ("x.com", "t.co/abc"), ("x.com", "t.co")),
        ("disc\u200bord.gg/abc", ("discord.gg/abc",), ("discord.gg",)),  # ZW split link
        ("ｈｔｔｐｓ://ｅｘａｍｐｌｅ.ｃｏｍ", ("https://example.com",), ("example.com",)),
        ("dіscord.gg/nitro", ("dіscord.gg/nitro",), ("dіscord.gg",)),  # IDN host kept as is
        ("config.py e.g. node.js U.S.A. mail bob@gmail.com", (), ()),
    ],
)
def test_urls_and_domains(raw: str, urls: tuple[str, ...], domains: tuple[str, ...]) -> None:
    result = normalize(raw)
    assert result.urls == urls
    assert result.domains == domains


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("go to b1t.ly/x", "go to b1t.ly/x"),  # no leet folding inside a URL
        ("https://b1t.ly/SH1T", "https://b1t.ly/SH1T"),
        ("1d10t https://x.io/1d10t", "idiot https://x.io/1d10t"),
        ("<@!123> <@&456> <#789> @everyone", "<@!123> <@&456> <#789> @everyone"),
        ("nice <:pepe1:1234567890> <a:w4v3:987>", "nice <:pepe1:1234567890> <a:w4v3:987>"),
        ("<t:1700000000:R> </b4n:123>", "<t:1700000000:R> </b4n:123>"),
        ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),  # ZWJ sequences keep ZWJ
        ("love ❤\ufe0f\u200d🔥", "love ❤\ufe0f\u200d🔥"),
        ("keycap 1\ufe0f\u20e3 flag 🇬🇧 thumbs 👍🏽", "keycap 1\ufe0f\u20e3 flag 🇬🇧 thumbs 👍🏽"),
        ("😂😂😂😂", "😂😂😂😂"),
        ("write to b0b@example.com", "write to b0b@example.com"),
    ],
)
def test_tokens_preserved_in_text(raw: str, text: str) -> None:
    assert normalize(raw).text == text


@pytest.mark.parametrize(
    ("raw", "mentions"),
    [
        ("hey <@123> and <@!456>", ("<@123>", "<@!456>")),
        ("<@&789> in <#1011>", ("<@&789>", "<#1011>")),
        ("@everyone @here", ("@everyone", "@here")),
        ("mail@everyone.com @hereford @bob", ()),
        ("<@abc> <#> <@ 1>", ()),
    ],
)
def test_mentions(raw: str, mentions: tuple[str, ...]) -> None:
    assert normalize(raw).mentions == mentions


@pytest.mark.parametrize(
    ("raw", "invites"),
    [
        ("join discord.gg/AbC123!", ("AbC123",)),
        ("https://discord.gg/invite/xyz", ("xyz",)),
        ("https://discord.com/invite/Cool-Server", ("Cool-Server",)),
        ("discordapp.com/invite/q1w2 and DISCORD.GG/Z9", ("q1w2", "Z9")),
        ("https://ptb.discord.com/invite/abc", ("abc",)),
        ("https://discord.com/channels/1/2 and discord.gg", ()),
        ("https://evil.example/discord.gg/abc", ()),
    ],
)
def test_invites(raw: str, invites: tuple[str, ...]) -> None:
    assert normalize(raw).invites == invites


# --- evasion and folded ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "іdіоt",
        "1d10t",
        "f.u.c.k you",
        "f\u200bu\u200bc\u200bk",
        "i̷̢̛̺̪̓d̵̨̝̈́i̶̱̅o̸̖̎t̴̰̔",
        "ｉｄｉｏｔ",
        "ɪᴅɪᴏᴛ",
        "\u202ekcuf",
        "you are a f**u**cking sh1t",
    ],
)
def test_evasion_is_high_for_obfuscated_text(raw: str) -> None:
    # 0.2 is the default policy threshold for "obfuscated text".
    assert 0.2 <= normalize(raw).evasion <= 1.0


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "hello world",
        "You are an idiot",
        "café au lait, naïve",
        "U.S.A. and F.B.I.",
        "see https://example.com/1d10t <@123> 😂",
        "I have 3 cats at 10:30",
    ],
)
def test_evasion_is_zero_for_plain_text(raw: str) -> None:
    assert normalize(raw).evasion == 0.0


def test_evasion_grows_with_the_share_obfuscated() -> None:
    light = normalize("you are a complete and utter іdiot").evasion
    heavy = normalize("уоu аrе а соmрlеtе іdіоt").evasion
    assert 0.0 < light < heavy <= 1.0


@pytest.mark.parametrize(
    "variant",
    [
        "FREE NITRO!!! Claim it at discord.gg/abc",
        "free nitro claim it at discord.gg/abc",
        "Free   Nitro... claim it at discord.gg/abc",
        "f\u200bree nitro, CLAIM it at discord.gg/abc",
        "ｆｒｅｅ ｎｉｔｒｏ - claim it at discord.gg/abc",
        "frее nitrо: claim it at discord.gg/abc",  # Cyrillic е, о
        "freeee nitro claim it at disc\u200bord.gg/abc",
    ],
)
def test_folded_equal_for_spam_variants(variant: str) -> None:
    assert normalize(variant).folded == "free nitro claim it at discord.gg/abc"


def test_folded_keeps_urls_and_mentions_and_distinguishes_messages() -> None:
    result = normalize("Hey <@!123>, look: https://Example.com/A_b")
    assert result.folded == "hey <@123> look https://example.com/a_b"
    assert normalize("<@123> hi").folded == normalize("<@!123> hi!").folded
    assert normalize("free nitro").folded != normalize("free robux").folded


def test_text_keeps_case_where_plain() -> None:
    assert normalize("Hello World, this is Vigil").text == "Hello World, this is Vigil"


def test_result_is_frozen() -> None:
    result = normalize("hi")
    assert isinstance(result, NormalizedText)
    assert result.raw == "hi"
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


# --- totality ---------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    " " * 10000,
    "\ud800",
    "a\udfffb\ud800",
    "\x00" * 100,
    "\u202e" * 50,
    "\u200d" * 1000,
    "\ufe0f\u20e3",
    "\U000e0041\U000e007f",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "\u0301" * 5000,
    "a" + "\u0336" * 5000,
    "<@" * 1000,
    "<a:" + "x" * 5000 + ":1>",
    "http://" * 1000,
    "www." * 2000,
    "a." * 20000 + "yz",
    "a_" * 20000 + "yz",
    "a " * 20000,
    "a1!" * 10000,
    "@" * 10000,
    "$" * 10000,
    "a**b" * 10000,
    "x." * 20000 + "com",
    "а" + "b" * 50000,
    "\U0010ffff\uffff\ufffe",
    "\U0001d400" * 1000,
    "ǅ ß ﬃ İ ŉ ΐ",
    "\r\n\x85\u2028\u2029\x0b\x0c",
    "👨\u200d" * 500,
    "1" * 50000,
    "<@123>" * 2000,
    "discord.gg/" * 1000,
]


def _check_invariants(raw: str, result: NormalizedText) -> None:
    assert result.raw == raw
    assert 0.0 <= result.evasion <= 1.0
    for field in (result.text, result.folded, *result.urls, *result.domains, *result.mentions):
        field.encode("utf-8")  # no lone surrogates leak out
    assert result.text == result.text.strip()
    assert "  " not in result.text
    assert len(result.domains) == len(result.urls)


@pytest.mark.parametrize("raw", NASTY, ids=range(len(NASTY)))
def test_never_raises_on_nasty_input(raw: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.normalize"):
        started = time.perf_counter()
        result = normalize(raw)
        elapsed = time.perf_counter() - started
    assert not caplog.records  # the real path handled it, not the safety net
    _check_invariants(raw, result)
    assert elapsed < 2.0  # linear-time regexes: no catastrophic backtracking


def test_never_raises_on_random_mixtures(caplog: pytest.LogCaptureFixture) -> None:
    pool = [
        *"aAzZ019 .-_*|!@$<>:#/&\n\t\u200b\u200d\u202e\u202c\u0301\u0336\ufe0f\u20e3\u00ad",
        *"іоаΑοᴀ😂👍🏽\ud800\x00ｆ𝐢",
        *("<@123>", "https://", "discord.gg/", "www.", ".com", "<:e:1>", "@everyone"),
    ]
    rng = random.Random(20240601)
    with caplog.at_level(logging.ERROR, logger="bot.normalize"):
        for _ in range(3000):
            raw = "".join(rng.choices(pool, k=rng.randint(0, 40)))
            _check_invariants(raw, normalize(raw))
    assert not caplog.records


@pytest.mark.parametrize(
    "raw",
    [
        "you are an іdіоt",
        "1d10t and sh1t",
        "f.u.c.k you",
        "stuuuupid goood",
        "Z̴̢̛a̸l̵g̷o̶ café",
        "join discord.gg/AbC <@!1> 😂",
        "U.S.A. is great",
        "I have 3 cats at 10:30",
    ],
)
def test_text_is_a_fixed_point(raw: str) -> None:
    # Normalising twice changes nothing, so edits re-scored from ``text`` stay stable.
    once = normalize(raw).text
    assert normalize(once).text == once


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("ur such a stupid idiot lol", "your such a stupid idiot lol"),
        ("kys loser nobody likes u", "kill yourself loser nobody likes you"),
        ("STFU now", "SHUT THE FUCK UP now"),
        ("ty 4 the help", "thank you 4 the help"),
        ("I like Ur (the city)", "I like Ur (the city)"),
        ("Plan U is fine", "Plan U is fine"),
        ("email u@x.com", "email u@x.com"),
        ("see youtube.com/u/abc", "see youtube.com/u/abc"),
        ("don't u dare", "don't you dare"),
    ],
)
def test_chat_shorthand_is_spelled_out_without_counting_as_evasion(raw: str, text: str) -> None:
    result = normalize(raw)
    assert result.text == text
    assert result.evasion == 0.0
