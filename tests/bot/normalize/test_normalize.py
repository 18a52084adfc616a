"""The public entry point ``bot.normalize.normalize``: the evasion share, the result type,
totality on any str, and ``text`` as a fixed point.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time

import pytest

from bot.normalize import NormalizedText, normalize

# --- evasion and the result -----------------------------------------------------------


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
