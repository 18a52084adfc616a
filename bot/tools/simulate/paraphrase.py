"""Paraphrases of one talking point, the way a sock-puppet operator spins a line.

Each talking point is a set of slots (synonymous phrases) and frames (word orders). Two
draws usually share well under half of their words yet say the same thing, which is what
word-overlap detectors miss and sentence embeddings catch.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TalkingPoint:
    id: str
    frames: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]


POINTS: tuple[TalkingPoint, ...] = (
    TalkingPoint(
        id="mods-corrupt",
        frames=(
            "{who} {bad} and {act}. {tail}",
            "{tail} {who} {bad}, they {act2}",
            "notice how {who} {act2}? {bad_q}",
            "{who} {act2} because they {bad2}",
        ),
        slots={
            "who": (
                "the moderators here",
                "the mods on this server",
                "staff in this place",
                "the admin team",
                "whoever runs this server",
                "the people in charge here",
            ),
            "bad": (
                "are corrupt",
                "are crooked",
                "are totally dishonest",
                "can't be trusted",
                "are power tripping",
                "are abusing their power",
            ),
            "bad2": (
                "are corrupt",
                "are crooked",
                "hate being questioned",
                "have something to hide",
                "are on a power trip",
            ),
            "bad_q": (
                "corrupt much?",
                "crooked much?",
                "what are they hiding?",
                "power trip much?",
                "guilty conscience?",
            ),
            "act": (
                "delete every post that criticises them",
                "wipe any message calling them out",
                "remove all criticism",
                "silence anyone who disagrees",
                "ban people for asking questions",
                "censor every complaint",
            ),
            "act2": (
                "delete every post that criticises them",
                "wipe anything critical",
                "remove any criticism",
                "silence whoever disagrees",
                "ban anyone asking questions",
                "censor all the complaints",
            ),
            "tail": (
                "",
                "wake up people.",
                "look at what happened yesterday.",
                "everyone can see it.",
                "it's so obvious.",
                "speak up before it's too late.",
            ),
        },
    ),
    TalkingPoint(
        id="coin-pump",
        frames=(
            "{coin} {moon} {when}, {buy}",
            "{buy}! {coin} {moon} {when}",
            "{when} {coin} {moon}. {buy} {tail}",
            "{tail} {buy}, {coin} {moon} {when}",
        ),
        slots={
            "coin": ("$ZAPX", "ZAPX coin", "the ZAPX token", "ZAPX"),
            "moon": (
                "is about to explode",
                "is going to 100x",
                "will moon",
                "is about to pump hard",
                "is ready to skyrocket",
                "is going parabolic",
            ),
            "when": (
                "before the listing next week",
                "once it hits the big exchanges",
                "when the exchange listing drops",
                "after next week's listing",
                "as soon as it gets listed",
            ),
            "buy": (
                "get in now",
                "buy before it's too late",
                "load up while it's cheap",
                "grab some today",
                "don't miss the entry",
                "fill your bags now",
            ),
            "tail": (
                "",
                "not financial advice",
                "trust me on this",
                "easy money",
                "last chance",
                "you'll thank me later",
            ),
        },
    ),
    TalkingPoint(
        id="vaccine-harm",
        frames=(
            "{vax} {harm}, {dyor}",
            "{dyor}. {vax} {harm}",
            "{people} {vax} {harm} {tail}",
            "{tail} {vax} {harm} and {hide}",
        ),
        slots={
            "vax": (
                "the new vaccine",
                "this jab",
                "the latest shot",
                "the vaccine they push",
                "that new booster",
            ),
            "harm": (
                "causes more harm than the virus itself",
                "is worse than catching the disease",
                "does more damage than the illness",
                "hurts more people than the virus ever did",
                "is more dangerous than the infection",
            ),
            "dyor": (
                "do your own research",
                "look it up yourself",
                "research it before you trust them",
                "don't just believe what they tell you",
                "read the studies yourself",
            ),
            "people": ("", "wake up,", "folks,", "seriously,", "listen,"),
            "hide": (
                "they are hiding it",
                "the media won't report it",
                "nobody is allowed to say it",
                "the doctors know it",
                "they cover it up",
            ),
            "tail": ("", "just saying.", "think about it.", "facts.", "open your eyes."),
        },
    ),
    TalkingPoint(
        id="vpn-shill",
        frames=(
            "{switched} {vpn} {when} and {praise}",
            "{praise}, {vpn} {rest}. {switched2}",
            "{vpn} {rest}, {praise}",
            "if you need a vpn, {vpn} {rest}. {praise}",
        ),
        slots={
            "switched": ("switched to", "moved over to", "started using", "been on", "tried"),
            "switched2": (
                "switched last month",
                "been using it for weeks",
                "moved over recently",
                "tried it and never looked back",
                "never going back",
            ),
            "vpn": ("ShieldNet VPN", "ShieldNet", "shieldnet vpn"),
            "when": ("last month", "a few weeks ago", "recently", "this spring"),
            "praise": (
                "it's honestly the best vpn",
                "nothing else comes close",
                "it beats every other provider",
                "no other vpn compares",
                "best money I've spent",
                "it's miles ahead of the rest",
            ),
            "rest": (
                "is insanely fast",
                "never drops the connection",
                "unblocks everything",
                "is cheap and super quick",
                "just works everywhere",
            ),
        },
    ),
    TalkingPoint(
        id="devs-abandoned",
        frames=(
            "{devs} {gone}, {refund}",
            "{refund}. {devs} {gone}",
            "{devs} {gone} {tail}",
            "{tail} {refund} since {devs} {gone}",
        ),
        slots={
            "devs": (
                "the devs",
                "the developers",
                "the studio",
                "the team behind this game",
                "the people making this game",
            ),
            "gone": (
                "abandoned this game",
                "gave up on this game",
                "stopped caring about it",
                "walked away from the project",
                "left it to rot",
                "took the money and ran",
            ),
            "refund": (
                "everyone should demand refunds",
                "ask for your money back",
                "request a refund while you still can",
                "we all deserve our money back",
                "get a refund before it's too late",
                "chargeback them",
            ),
            "tail": ("", "sad but true.", "it's over.", "wake up.", "don't buy the dlc."),
        },
    ),
    TalkingPoint(
        id="election-rigged",
        frames=(
            "{vote} {rigged} and {media}",
            "{media}: {vote} {rigged}",
            "{open} {vote} {rigged}, {media}",
            "{vote} {rigged}. {media} {tail}",
        ),
        slots={
            "vote": (
                "the election",
                "the vote",
                "the council election",
                "last month's vote",
                "the whole election",
            ),
            "rigged": (
                "was rigged",
                "was stolen",
                "was a total fraud",
                "was fixed from the start",
                "was manipulated",
            ),
            "media": (
                "the media is covering it up",
                "the press won't touch it",
                "the news is hiding the truth",
                "journalists refuse to report it",
                "the papers keep quiet about it",
            ),
            "open": ("", "wake up,", "let's be honest,", "face it,", "everyone knows"),
            "tail": ("", "do the math.", "it's obvious.", "share this.", "look closer."),
        },
    ),
)

_SPACES = re.compile(r"\s+")


def paraphrase(point: TalkingPoint, rng: random.Random) -> str:
    """One rendering: a random frame with each slot drawn independently."""
    frame = rng.choice(point.frames)
    text = frame.format(**{name: rng.choice(options) for name, options in point.slots.items()})
    text = _SPACES.sub(" ", text).strip(" ,.")
    text = text.replace(" ,", ",").replace(" .", ".").replace("..", ".")
    if rng.random() < 0.3:
        text = text.lower()
    elif text:
        text = text[0].upper() + text[1:]
    return text + rng.choice(("", "", ".", "!", " !!"))


_TYPO_SWAPS = {
    "you": "u",
    "your": "ur",
    "are": "r",
    "to": "2",
    "for": "4",
    "free": "FREE",
    "now": "NOW",
    "the": "teh",
}
_DECOR = ("", " 🎁", " 🔥", "!!", " ✅", " 💸")


def small_edit(text: str, rng: random.Random) -> str:
    """Copy-paste with edits: a word swapped, a typo, some decoration; most words kept."""
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        word = words[i]
        swap = _TYPO_SWAPS.get(word.lower())
        if swap is not None:
            words[i] = swap
        elif len(word) > 3:
            j = rng.randrange(1, len(word) - 1)  # transpose two letters
            words[i] = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
    return " ".join(words) + rng.choice(_DECOR)


def word_overlap(a: str, b: str) -> float:
    """Share of the shorter text's words the other text also uses (for tests and reports)."""
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))
