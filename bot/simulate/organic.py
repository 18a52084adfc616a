"""Organic chat: what a healthy community says, in enough variety to look like people.

Messages are composed from topic frames and slot pools, so a day of chat has thousands of
distinct lines on overlapping topics, with the short phrases everyone uses ("lol",
"thanks!") and popular links several members share — none of which is a campaign.
"""

from __future__ import annotations

import random

SHORT = (
    "lol",
    "lmao",
    "thanks!",
    "thank you",
    "good morning",
    "good morning everyone",
    "gm",
    "gn all",
    "same",
    "haha yes",
    "nice",
    "congrats!!",
    "welcome!",
    "omg",
    "true",
    "fair enough",
    "ty",
    "hello everyone",
    "hi all",
    "brb",
    "ok",
    "yep",
    "no way",
    "big if true",
    "happy friday!",
    "good night everyone",
    "this ^",
    "agreed",
    "rip",
    "lets gooo",
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
)
LINK_COMMENTS = (
    "this is wild",
    "had to share this",
    "look at this",
    "this made my day",
    "anyone seen this yet?",
    "relevant to what we said earlier",
    "saw this and thought of you all",
    "",
    "",
    "lmao",
    "classic",
    "ok this is actually useful",
)

POOLS: dict[str, tuple[str, ...]] = {
    "game": (
        "elden ring",
        "the new zelda",
        "stardew valley",
        "minecraft",
        "valorant",
        "hades 2",
        "baldur's gate 3",
        "factorio",
        "rocket league",
        "civ 6",
        "hollow knight",
        "apex",
    ),
    "food": (
        "ramen",
        "lasagne",
        "banana bread",
        "tacos",
        "a thai curry",
        "sourdough",
        "pancakes",
        "chili",
        "dumplings",
        "a mushroom risotto",
        "shakshuka",
        "pad thai",
    ),
    "pet": ("my cat", "my dog", "the puppy", "our rabbit", "my parrot", "the kitten", "my hamster"),
    "petdid": (
        "knocked a glass off the table",
        "stole my sandwich",
        "learned to open the door",
        "is asleep on my keyboard",
        "barked at the vacuum for an hour",
        "figured out the treat drawer",
        "refuses to leave the sunny spot",
    ),
    "team": (
        "arsenal",
        "the lakers",
        "our local club",
        "the yankees",
        "real madrid",
        "the bruins",
        "ferrari",
        "the national team",
    ),
    "band": (
        "radiohead",
        "taylor swift",
        "daft punk",
        "the new boygenius album",
        "kendrick",
        "some old jazz records",
        "a lofi playlist",
        "phoebe bridgers",
    ),
    "movie": (
        "dune part two",
        "the new pixar film",
        "oppenheimer",
        "a documentary about octopuses",
        "the last of us",
        "severance",
        "spirited away",
        "an old kung fu movie",
    ),
    "tech": (
        "my laptop",
        "the new python release",
        "linux mint",
        "my router",
        "the raspberry pi",
        "my mechanical keyboard",
        "docker",
        "rust",
        "my phone",
        "vs code",
    ),
    "problem": (
        "keeps crashing",
        "won't boot",
        "is super slow since the update",
        "ate my config",
        "randomly disconnects",
        "is throwing weird errors",
        "overheats",
    ),
    "place": (
        "the park",
        "the library",
        "my grandma's",
        "the beach",
        "the gym",
        "a concert",
        "the farmers market",
        "a board game cafe",
    ),
    "time": (
        "today",
        "tonight",
        "this weekend",
        "yesterday",
        "last night",
        "this morning",
        "on friday",
        "after work",
    ),
    "good": (
        "amazing",
        "so good",
        "really fun",
        "underrated",
        "better than expected",
        "a vibe",
        "wholesome",
        "incredible",
    ),
    "bad": (
        "kind of mid",
        "overrated",
        "disappointing",
        "way too long",
        "a bit buggy",
        "not for me",
        "confusing",
    ),
    "feel": ("tired", "excited", "stressed", "bored", "happy", "sleepy", "motivated", "sore"),
    "work": (
        "exams",
        "a deadline",
        "my thesis",
        "a job interview",
        "the quarterly report",
        "moving house",
        "a driving test",
        "night shifts",
    ),
}

