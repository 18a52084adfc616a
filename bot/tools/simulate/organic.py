"""Organic chat: what a healthy community says, member by member.

Every member gets a :class:`Persona`: a few favourite topics, their own vocabulary (catch
phrases, slang, emoji), a typical message length, a typo rate and capitalisation habits.
A message is one to three clauses drawn from the member's topics, each clause a hand-written
sentence with its own slots, wrapped in that member's openers, fillers and endings; so a day
of chat has thousands of distinct lines and hardly any two members phrase a thing alike.

Topics deliberately overlap the sock-puppet talking points (crypto, elections and the news,
game studios and refunds, VPNs, vaccines, the server's moderators): real members discuss
those too, in their own words and with their own opinions, which is the hard case for a
campaign detector. The short phrases everyone uses ("gm", "lol", "thanks!") and popular
links several members share are also here; none of it is a campaign.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.tools.simulate.topics import COMMON, TOPICS

SHORT = (
    "lol", "lmao", "thanks!", "thank you", "good morning", "good morning everyone", "gm",
    "gn all", "same", "haha yes", "nice", "congrats!!", "welcome!", "omg", "true",
    "fair enough", "ty", "hello everyone", "hi all", "brb", "ok", "yep", "no way",
    "big if true", "happy friday!", "good night everyone", "this ^", "agreed", "rip",
    "lets gooo", "wait what", "oof", "hahaha", "real", "mood", "W", "L", "facts", "yikes",
)

POPULAR_LINKS = (
    "https://www.youtube.com/watch?v=a1B2c3D4e5F",
    "https://youtu.be/Zx9Yw8Vu7Ts",
    "https://github.com/astral-sh/ruff",
    "https://www.reddit.com/r/aww/comments/1abc2de/",
    "https://en.wikipedia.org/wiki/Octopus",
    "https://store.steampowered.com/app/1145360/",
    "https://www.bbc.co.uk/news/science-environment-6789012",
    "https://twitter.com/nasa/status/1780000000000000000",
    "https://www.coindesk.com/markets/2026/03/01/bitcoin-weekend/",
    "https://www.theguardian.com/politics/2026/mar/01/council-vote",
)
LINK_COMMENTS = (
    "this is wild", "had to share this", "look at this", "this made my day",
    "anyone seen this yet?", "relevant to what we said earlier", "saw this and thought of you all",
    "", "", "", "lmao", "classic", "ok this is actually useful", "thoughts?", "wow",
)


OPENERS = ("honestly", "ngl", "ok so", "idk but", "lowkey", "fun fact:", "PSA:", "btw",
           "update:", "random but", "so yeah", "hot take:", "not gonna lie", "question:")
JOINERS = (". also ", ", and ", ". anyway ", " but ", ". oh and ", "... ", ". ")
ENDINGS = ("", "", "!", "!!", "...", " lol", " lmao", " haha", " tbh", " imo", " :)", " :(",
           " xD", " fr", " smh")
EMOJI = ("😂", "😭", "💀", "🙏", "🔥", "👀", "😅", "❤️", "🥲", "😤", "🎉", "🤔", "👍", "✨", "😴")
CATCH = ("as always", "no cap", "just saying", "anyway", "send help", "classic", "vibes",
         "love that for me", "rip me", "based", "its fine", "oh well", "who knew")
SLANG = {"you": "u", "your": "ur", "are": "r", "because": "bc", "really": "rly",
         "though": "tho", "people": "ppl", "probably": "prob", "about": "abt", "please": "pls",
         "tonight": "tn", "with": "w", "something": "smth", "okay": "ok", "to be honest": "tbh"}

REPLIES: tuple[str, ...] = (
    "yeah i agree", "haha same here", "no way, really?", "thats fair", "oh nice, how was it?",
    "have you tried turning it off and on again", "congrats!", "good luck!", "so true",
    "hmm not sure about that one", "wait which one?", "link?", "count me in", "ugh i feel that",
    "hard disagree but ok", "source?", "lol what", "thats wild", "same thing happened to me",
    "didnt know that", "ooh ill try that", "nah thats not it", "respectfully, no",
    "you might be onto something", "how long did it take?", "pics or it didnt happen",
    "i was literally about to say that", "thats a good point actually", "been there",
)

HEATED: tuple[str, ...] = (
    "that's honestly a dumb take",
    "you have no idea what you're talking about",
    "stop being so annoying about it",
    "that is a ridiculous thing to say",
    "come on, that's just wrong",
    "you're being really stubborn",
    "this argument is pointless",
    "ugh you always do this",
    "nobody asked, chill",
    "you're being kind of a jerk about it",
)

#: Each member settles on one way of saying these (their vocabulary), or several.
LEXICON: dict[str, tuple[str, ...]] = {
    "so": ("so", "super", "really", "hella", "very", "soo", "extremely"),
    "really": ("really", "very", "super", "genuinely", "actually"),
    "honestly": ("honestly", "genuinely", "truly", "frankly"),
    "finally": ("finally", "at last", "after ages", "eventually"),
    "again": ("again", "once more", "for the third time", "yet again"),
    "anyone": ("anyone", "anybody", "somebody", "does anyone", "any of you"),
    "insane": ("insane", "crazy", "nuts", "unreal", "wild"),
    "annoying": ("annoying", "irritating", "infuriating", "frustrating"),
    "good": ("good", "great", "decent", "nice", "solid"),
    "bad": ("bad", "rough", "awful", "terrible", "not great"),
    "think": ("think", "reckon", "feel like", "guess", "bet"),
    "anymore": ("anymore", "these days", "at this point", "now"),
    "im": ("im", "i'm", "i am", "ive been"),
    "cant": ("cant", "can't", "can not", "literally cant"),
    "dont": ("dont", "don't", "do not"),
    "kind of": ("kind of", "kinda", "sort of", "a bit", "somewhat"),
    "lot": ("lot", "ton", "bunch", "load"),
    "people": ("people", "folks", "everyone", "you all", "guys"),
    "want": ("want", "wanna", "would like", "feel like"),
    "going to": ("going to", "gonna", "about to", "planning to"),
    "just": ("just", "only", "simply", "", "literally"),
}
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Persona:
    """How one member writes."""

    topics: tuple[str, ...]
    weights: tuple[float, ...]
    clauses: float  # chance of each further clause (message length)
    short: float  # share of one-word chatter
    links: float
    lower: float  # chance a message is all lower case
    typos: float  # per-word typo rate
    slang: float  # per-word chance of the abbreviation
    emoji: tuple[str, ...]
    emoji_rate: float
    openers: tuple[str, ...]
    endings: tuple[str, ...]
    catch: tuple[str, ...]
    replies: tuple[str, ...]
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()


def persona(rng: random.Random) -> Persona:
    """A member: two to four favourite topics and their own habits."""
    topics = tuple(rng.sample(sorted(TOPICS), rng.randint(2, 4)))
    return Persona(
        topics=topics,
        weights=tuple(rng.uniform(0.3, 1.0) for _ in topics),
        clauses=rng.choice((0.05, 0.15, 0.3, 0.5)),
        short=rng.uniform(0.05, 0.35),
        links=rng.uniform(0.0, 0.08),
        lower=rng.choice((0.1, 0.6, 0.95)),
        typos=rng.choice((0.0, 0.01, 0.03, 0.06)),
        slang=rng.choice((0.0, 0.1, 0.5, 0.9)),
        emoji=tuple(rng.sample(EMOJI, rng.randint(1, 3))),
        emoji_rate=rng.choice((0.0, 0.05, 0.2, 0.5)),
        openers=tuple(rng.sample(OPENERS, rng.randint(0, 3))),
        endings=tuple(rng.sample(ENDINGS, rng.randint(2, 5))),
        catch=tuple(rng.sample(CATCH, rng.randint(0, 2))),
        replies=tuple(rng.sample(REPLIES, rng.randint(6, 12))),
        words=tuple((word, tuple(rng.sample(options, rng.randint(1, 2))))
                    for word, options in LEXICON.items()),
    )


def clause(topic: str, rng: random.Random) -> str:
    pools, lines = TOPICS[topic]

    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        return rng.choice(pools.get(name) or COMMON[name])

    return _SLOT.sub(slot, rng.choice(lines))


def chat_line(rng: random.Random, who: Persona | None = None) -> str:
    """One organic message in ``who``'s voice (a random member's when None)."""
    who = who or persona(rng)
    roll = rng.random()
    if roll < who.short:
        return rng.choice(SHORT)
    if roll < who.short + who.links:
        return f"{rng.choice(LINK_COMMENTS)} {rng.choice(POPULAR_LINKS)}".strip()
    topic = rng.choices(who.topics, who.weights)[0]
    parts = [clause(topic, rng)]
    while rng.random() < who.clauses and len(parts) < 3:
        # People drift: the next clause is often on another of their topics.
        if rng.random() < 0.4:
            topic = rng.choices(who.topics, who.weights)[0]
        parts.append(clause(topic, rng))
    parts = [_reword(part, who, rng) for part in parts]
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(JOINERS) + part
    if who.openers and rng.random() < 0.25:
        text = f"{rng.choice(who.openers)} {text}"
    if who.catch and rng.random() < 0.2:
        text = f"{text}, {rng.choice(who.catch)}"
    return _style(text, who, rng)


def reply_line(rng: random.Random, who: Persona | None = None) -> str:
    who = who or persona(rng)
    if rng.random() < 0.35:  # an answer with content, not just a reaction
        return chat_line(rng, who)
    return _style(rng.choice(who.replies), who, rng)


def heated_line(rng: random.Random) -> str:
    return rng.choice(HEATED) + rng.choice(("", "", "!", " lol", "."))


def _reword(text: str, who: Persona, rng: random.Random) -> str:
    """The member's own vocabulary, and sometimes only the first half of a thought."""
    for word, mine in who.words:
        if f" {word} " in f" {text} ":

            def pick(_: re.Match[str], options: tuple[str, ...] = mine) -> str:
                return rng.choice(options)

            text = re.sub(rf"\b{word}\b", pick, text)
    head, comma, _rest = text.partition(", ")
    if comma and len(head.split()) >= 4 and rng.random() < 0.25:
        text = head
    return " ".join(text.split())


def _style(text: str, who: Persona, rng: random.Random) -> str:
    words = text.split(" ")
    for i, word in enumerate(words):
        low = word.lower()
        if low in SLANG and rng.random() < who.slang:
            words[i] = SLANG[low]
        elif len(word) > 3 and word.isalpha() and rng.random() < who.typos:
            j = rng.randrange(1, len(word) - 1)
            words[i] = rng.choice((word[:j] + word[j + 1:],  # dropped letter
                                   word[: j - 1] + word[j] + word[j - 1] + word[j + 1:]))
    text = " ".join(words)
    if rng.random() < who.lower:
        text = text.lower()
    elif text:
        text = text[0].upper() + text[1:]
    if not text.endswith(("?", "!", ".")):
        text += rng.choice(who.endings)
    if rng.random() < who.emoji_rate:
        text += " " + rng.choice(who.emoji) * rng.choice((1, 1, 2, 3))
    return text
