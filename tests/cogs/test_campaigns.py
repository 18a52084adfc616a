"""The real campaign detector, fed by automod, posts its alert to the review channel."""

from __future__ import annotations

from bot.discord.app import campaign_detector
from bot.storage.records import CaseKind, CaseStatus
from tests.cogs.conftest import World

TEXT = "the election was stolen by the mayor and everyone knows it, share this now"


async def test_copy_paste_campaign_is_queued_for_review(world: World) -> None:
    world.bot.services.pipeline.detector = campaign_detector()
    for n in range(5):
        member = world.guild.add_member(world.env.create_user(f"fresh{n}"))
        await member.send(world.general, TEXT)

    alerts = [c for c in await world.cases() if c.kind is CaseKind.CAMPAIGN]
    assert alerts
    case = alerts[0]
    assert case.status is CaseStatus.OPEN
    posted = [m for m in world.review.history()
              if m.embeds and (m.embeds[0].title or "").startswith("Coordinated campaign")]
    assert posted
    fields = {f.name: f.value for f in posted[0].embeds[0].fields}
    assert TEXT[:40] in fields["Evidence"]
    description = posted[0].embeds[0].description or ""
    assert "accounts" in description
    assert "messages" in description
    assert int(fields["Accounts"]) >= world.policy.current.campaigns.min_accounts
    assert float(fields["Score"]) >= world.policy.current.campaigns.review_score
