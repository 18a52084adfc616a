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


ACTION_KINDS: dict[str, ActionSpec] = {
    "none": ActionSpec(acts=False),
    "review": ActionSpec(acts=False),
    "note": ActionSpec(acts=False, done="noted on"),
    "delete": ActionSpec(
        notifies=True, removes_message=True,
        dm_headline="A message you sent in **{guild}** was removed."),
    "warn": ActionSpec(
        notifies=True, strike=True, done="warned",
        dm_headline="You received a warning in **{guild}**."),
    "timeout": ActionSpec(
        notifies=True, reversible=True, removes_message=True, strike=True, done="timed out",
        dm_headline="You were timed out in **{guild}** for {minutes} minutes."),
    "untimeout": ActionSpec(done="removed the timeout of"),
    "quarantine": ActionSpec(
        notifies=True, reversible=True, removes_message=True,
        dm_headline="You were placed in quarantine in **{guild}**."),
    "kick": ActionSpec(
        notifies=True, removes_message=True, strike=True, done="kicked",
        dm_headline="You were removed (kicked) from **{guild}**."),
    "ban": ActionSpec(
        notifies=True, reversible=True, removes_message=True, strike=True, done="banned",
        dm_headline="You were banned from **{guild}**."),
    "unban": ActionSpec(done="unbanned"),
}

_UNKNOWN = ActionSpec()


def action_spec(action: str) -> ActionSpec:
    """The row for ``action``; an unknown action acts, notifies nobody and undoes nothing."""
    return ACTION_KINDS.get(action, _UNKNOWN)
