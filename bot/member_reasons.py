"""What a member is told about why: plain words, never label names, scores or thresholds.

An automatic case's reason ("identity_attack 0.46 >= review 0.35") is for moderators, who
read it in the review queue and the mod log; sent to members it would be a tuning aid for
abusers. A moderator's own reason (``/warn ... reason:``) is theirs to give and passes on.
"""

from __future__ import annotations

from bot.storage.records import Case, CaseKind

#: model label -> what the member did, in plain words
LABEL_REASONS: dict[str, str] = {
    "toxicity": "abusive language",
    "insult": "insulting another member",
    "identity_attack": "attacking people for who they are",
    "profanity": "profanity",
    "threat": "threatening someone",
    "spam": "spam",
}
#: coordination cases carry no labels: the kind says what happened
KIND_REASONS: dict[CaseKind, str] = {
    CaseKind.CAMPAIGN: "taking part in a coordinated campaign",
    CaseKind.PILE_ON: "joining a pile-on against another member",
    CaseKind.RAID: "joining as part of a raid",
}
#: a label this table does not know yet (a newer model) is never named to the member
FALLBACK = "breaking the server's rules"


def member_reason(case: Case) -> str:
    """The reason for the member's DM."""
    if not case.by_automod:
        return case.reason
    phrases = list(dict.fromkeys(LABEL_REASONS.get(label, FALLBACK) for label in case.labels))
    if not phrases:
        phrases = [KIND_REASONS.get(case.kind, FALLBACK)]
    text = ", ".join(phrases)
    return text[:1].upper() + text[1:]
