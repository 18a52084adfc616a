"""Weak labels where the corpora are thin (documented in the model card).

* insult: few corpora say whether abuse is *aimed at a person* (OLID IND does). A message
  labelled offensive that addresses someone in the second person is taken as an insult.
* threat: apart from Gab cv, ETHOS violence and Implicit Hate "threatening", threats are
  unlabelled. An offensive message stating violent intent ("I'll kill ...", "should be
  hanged") is taken as a threat.

Weak labels never overwrite a corpus's own annotation and are listed in ``Example.weak`` so
training can down-weight them and evaluation can leave them out.
"""

from __future__ import annotations

import re

from models.data.common import Example

_SECOND_PERSON = re.compile(r"\b(you|u|ur|your|you're|youre|yourself|ya|stfu|kys)\b", re.I)
_VIOLENT_INTENT = re.compile(
    r"\b(i'll|i will|i'm going to|i am going to|i'm gonna|i am gonna|gonna|we'll|we will|"
    r"we are going to|we're going to|should|deserves? to|ought to|must|need to)\b"
    r"[^.!?]{0,40}\b(kill|murder|shoot|stab|hang|hanged|lynch|behead|beat|hurt|burn|rape|"
    r"strangle|choke|slaughter|execute|gas|exterminate|punch|bomb)\w*",
    re.I,
)


def addresses_someone(text: str) -> bool:
    return _SECOND_PERSON.search(text) is not None


def states_violent_intent(text: str) -> bool:
    return _VIOLENT_INTENT.search(text) is not None


def add_weak_labels(ex: Example) -> None:
    if ex.labels.get("toxicity") != 1.0:
        return
    if "insult" not in ex.labels and addresses_someone(ex.text):
        ex.labels["insult"] = 1.0
        ex.weak.add("insult")
    if "threat" not in ex.labels and states_violent_intent(ex.text):
        ex.labels["threat"] = 1.0
        ex.weak.add("threat")
