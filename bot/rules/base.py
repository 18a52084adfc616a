"""The one interface every moderation rule implements, and what rules hand back.

A rule reads one message (and, for stateful rules, what it observed of earlier ones) and
either fires, returning a :class:`Hit`, or stays silent. ``decide`` merges the hits of all
rules: the most severe action wins and every reason is kept. Rules never do I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel

from bot.event import MessageEvent
from bot.policy_types import Action, LabelRule


@dataclass(frozen=True, slots=True)
class LabelAct:
    """A label at its act band, with the action the rule asks for."""

    label: str
    action: Action
    #: Counts toward escalation (model bands may; rules that need no model never do).
    strike: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """What one rule found in one message."""

    rule: str
    reasons: tuple[str, ...]
    #: Labels acted on. A label acted on by any rule is never also listed for review.
    acts: tuple[LabelAct, ...] = ()
    #: Labels sent to the review queue.
    reviews: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may read besides the message: no database, no clock."""

    scores: Mapping[str, float]
    #: The policy, or its sections by name (a rule reads its own with :meth:`Rule.settings`).
    sections: BaseModel | Mapping[str, Any]
    #: Label bands after channel and role overrides (the bands rule reads these).
    label_rules: Mapping[str, LabelRule] = field(default_factory=dict)
    #: Extra score the abuse labels need to act (counter-speech protection).
    abuse_margin: float = 0.0
    #: What stateful rules observed before deciding, by rule id.
    observed: Mapping[str, Any] = field(default_factory=dict)


class Rule:
    """Subclass, set ``id`` (and ``section`` + ``config`` when the rule has a YAML section),
    implement :meth:`check`; stateful rules also implement :meth:`observe` and :meth:`forget`.

    ``section`` names the rule's top-level key in the policy YAML; ``config`` is the pydantic
    model that validates it (its defaults apply when the key is absent).
    """

    id: ClassVar[str]
    section: ClassVar[str | None] = None
    config: ClassVar[type[BaseModel] | None] = None

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        raise NotImplementedError

    def observe(self, event: MessageEvent, settings: Any) -> Any:
        """Remember ``event`` (stateful rules); the result reaches ``check`` as
        ``context.observed[self.id]``. Stateless rules observe nothing."""
        return None

    def forget(self, guild_id: int, user_id: int) -> int:
        """Drop what is held about a member (data erasure); returns how many messages."""
        return 0

    @property
    def stateful(self) -> bool:
        return type(self).observe is not Rule.observe

    @classmethod
    def settings(cls, sections: Mapping[str, Any] | BaseModel) -> Any:
        """This rule's validated section of a policy (or of ``RuleContext.sections``)."""
        if cls.section is None:
            raise TypeError(f"rule {cls.id!r} has no policy section")
        if isinstance(sections, BaseModel):
            return getattr(sections, cls.section)
        return sections[cls.section]
