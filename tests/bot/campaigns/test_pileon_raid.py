"""Pile-ons (hostile crowd at one member) and raids (join bursts of new accounts)."""

from __future__ import annotations

from datetime import timedelta

from bot.campaigns import CampaignDetector
from tests.bot.campaigns.helpers import GUILD, T0, basis, event, member, policy, result, verdict

POLICY = policy()


def test_hostile_replies_from_four_authors_to_one_member_alert_with_target() -> None:
    detector = CampaignDetector()
    target = member(50)
    alerts = []
    for i in range(1, 5):
        ev = event(member(i), f"you clearly have no clue what you are on about {i}",
                   minutes=2 * i, reply_to=999, parent_author=50)
        alerts += detector.observe(ev, result(insult=0.5), verdict(), POLICY)
    assert [a.kind for a in alerts] == ["pile_on"]
    assert alerts[0].target_id == target.id
    assert set(alerts[0].accounts) == {1, 2, 3, 4}


def test_mentions_count_as_targets_and_mild_replies_do_not() -> None:
    detector = CampaignDetector()
    alerts = []
    for i in range(1, 5):
        alerts += detector.observe(event(member(i), f"<@77> nobody likes you here {i}",
                                         minutes=i), result(toxicity=0.6), verdict(), POLICY)
    assert [a.target_id for a in alerts] == [77]
    calm = CampaignDetector()
    quiet = []
    for i in range(1, 8):
        quiet += calm.observe(event(member(i), f"<@77> fair point, thanks {i}", minutes=i),
                              result(toxicity=0.1), verdict(), POLICY)
    assert quiet == []


def test_hostility_spread_beyond_the_window_is_no_pile_on() -> None:
    detector = CampaignDetector()
    gap = POLICY.campaigns.pile_on_minutes + 1
    alerts = []
    for i in range(1, 6):
        alerts += detector.observe(event(member(i), "you are wrong and annoying", minutes=gap * i,
                                         parent_author=50, reply_to=1), result(insult=0.7),
                                   verdict(), POLICY)
    assert alerts == []


def test_join_burst_of_new_accounts_is_a_raid() -> None:
    detector = CampaignDetector()
    alerts = []
    for i in range(10):
        at = T0 + timedelta(seconds=20 * i)
        alerts += detector.observe_join(GUILD, member(300 + i, age_days=0.5, at=at), at, POLICY)
    assert [a.kind for a in alerts] == ["raid"]
    assert len(alerts[0].accounts) == POLICY.campaigns.raid_joins
    assert alerts[0].evidence["new_accounts"] == list(alerts[0].accounts)


def test_old_accounts_joining_together_are_not_a_raid() -> None:
    detector = CampaignDetector()
    alerts = []
    for i in range(12):
        at = T0 + timedelta(seconds=10 * i)
        alerts += detector.observe_join(GUILD, member(400 + i, age_days=900, at=at), at, POLICY)
    assert alerts == []


def test_raiders_posting_the_same_thing_boost_the_raid() -> None:
    detector = CampaignDetector()
    raiders = [member(500 + i, age_days=0.2) for i in range(8)]
    for i, m in enumerate(raiders):
        detector.observe_join(GUILD, m, T0 + timedelta(seconds=5 * i), POLICY)
    alerts = []
    for i, m in enumerate(raiders[:4]):
        alerts += detector.observe(event(m, "this server is dead lmao join the real one",
                                         minutes=3 + i), result(basis(0)), verdict(), POLICY)
    raids = [a for a in alerts if a.kind == "raid"]
    assert len(raids) == 1
    assert raids[0].evidence["repeated_content"] is True
    assert raids[0].score > 0.7


def test_forget_drops_a_members_hits_joins_and_the_pile_on_at_them() -> None:
    detector = CampaignDetector()
    for i in range(1, 4):
        ev = event(member(i), f"you clearly have no clue what you are on about {i}",
                   minutes=i, reply_to=999, parent_author=50)
        detector.observe(ev, result(insult=0.5), verdict(), POLICY)
    for i in range(10):
        at = T0 + timedelta(seconds=20 * i)
        detector.observe_join(GUILD, member(300 + i, age_days=0.5, at=at), at, POLICY)
    guild = detector._guilds[GUILD]
    assert 301 in guild.raid.raider_ids()

    detector.forget(GUILD, 2)
    detector.forget(GUILD, 301)

    assert [h.author_id for h in guild.pile_ons.targets[50].hits] == [1, 3]
    assert 301 not in guild.raid.raider_ids()
    assert all(m.id != 301 for _, m in guild.raid.joins)
    detector.forget(GUILD, 50)
    assert 50 not in guild.pile_ons.targets
