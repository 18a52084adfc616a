"""What the adapter's controls need of the running bot, as a protocol.

Views and buttons reach the services through ``interaction.client``. Typing that client as
this protocol instead of ``VigilBot`` keeps the package free of an import circle: the app
imports the views, the views never import the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import discord

if TYPE_CHECKING:
    from bot.review import ReviewService
    from bot.services import Services


class VigilHost(Protocol):
    services: Services
    review: ReviewService

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None: ...


def vigil(interaction: discord.Interaction[Any]) -> VigilHost:
    return cast("VigilHost", interaction.client)
