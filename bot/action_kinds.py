"""Every action a case can carry, described once: each module reads this table.

Keys are the case's ``action`` strings: the policy's :class:`ActionKind` values plus the
moderator-only ones (``note``, ``unban``, ``untimeout``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActionSpec:
    #: Touches the member, so it comes with a DM (and an appeal button).
    notifies: bool = False
    #: Has something to undo when an appeal is granted.
    reversible: bool = False
    #: Also takes down the message behind an automatic case.
    removes_message: bool = False
    #: Does anything on Discord at all (``none``, ``review`` and ``note`` only record).
    acts: bool = True
    #: A moderator's manual use counts as a strike toward automod escalation.
    strike: bool = False
    #: First line of the member's DM; ``{guild}`` and ``{minutes}`` are filled in.
    dm_headline: str | None = None
    #: Past tense for moderators ("Case #3: timed out @member.").
    done: str | None = None
    #: The action as a noun for members ("the ban"), in corrections and appeal decisions.
    name: str = "the action"
    #: Told to a member whose granted appeal undid the action (reversible kinds).
    undone: str | None = None
    #: Why a granted appeal undid nothing (kinds that cannot be reversed).
    permanent: str | None = None
    #: Sent when the member was told of the action and it then failed.
    correction: str | None = None


ACTION_KINDS: dict[str, ActionSpec] = {
    "none": ActionSpec(acts=False),
    "review": ActionSpec(acts=False),
    "note": ActionSpec(acts=False, done="noted on"),
    "delete": ActionSpec(
        notifies=True, removes_message=True, name="the removal of your message",
        dm_headline="A message you sent in **{guild}** was removed.",
        permanent="A removed message cannot be restored",
        correction="your message could not be removed after all and is still there"),
    "warn": ActionSpec(
        notifies=True, strike=True, done="warned", name="the warning",
        dm_headline="You received a warning in **{guild}**.",
        permanent="A warning cannot be taken back"),
    "timeout": ActionSpec(
        notifies=True, reversible=True, removes_message=True, strike=True, done="timed out",
        name="the timeout",
        dm_headline="You were timed out in **{guild}** for {minutes} minutes.",
        undone="your timeout has been lifted",
        correction="the timeout did not take effect: you were not timed out"),
    "untimeout": ActionSpec(done="removed the timeout of"),
    "quarantine": ActionSpec(
        notifies=True, reversible=True, removes_message=True, name="the quarantine",
        dm_headline="You were placed in quarantine in **{guild}**.",
        undone="you are out of quarantine",
        correction="the quarantine did not take effect: you were not quarantined"),
    "kick": ActionSpec(
        notifies=True, removes_message=True, strike=True, done="kicked", name="the kick",
        dm_headline="You were removed (kicked) from **{guild}**.",
        permanent="A kick cannot be undone",
        correction="the kick did not take effect: you are still a member"),
    "ban": ActionSpec(
        notifies=True, reversible=True, removes_message=True, strike=True, done="banned",
        name="the ban",
        dm_headline="You were banned from **{guild}**.",
        undone="you are no longer banned",
        correction="the ban did not take effect: you were not banned"),
    "unban": ActionSpec(done="unbanned"),
}

_UNKNOWN = ActionSpec()


def action_spec(action: str) -> ActionSpec:
    """The row for ``action``; an unknown action acts, notifies nobody and undoes nothing."""
    return ACTION_KINDS.get(action, _UNKNOWN)
