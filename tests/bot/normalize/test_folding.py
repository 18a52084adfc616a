"""Word-level folding (``bot.normalize.folding``): leetspeak, spelled-out words, letter
runs, chat shorthand, and the lowercase ``folded`` skeleton.
"""

from __future__ import annotations

import pytest

from bot.normalize import normalize


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
