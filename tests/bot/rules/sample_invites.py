"""A sample rule written the documented way (CONTRIBUTING.md): one file, one config section.

Server invites from members are spam here unless the policy turns the rule off.
"""

from __future__ import annotations

from bot.event import MessageEvent
from bot.policy_types import Action, ActionKind, Strict
from bot.rules import Hit, LabelAct, Rule, RuleContext


class Invites(Strict):
    enabled: bool = True
    action: Action = Action(kind=ActionKind.DELETE)


class InvitesRule(Rule):
    id = "invites"
    section = "invites"
    config = Invites

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        rule: Invites = self.settings(context.sections)
        if not rule.enabled or not event.text.invites:
            return None
        return Hit(self.id, (f"server invite: {event.text.invites[0]}",),
                   acts=(LabelAct("spam", rule.action),))
