"""Weak profanity labels from a small word list.

Profanity (swearing, vulgarity) is mostly lexical, and no corpus here annotates it on its
own; so every message gets a profanity label from this list. Slurs are deliberately *not*
listed: they are identity attacks, learned from the hate corpora.
"""

from __future__ import annotations

from models.data.common import word_matcher

_STEMS = (
    r"fuck\w*",
    r"f+u+k+",
    r"motherfuck\w*",
    r"shit\w*",
    r"bullshit\w*",
    r"bitch\w*",
    r"cunts?",
    r"asshole\w*",
    r"arsehole\w*",
    r"ass",
    r"arse",
    r"dick(head)?s?",
    r"piss\w*",
    r"bastards?",
    r"damn\w*",
    r"goddamn\w*",
    r"crap\w*",
    r"wtf",
    r"stfu",
    r"sluts?",
    r"whores?",
    r"hoes?",
    r"twats?",
    r"pricks?",
    r"cocks?",
    r"pussy",
    r"pussies",
    r"douche\w*",
    r"bollocks",
    r"wank\w*",
    r"jackass\w*",
    r"dumbass\w*",
    r"smartass\w*",
    r"tits?",
    r"titties",
    r"fml",
)
_MATCHES = word_matcher(_STEMS)


def is_profane(text: str) -> bool:
    return _MATCHES(text)
