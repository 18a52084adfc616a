"""Hate toward protected groups (plain, threatening, negated) and its non-protected twin.

Train and dev use disjoint frames and disjoint derogatory vocabulary; the group
terms themselves are shared (they are the slot, not the frame).
"""

from __future__ import annotations

from models.data.contrast.core import Family, family, make_labels
from models.data.contrast.groups import GROUP_VOCAB, NON_PROTECTED_DEV, NON_PROTECTED_TRAIN

HATE = make_labels(toxicity=1, identity_attack=1)
HATE_THREAT = make_labels(toxicity=1, identity_attack=1, threat=1)
NONE = make_labels()
#: Harsh abuse of a non-protected category: toxic, but no identity attack and no named person.
ABUSE = make_labels(toxicity=1)

# Derogatory vocabulary, split-disjoint. Negated-hate and counter-speech reuse it, so
# the model has to read the negation or the quotation, not the words.
ADJ_TRAIN = ("worthless", "disgusting", "filthy", "subhuman", "vile", "inferior", "revolting")
VERMIN_TRAIN = ("rats", "cockroaches", "parasites", "vermin")
DISEASE_TRAIN = ("a disease", "a cancer", "an infection")
ADJ_DEV = ("repulsive", "wretched", "degenerate", "primitive", "contemptible", "foul")
VERMIN_DEV = ("leeches", "lice", "maggots", "pests", "animals")
HARM_TRAIN = ("hurt", "beat", "stab", "shoot")
HARMED_TRAIN = ("beaten", "shot", "stabbed", "hunted down")
HARM_DEV = ("kill", "strangle", "run over", "burn")
HARMED_DEV = ("killed", "strangled", "run over", "burned")
GOOD_TRAIN = ("trustworthy", "honest", "intelligent", "decent", "hardworking")
GOOD_DEV = ("kind", "competent", "loyal", "responsible", "respectable")

_HATE_PLAIN_TRAIN = (
    "i honestly can't stand {g}",
    "{g} are {adj}, every single one of them",
    "{g} are {adj} and everyone knows it",
    "{g} are basically {vermin}",
    "{g} spread through this country like {disease}",
    "{g} should be kept out of our neighbourhood",
    "no {g} allowed in this server tbh",
    "i'm so sick of {g}. they make everything worse",
    "can we stop pretending {g} are normal? they're {adj}",
    "why are {g} always so {adj} 🙄",
    "keep {g} out of our schools, simple as that",
    "{g} are {disease} on this society",
)
_HATE_PLAIN_DEV = (
    "nothing makes me angrier than {g} tbh",
    "{g} are nothing but {vermin2}",
    "honestly {g} are the most {adj2} people on earth",
    "we don't want {g} living on our street",
    "{g} ruin every place they move into",
    "{g} don't deserve to be treated like people",
    "ugh {g} make me sick",
    "i'd never let {a_g} into my house",
    "being around {g} makes my skin crawl",
    "{g}? {adj2}. next question",
    "every {g_sg} i've met was {adj2}, no exceptions",
)

_HATE_THREAT_TRAIN = (
    "{g} better leave this town before we make them",
    "someone should {harm} all the {g} around here",
    "i'm going to {harm} the next {g_sg} i see",
    "{g} should be {harmed} in the streets",
    "we'll burn down every house {g} live in",
    "{g} will get what's coming to them, we're organising",
    "round up the {g} and {harm} them",
    "if {g} show up at the march tomorrow they're getting {harmed}",
)
_HATE_THREAT_DEV = (
    "{g} in this city, count your days. we're coming",
    "gonna {harm2} any {g_sg} who shows up at my school",
    "mark my words, {g} will bleed for this",
    "time to deal with the {g} problem ourselves. bring weapons",
    "i'll {harm2} {g} one by one if i have to",
    "every {g_sg} near me is getting {harmed2} tonight",
    "{g} who stay here after friday will be {harmed2}. last warning",
)

