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

#: Slot values shared by every topic.
COMMON: dict[str, tuple[str, ...]] = {
    "time": ("today", "tonight", "this weekend", "yesterday", "last night", "this morning",
             "on friday", "after work", "all week", "earlier", "right now", "this month"),
    "good": ("amazing", "so good", "really fun", "underrated", "better than expected", "a vibe",
             "wholesome", "incredible", "pretty decent", "solid", "a banger", "surprisingly ok"),
    "bad": ("kind of mid", "overrated", "disappointing", "way too long", "a bit buggy",
            "not for me", "confusing", "a mess", "boring", "meh", "painful"),
    "feel": ("tired", "excited", "stressed", "bored", "happy", "sleepy", "motivated", "sore",
             "hungry", "grumpy", "chill", "nervous"),
    "friend": ("my brother", "my sister", "a friend", "my roommate", "my cousin", "my partner",
               "my coworker", "my neighbour", "my mum", "my dad"),
    "n": ("two", "three", "four", "five", "six", "ten", "twenty"),
}

#: Per topic: slot pools and hand-written clauses using them.
TOPICS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]] = {
    "games": (
        {"game": ("elden ring", "the new zelda", "stardew", "minecraft", "valorant", "hades 2",
                  "bg3", "factorio", "rocket league", "civ 6", "hollow knight", "apex",
                  "helldivers", "balatro", "cs2", "league", "terraria", "palworld")},
        (
            "anyone up for {game} {time}?",
            "finally beat the last boss in {game}",
            "{game} is {good}, no notes",
            "the {game} patch notes are out and they nerfed my main again",
            "is {game} worth it on sale or should i wait",
            "i have {n} hundred hours in {game} and i regret nothing",
            "got destroyed in ranked {time}, {game} hates me",
            "the devs of {game} actually listen to feedback, rare these days",
            "refunded {game} after two hours, it just wasnt clicking",
            "the dlc for {game} looks {bad} for the price",
            "my save in {game} got corrupted, {n} hours gone",
            "whoever keeps recommending {game} was right",
            "the {game} servers are down again lol",
            "early access games are such a gamble, half of them never get finished",
            "queue times in {game} are brutal {time}",
            "just pulled an all nighter on {game}, worth it",
            "the speedrun of {game} someone posted is insane",
            "the soundtrack of {game} lives in my head rent free",
        ),
    ),
    "crypto": (
        {"coin": ("btc", "bitcoin", "eth", "solana", "doge", "my alts", "xrp", "ada"),
         "price": ("dipped", "pumped", "crashed", "went sideways", "bounced", "tanked")},
        (
            "{coin} {price} again {time}, i cant keep up",
            "im just gonna dca into {coin} and stop checking the chart",
            "lost way too much on {coin} last year, never again",
            "my cousin keeps telling me to buy {coin}, hard pass",
            "anyone else get rekt by the {coin} move {time}?",
            "every random coin pumps before an exchange listing and dumps right after",
            "the fees on eth are still ridiculous",
            "someone in my dms is shilling some token, obvious scam",
            "crypto twitter is a circus {time}",
            "holding {coin} through this feels like a rollercoaster",
            "if a stranger promises 100x its a rug, every time",
            "the only people getting rich from memecoins are the devs",
            "cold wallet arrived {time}, finally moving my {coin} off the exchange",
            "the market is so red {time} lol",
            "tax season with crypto trades is a nightmare",
            "not touching anything that just got listed, too risky",
        ),
    ),
    "politics": (
        {"issue": ("housing", "the bus fares", "the new bike lanes", "school funding",
                   "the budget", "rent control", "the stadium plan", "the library cuts"),
         "who": ("the council", "the mayor", "parliament", "the opposition", "the government")},
        (
            "did anyone watch the debate {time}? it was a mess",
            "turnout for the council election was so low, kind of sad",
            "{who} finally said something about {issue}",
            "i dont trust any of the polls anymore",
            "the news coverage of {issue} is so one sided",
            "went to a town hall about {issue} {time}, lots of angry people",
            "honestly both sides are bad on {issue}",
            "my local paper actually did a decent piece on {issue}",
            "voting is on sunday, dont forget to register",
            "the recount confirmed the result, can we move on now",
            "{who} is dragging their feet on {issue} again",
            "i wish the media covered {issue} more instead of drama",
            "signed a petition about {issue}, probably wont do anything but still",
            "politics threads in here always get heated lol",
            "watched the election results live, that was a rollercoaster",
        ),
    ),
    "tech": (
        {"tech": ("my laptop", "the new python release", "linux mint", "my router",
                  "the raspberry pi", "my mechanical keyboard", "docker", "rust", "my phone",
                  "vs code", "windows update", "my nas", "the new gpu drivers"),
         "problem": ("keeps crashing", "wont boot", "is super slow since the update",
                     "ate my config", "randomly disconnects", "throws weird errors", "overheats")},
        (
            "{tech} {problem}, any ideas?",
            "has anyone else had {tech} that {problem}?",
            "finally fixed {tech}, it was a driver thing",
            "i use a vpn for streaming abroad, works fine most of the time",
            "which vpn do people here use? mine keeps dropping",
            "vpn reviews online are all sponsored, cant trust any of them",
            "switched to linux on my old laptop {time} and its {good}",
            "built a new pc {time}, cable management is a war crime",
            "my isp throttles everything after 10pm, so annoying",
            "spent {n} hours debugging and it was a missing comma",
            "anyone tried self hosting their own password manager?",
            "the new phone update moved every button i use",
            "bought a cheap usb hub and it fried my port lol",
            "learning rust and the borrow checker is humbling",
            "my home server has been up for {n} months straight",
        ),
    ),
    "health": (
        {"sick": ("a cold", "the flu", "covid", "a migraine", "a sore throat", "allergies")},
        (
            "got my booster {time}, arm is so sore",
            "got {sick} {time}, staying in bed",
            "the flu shot knocked me out for a day but im fine now",
            "my doctor says i need more sleep, groundbreaking",
            "anyone else get side effects from the jab? just a headache for me",
            "pharmacy queue for vaccines was like an hour",
            "half my office is out with {sick}",
            "drink water people, {sick} is going around",
            "my kid brought {sick} home from school again",
            "finally feeling human after {sick}",
        ),
    ),
    "server": (
        {"chan": ("general", "offtopic", "gaming", "the art channel", "tech", "memes")},
        (
            "the mods here are pretty chill tbh",
            "can a mod check {chan}, someone is spamming links",
            "why did my message in {chan} get deleted? no hate just curious",
            "thanks to whoever organised the game night, it was {good}",
            "the new emoji are {good} lol",
            "when does the server event start?",
            "can someone explain the rules for the event {time}?",
            "we should do a movie night again soon",
            "{chan} has been so active {time}",
            "is there a channel for selling stuff or is that not allowed",
            "who made the new server banner, its {good}",
            "mods, can we get a channel for music recs?",
            "been lurking here for months, finally saying hi",
            "this server is the only discord i actually read",
        ),
    ),
    "food": (
        {"food": ("ramen", "lasagne", "banana bread", "tacos", "a thai curry", "sourdough",
                  "pancakes", "chili", "dumplings", "risotto", "shakshuka", "pad thai",
                  "a lentil soup", "burgers", "sushi", "pierogi")},
        (
            "made {food} {time} and it turned out {good}",
            "does anyone have a good recipe for {food}?",
            "the new place downtown does {food} and its {bad} tbh",
            "burned the {food} again, i should not be allowed in a kitchen",
            "meal prepped {food} for the whole week",
            "hot take: {food} is {bad}",
            "{friend} made {food} and now i cant stop eating it",
            "my sourdough starter died, rest in peace",
            "is it weird to have {food} for breakfast",
            "ordered {food} at 2am, no regrets",
            "grocery prices are insane {time}",
            "tried cooking {food} from a tiktok recipe, it lied to me",
        ),
    ),
    "pets": (
        {"pet": ("my cat", "my dog", "the puppy", "our rabbit", "my parrot", "the kitten",
                 "my hamster", "my old dog", "the cats"),
         "did": ("knocked a glass off the table", "stole my sandwich", "learned to open the door",
                 "is asleep on my keyboard", "barked at the vacuum for an hour",
                 "figured out the treat drawer", "refuses to leave the sunny spot",
                 "threw up on the rug", "chewed my headphones")},
        (
            "{pet} {did}",
            "update: {pet} {did} again",
            "{pet} {did} and i cant even be mad",
            "took {pet} to the vet {time}, all good",
            "{pet} has decided 5am is breakfast time",
            "anyone know a good flea treatment?",
            "thinking about adopting a second cat, talk me out of it",
            "{pet} is being so clingy {time}",
        ),
    ),
    "sports": (
        {"team": ("arsenal", "the lakers", "our local club", "the yankees", "real madrid",
                  "the bruins", "ferrari", "the national team", "the warriors", "liverpool")},
        (
            "did anyone watch {team} {time}?",
            "{team} played {good} {time}",
            "{team} looked {bad} {time} ngl",
            "the ref in the {team} game was blind",
            "{team} need a new coach honestly",
            "tickets for {team} are so expensive now",
            "went to see {team} live with {friend}, what an atmosphere",
            "fantasy league update: i am last again",
            "that transfer rumour about {team} better be true",
        ),
    ),
    "media": (
        {"band": ("radiohead", "taylor swift", "daft punk", "boygenius", "kendrick",
                  "some old jazz records", "a lofi playlist", "phoebe bridgers", "tame impala"),
         "show": ("dune part two", "the new pixar film", "oppenheimer", "severance",
                  "the last of us", "spirited away", "an old kung fu movie", "the bear",
                  "a documentary about octopuses", "shogun")},
        (
            "listening to {band} on repeat {time}",
            "{band} is {good}, fight me",
            "saw {band} live once, {good}",
            "recommend me something like {band}",
            "watched {show} {time}, {good}",
            "{show} was {bad} if im honest",
            "any thoughts on {show}? thinking of watching it {time}",
            "who wants to do a watch party for {show}?",
            "{friend} made me watch {show} and now im obsessed",
            "the ending of {show} made no sense to me",
            "spotify wrapped exposed me, too much {band}",
        ),
    ),
    "life": (
        {"work": ("exams", "a deadline", "my thesis", "a job interview", "the quarterly report",
                  "moving house", "a driving test", "night shifts", "my commute"),
         "place": ("the park", "the library", "my grandma's", "the beach", "the gym",
                   "a concert", "the farmers market", "a board game cafe", "ikea")},
        (
            "so {feel} {time}, {work} is killing me",
            "wish me luck with {work} {time}",
            "survived {work}!! feeling {feel} but relieved",
            "cant focus on {work}, too {feel}",
            "going to {place} {time}, anyone around?",
            "spent the afternoon at {place}, {good}",
            "the weather {time} is perfect for {place}",
            "what is everyone up to {time}?",
            "my landlord raised the rent again",
            "slept {n} hours, feeling {feel}",
            "the bus was {n} minutes late again",
            "first day at the new job went ok i think",
            "im so done with {work}",
            "took a day off and did absolutely nothing, {good}",
            "my plants are dying and i dont know why",
        ),
    ),
    "hobby": (
        {"craft": ("knitting", "drawing", "painting minis", "3d printing", "guitar",
                   "bouldering", "running", "photography", "woodworking", "baking")},
        (
            "got back into {craft} {time}",
            "my {craft} progress this month is {good}",
            "any tips for getting started with {craft}?",
            "spent way too much money on {craft} gear",
            "posted my {craft} stuff in the art channel, be nice",
            "{craft} is the only thing keeping me sane lately",
            "ran {n} km {time}, legs are dead",
            "my first {craft} project was {bad} but im learning",
        ),
    ),
}

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
            text = re.sub(rf"\b{word}\b", lambda _, mine=mine: rng.choice(mine), text)
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
