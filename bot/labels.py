"""Groups of model labels, defined once for every module that reasons about them."""

from __future__ import annotations

from dataclasses import dataclass

from models.api import LABELS


@dataclass(frozen=True, slots=True)
class LabelGroups:
    #: Every label the scorer returns, in its order.
    all: tuple[str, ...]
    #: Hostility toward a person: a parent this hostile makes a disagreeing reply
    #: counter-speech, and many hostile authors at one member are a pile-on.
    hostile: tuple[str, ...]
    #: Labels whose act band counter-speech protection raises.
    abuse: frozenset[str]


LABEL_GROUPS = LabelGroups(
    all=LABELS,
    hostile=("toxicity", "insult", "identity_attack"),
    abuse=frozenset({"toxicity", "insult", "profanity", "identity_attack"}),
)