# Negated positives: the negation carries the hate.
_HATE_NEGATED_TRAIN = (
    "{g} are never worth hiring",
    "{g} will never be {good} like the rest of us",
    "not a single {g_sg} is {good}, not one",
    "never met {a_g} who was actually {good}",
    "{g} can't ever be trusted, don't even try",
    "{g} aren't capable of being {good}",
)
_HATE_NEGATED_DEV = (
    "there's no such thing as a {good2} {g_adj} person",
    "{g} just don't have it in them to be {good2}",
    "nobody has ever benefited from having {g} around",
    "don't bother with {g}, none of them are {good2}",
    "{g} have never given this country anything of value",
    "you will never find {a_g} who's {good2}. never",
)

# Negated hate: the negation removes it.
_NEGATED_HATE_TRAIN = (
    "i would never say {g} are {adj}",
    "{g} are not {adj}, that's just a lie people repeat",
    "no, {g} aren't {adj} lol where did you even get that",
    "nobody here thinks {g} are {vermin}",
    "{g} are not inferior to anyone",
    "i don't think {g} are {adj} at all",
)
_NEGATED_HATE_DEV = (
    "it's flat out false that {g} are {adj2}",
    "{g} aren't {vermin2}, they're our neighbours",
    "i don't hate {g} and i never have",
    "there's nothing {adj2} about {g}",
    "{g} are in no way {adj2}. not even a little",
    "i refuse to believe {g} are {vermin2}, that's insane",
)

_NONPROTECTED_TRAIN = (
    "{np} are {adj}, every single one of them",
    "{np} are basically {vermin}",
    "i'm so sick of {np}. they make everything worse",
    "{np} are {disease} on this server",
    "why are {np} always so {adj} 🙄",
    "ban all {np} from the lobby, they're {adj}",
)
_NONPROTECTED_DEV = (
    "{np} are nothing but {vermin2}",
    "honestly {np} are the most {adj2} people on earth",
    "being around {np} makes my skin crawl",
    "{np} ruin every place they show up",
    "{np}? {adj2}. next question",
)

_TRAIN_VOCAB = {
    **GROUP_VOCAB, "adj": ADJ_TRAIN, "vermin": VERMIN_TRAIN, "disease": DISEASE_TRAIN,
    "harm": HARM_TRAIN, "harmed": HARMED_TRAIN, "good": GOOD_TRAIN, "np": NON_PROTECTED_TRAIN,
}
_DEV_VOCAB = {
    **GROUP_VOCAB, "adj2": ADJ_DEV, "vermin2": VERMIN_DEV, "harm2": HARM_DEV,
    "harmed2": HARMED_DEV, "good2": GOOD_DEV, "np": NON_PROTECTED_DEV,
}

FAMILIES: tuple[Family, ...] = (
    family("hate_plain", "train", HATE, _HATE_PLAIN_TRAIN, **_TRAIN_VOCAB),
    family("hate_plain", "dev", HATE, _HATE_PLAIN_DEV, **_DEV_VOCAB),
    family("hate_threat", "train", HATE_THREAT, _HATE_THREAT_TRAIN, **_TRAIN_VOCAB),
    family("hate_threat", "dev", HATE_THREAT, _HATE_THREAT_DEV, **_DEV_VOCAB),
    family("hate_negated", "train", HATE, _HATE_NEGATED_TRAIN, **_TRAIN_VOCAB),
    family("hate_negated", "dev", HATE, _HATE_NEGATED_DEV, **_DEV_VOCAB),
    family("negated_hate", "train", NONE, _NEGATED_HATE_TRAIN, **_TRAIN_VOCAB),
    family("negated_hate", "dev", NONE, _NEGATED_HATE_DEV, **_DEV_VOCAB),
    family("nonprotected_abuse", "train", ABUSE, _NONPROTECTED_TRAIN, **_TRAIN_VOCAB),
    family("nonprotected_abuse", "dev", ABUSE, _NONPROTECTED_DEV, **_DEV_VOCAB),
)