FRAMES: tuple[str, ...] = (
    "anyone playing {game} {time}?",
    "just finished {game}, honestly {good}",
    "{game} is {bad} imo, change my mind",
    "is {game} worth it on sale?",
    "stuck on the final boss in {game} send help",
    "started {game} again {time} and its still {good}",
    "made {food} {time} and it turned out {good}",
    "does anyone have a good recipe for {food}?",
    "{food} for dinner {time}, cant wait",
    "tried {food} from the new place downtown, {bad} tbh",
    "{pet} {petdid}",
    "update: {pet} {petdid} again",
    "{pet} {petdid} and i cant even be mad",
    "did anyone watch {team} {time}?",
    "{team} played {good} {time}",
    "{team} looked {bad} {time} ngl",
    "listening to {band} on repeat {time}",
    "{band} is {good}, fight me",
    "saw {band} live once, {good}",
    "watched {movie} {time}, {good}",
    "{movie} was {bad} if im honest",
    "any thoughts on {movie}? thinking of watching it {time}",
    "{tech} {problem}, any ideas?",
    "has anyone else had {tech} {problem}?",
    "finally fixed {tech}, it {problem} because of a driver thing",
    "going to {place} {time}, anyone around?",
    "spent the afternoon at {place}, {good}",
    "so {feel} {time}, {work} is killing me",
    "wish me luck with {work} {time}",
    "survived {work}!! feeling {feel} but relieved",
    "cant focus on {work}, too {feel}",
    "feeling {feel} {time} honestly",
    "what is everyone up to {time}?",
    "hot take: {food} is {bad}",
    "unpopular opinion: {game} is {good}",
    "who wants to do a movie night {time}? thinking {movie}",
    "recommend me something like {band}",
    "recommend me a game like {game}",
    "the weather {time} is perfect for {place}",
    "can someone explain the rules for the event {time}?",
    "when does the server event start?",
    "thanks to whoever organised the game night, it was {good}",
    "i think the new channel layout is {good}",
    "the new emoji are {good} lol",
)

REPLIES: tuple[str, ...] = (
    "yeah i agree",
    "haha same here",
    "no way, really?",
    "that's fair",
    "oh nice, how was it?",
    "honestly i think {game} is better",
    "have you tried turning it off and on again lol",
    "i had the same thing with {tech}",
    "congrats!",
    "good luck with {work}!",
    "i'd go with {food} every time",
    "that sounds {good}",
    "hmm not sure about that one",
    "wait which one?",
    "link?",
    "so true",
    "omg {pet} too",
    "count me in",
    "i was there {time} too",
    "ugh i feel that",
    "hard disagree but ok",
    "source?",
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


def fill(frame: str, rng: random.Random) -> str:
    for name, options in POOLS.items():
        token = "{" + name + "}"
        while token in frame:
            frame = frame.replace(token, rng.choice(options), 1)
    return frame


def chat_line(rng: random.Random) -> str:
    """One organic message: mostly topical lines, some short chatter, some shared links."""
    roll = rng.random()
    if roll < 0.18:
        return rng.choice(SHORT)
    if roll < 0.23:
        comment = rng.choice(LINK_COMMENTS)
        return f"{comment} {rng.choice(POPULAR_LINKS)}".strip()
    text = fill(rng.choice(FRAMES), rng)
    if rng.random() < 0.15:  # people chain thoughts
        text = f"{text}. also {fill(rng.choice(FRAMES), rng)}"
    return _style(text, rng)


def reply_line(rng: random.Random) -> str:
    return _style(fill(rng.choice(REPLIES), rng), rng)


def heated_line(rng: random.Random) -> str:
    return _style(rng.choice(HEATED), rng)


def _style(text: str, rng: random.Random) -> str:
    if rng.random() < 0.3:
        text = text[0].upper() + text[1:]
    return text + rng.choice(("", "", "", "!", " lol", " :)", "?" if text.endswith("?") else ""))
