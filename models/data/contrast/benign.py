"""Benign identity mentions: counter-speech, neutral and positive statements, reclaimed use."""

from __future__ import annotations

from models.data.contrast.core import Family, family, make_labels
from models.data.contrast.groups import (
    GROUP_VOCAB,
    INGROUP_DEV,
    INGROUP_TRAIN,
    SELF_DEV,
    SELF_TRAIN,
)
from models.data.contrast.hate import ADJ_DEV, ADJ_TRAIN, VERMIN_DEV, VERMIN_TRAIN

NONE = make_labels()

_COUNTER_TRAIN = (
    "saying \"{g} are {adj}\" is disgusting and wrong",
    "stop telling people {g} don't belong here",
    "whoever posted that {g} are {vermin} should be banned, that's hate speech",
    "calling {g} {vermin} isn't edgy, it's just hateful",
    "people who think {g} are {adj} need to go outside and actually meet some",
    "reported the guy who said {g} should be kept out. not ok",
    "\"{g} are {adj}\" is not an opinion, it's bigotry",
    "can we not do the whole '{g} are {vermin}' thing here please",
)
_COUNTER_DEV = (
    "'{g} are {vermin2}'?? seriously? that's vile, take it back",
    "i'm so tired of seeing folks here claim {g} are {adj2}. it's prejudice, plain and simple",
    "mods pls remove that message about {g} being {adj2}, it's targeted harassment",
    "if your take is that {g} are {vermin2}, you're the problem",
    "we don't tolerate people trashing {g} in this community",
    "my uncle said {g} are {adj2} at dinner and i walked out. people like that are why "
    "this stuff keeps spreading",
    "posting \"{g} are {vermin2}\" and calling it a joke doesn't make it one",
)

_NEUTRAL_TRAIN = (
    "there are a lot of {g} in my city",
    "is there a discord for {g_adj} gamers?",
    "my coworker is {a_g}",
    "the documentary was about {g} in the 1920s",
    "how many {g} live in canada?",
    "i'm {a_g} and i main support",
    "our history teacher covered {g} in europe today",
    "fun fact: my dentist is {a_g}",
)
_NEUTRAL_DEV = (
    "{g} were the topic of our sociology lecture this morning",
    "anyone know good books by {g_adj} authors?",
    "my roommate is {a_g}, they're out right now",
    "the census has a question that asks if you're {a_g}",
    "met some {g} at the con yesterday",
    "reading an article on how {g} vote in local elections",
    "the new character in the game is {a_g}",
)

_POSITIVE_TRAIN = (
    "my neighbours are {g} and they cook amazing food",
    "{g} are awesome, fight me 😄",
    "love seeing so many {g} in this server ❤️",
    "{g} have given so much to this country",
    "the {g_adj} streamers i watch are honestly the funniest",
    "proud to have {g} on our team",
)
_POSITIVE_DEV = (
    "{g_adj} folks in this community are the best",
    "shoutout to all the {g} here, you're great",
    "grew up around {g}, kindest people i know",
    "my favourite teacher ever was {a_g} 💛",
    "we need more {g} in tech, full stop",
    "had dinner with {g_adj} friends tonight and laughed so hard",
)

_RECLAIMED_TRAIN = (
    "as {self} i think the new season nailed it",
    "us {ingroup} still know how to play this game",
    "as {self} myself, this thread made my day",
    "we {ingroup} gotta stick together lol",
    "{ingroup} rise up 😤",
    "speaking as {self}: this is the most welcoming server i've been in",
)
_RECLAIMED_DEV = (
    "i'm {self2} and honestly this patch is great",
    "my fellow {ingroup2}, meetup is saturday!",
    "{self2} and proud of it",
    "lol us {ingroup2} really do be like that",
    "calling all {ingroup2}: movie night in vc at 9",
    "being {self2} means i get asked this a lot, happy to answer",
)

_TRAIN_VOCAB = {
    "_pre": ("", "ngl ", "tbh ", "ok so "),
    "_post": ("", " lol", " 🙂", "!"),
    **GROUP_VOCAB, "adj": ADJ_TRAIN, "vermin": VERMIN_TRAIN, "self": SELF_TRAIN,
    "ingroup": INGROUP_TRAIN,
}
_DEV_VOCAB = {
    "_pre": ("", "honestly ", "real talk, ", "hey "),
    "_post": ("", " haha", " ✨", "..."),
    **GROUP_VOCAB, "adj2": ADJ_DEV, "vermin2": VERMIN_DEV,
    "self2": SELF_DEV,
    "ingroup2": INGROUP_DEV,
}

FAMILIES: tuple[Family, ...] = (
    family("counter_speech", "train", NONE, _COUNTER_TRAIN, **_TRAIN_VOCAB),
    family("counter_speech", "dev", NONE, _COUNTER_DEV, **_DEV_VOCAB),
    family("identity_neutral", "train", NONE, _NEUTRAL_TRAIN, **_TRAIN_VOCAB),
    family("identity_neutral", "dev", NONE, _NEUTRAL_DEV, **_DEV_VOCAB),
    family("identity_positive", "train", NONE, _POSITIVE_TRAIN, **_TRAIN_VOCAB),
    family("identity_positive", "dev", NONE, _POSITIVE_DEV, **_DEV_VOCAB),
    family("reclaimed", "train", NONE, _RECLAIMED_TRAIN, **_TRAIN_VOCAB),
    family("reclaimed", "dev", NONE, _RECLAIMED_DEV, **_DEV_VOCAB),
)
