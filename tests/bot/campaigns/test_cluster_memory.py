"""CampaignDetector memory: the message window, new accounts' posts kept past it, clusters
retained for their TTL (slow rings), the bounds on each, and forgetting an author."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from bot.campaigns import CampaignDetector
from bot.campaigns.clusters import Entry, NearDupIndex
from tests.bot.campaigns.detector_helpers import LINE, LOOSE, PAIR, POLICY, SPUN, feed, mix
from tests.bot.campaigns.helpers import T0, basis, event, member, near, policy, result, verdict


def test_window_eviction_bounds_memory_and_forgets_old_copies() -> None:
    detector = CampaignDetector(max_messages=50)
    for i in range(200):
        detector.observe(event(member(1000 + i), f"message number {i} about topic {i * 7}",
                               minutes=i), result(basis(i)), verdict(), POLICY)
    assert detector.window_size(1) <= 50
    # Established members' copies more than window_minutes apart never meet.
    detector = CampaignDetector()
    gap = POLICY.campaigns.window_minutes + 1
    feed(detector, [(event(member(i), LINE, minutes=gap * i), result(basis(0)))
                    for i in range(4)])
    assert detector.window_size(1) == 1
    index = detector._guilds[1].index
    assert [len(index.clusters[e.cluster].accounts) for e in index.entries] == [1]


def _slow_ring(detector: CampaignDetector, cfg: dict, gap: float) -> list:
    """Four young accounts made together; each posts a rewrite ``gap`` minutes after the last
    (the first two close together), so the pair's messages expire before the rest arrive."""
    pol = policy(**cfg)
    ring = [member(i, age_days=2) for i in (51, 52, 53, 54)]
    times = (0.0, 20.0, 20.0 + gap, 20.0 + 2 * gap)
    vectors = (PAIR[0], PAIR[1], LOOSE, mix((0, 1.0), (4, 0.4)))
    alerts = []
    for account, text, minutes, vector in zip(ring, (*SPUN, LINE), times, vectors, strict=True):
        alerts += detector.observe(event(account, text, minutes=minutes), result(vector),
                                   verdict(), pol)
    return alerts


def test_slow_ring_accumulates_accounts_after_its_messages_expire() -> None:
    detector = CampaignDetector()
    alerts = _slow_ring(detector, {"window_minutes": 60, "cluster_ttl_minutes": 720}, 150)
    # Each post was alone in the message window (new accounts' posts are kept past it).
    assert len(detector._guilds[1].index.entries) == 1
    assert [set(a.accounts) for a in alerts] == [{51, 52, 53}, {51, 52, 53, 54}]
    # The third account joined by the centroid; the fourth repeats the first post verbatim,
    # which (a new account's post) was kept past the window.
    assert alerts[1].evidence["matched_by"] == {"first": 1, "embedding": 1, "centroid": 1,
                                                "exact": 1}
    json.dumps(alerts[1].evidence)


def test_without_cluster_memory_or_past_its_ttl_the_slow_ring_is_missed() -> None:
    assert _slow_ring(CampaignDetector(), {"window_minutes": 60,
                                           "cluster_ttl_minutes": 0}, 150) == []
    assert _slow_ring(CampaignDetector(), {"window_minutes": 60,
                                           "cluster_ttl_minutes": 120}, 150) == []


def test_retained_clusters_are_bounded() -> None:
    detector = CampaignDetector(max_clusters=3)
    pol = policy(window_minutes=10, cluster_ttl_minutes=10_000)
    for i in range(10):  # ten unrelated two-author pairs, each expiring from the window
        for j in range(2):
            detector.observe(event(member(100 + 2 * i + j), f"topic {i} words here {j}",
                                   minutes=30 * i + j), result(near(basis(i), j)), verdict(), pol)
    index = detector._guilds[1].index
    assert len(index.retained) <= 3
    assert len(index.clusters) <= 3 + len({e.cluster for e in index.entries})


def test_organic_newcomers_chatting_on_one_topic_do_not_alert() -> None:
    # New accounts, made and joined days apart, talk about the same game over hours: they
    # cluster (retained), but youth alone does not reach the review score.
    pol = policy(cluster_ttl_minutes=720)
    detector = CampaignDetector()
    alerts = []
    for i in range(6):
        who = member(60 + i, age_days=1 + i, joined_days=0.5 + i)
        alerts += detector.observe(event(who, f"anyone tried the new raid boss yet {i}",
                                         minutes=70 * i), result(near(basis(0), i % 3)),
                                   verdict(), pol)
    assert alerts == []
    assert max(len(c.accounts) for c in detector._guilds[1].index.clusters.values()) == 6


def test_new_accounts_posts_are_kept_past_the_window_for_the_cluster_ttl() -> None:
    pol = policy(window_minutes=60, cluster_ttl_minutes=300)

    def run(age_days: float, gap: float) -> tuple[list, CampaignDetector]:
        detector = CampaignDetector()
        alerts = []
        for i in range(3):
            alerts += detector.observe(event(member(70 + i, age_days=age_days), LINE,
                                             minutes=gap * i), result(basis(0)), verdict(), pol)
        return alerts, detector

    alerts, detector = run(2.0, 90)  # each copy 90 minutes after the last: past the window
    assert [set(a.accounts) for a in alerts] == [{70, 71, 72}]
    index = detector._guilds[1].index
    assert len(index.entries) == 1
    assert len(index.kept) == 2
    # Past the cluster TTL a kept post is forgotten; established members' posts are not kept.
    assert run(2.0, 310)[0] == []
    alerts, detector = run(400.0, 90)
    assert alerts == []
    assert detector.window_size(1) == 1


def test_kept_posts_are_bounded() -> None:
    index = NearDupIndex(minhash_threshold=0.6, embedding_threshold=0.8,
                         keep_for=timedelta(hours=100), max_kept=3)
    window = timedelta(minutes=30)
    for i in range(10):
        at = T0 + timedelta(hours=i)
        index.evict(at, window)
        entry = Entry(seq=index.new_seq(), message_id=i, author=member(80 + i, age_days=1),
                      channel_id=1, at=at, key=f"k{i}", sketch=None, text=f"t{i}", keep=True)
        index.add(entry, basis(i))
    assert len(index.kept) == 3
    assert len(index) == 4
    assert [e.message_id for e in index.kept] == [6, 7, 8]
    assert index._kept_matrix() is not None
    assert len(index._kept_matrix()[0]) == 3


def test_forget_drops_an_authors_messages_samples_and_account() -> None:
    detector = CampaignDetector()
    ring = [member(i, age_days=2) for i in (1, 2, 3)]
    texts = [f"{LINE} (copy {i})" for i in range(3)]  # reworded: one embedding, three texts
    alerts = feed(detector, [(event(m, texts[i], minutes=i), result(basis(0)))
                             for i, m in enumerate(ring)])
    assert [set(a.accounts) for a in alerts] == [{1, 2, 3}]
    guild = detector._guilds[1]

    assert detector.forget(1, 2) == 1

    assert detector.window_size(1) == 2
    assert 2 not in guild.history
    assert all(e.author.id != 2 for e in guild.index.by_seq.values())
    [cluster] = guild.index.clusters.values()
    assert set(cluster.accounts) == {1, 3}
    assert cluster.texts == [texts[0], texts[2]]
    assert {p.author_id for p in cluster.posts} == {1, 3}
    assert {a for a, _ in cluster.memory} == {1, 3}
    assert detector.forget(1, 2) == 0
    assert detector.forget(5, 2) == 0  # a guild never seen
    # The ring goes on without the forgotten account.
    feed(detector, [(event(member(4, age_days=2), LINE + " again", minutes=4),
                     result(basis(0)))])
    assert [set(c.accounts) for c in guild.index.clusters.values()] == [{1, 3, 4}]


def test_forget_reaches_kept_posts_and_retained_clusters() -> None:
    pol = policy(window_minutes=60, cluster_ttl_minutes=300)
    later = "something else entirely, about the weather today"

    def pair(age_days: float, gap: float) -> CampaignDetector:
        detector = CampaignDetector()
        for i in range(2):
            detector.observe(event(member(70 + i, age_days=age_days), LINE, minutes=gap * i),
                             result(basis(0)), verdict(), pol)
        detector.observe(event(member(99), later, minutes=200), result(basis(5)), verdict(),
                         pol)
        return detector

    detector = pair(2.0, 90)  # new accounts: their posts are kept past the window
    index = detector._guilds[1].index
    assert len(index.kept) == 2
    assert detector.forget(1, 70) == 1
    assert [e.author.id for e in index.kept] == [71]
    assert len(index._kept_matrix()[0]) == 1  # type: ignore[index]

    detector = pair(400.0, 1)  # established accounts: only their cluster outlives the window
    index = detector._guilds[1].index
    assert len(index.retained) == 1
    detector.forget(1, 70)
    assert index.retained == {}  # one account left is no cluster worth keeping


def test_servers_held_at_once_are_bounded_and_the_quietest_goes_first() -> None:
    """A sharded process sees thousands of servers: their windows stay bounded in number."""
    import dataclasses

    detector = CampaignDetector(max_guilds=3)
    for guild in (1, 2, 3, 1, 4):  # server 1 speaks again before 4 arrives
        message = dataclasses.replace(event(member(guild), f"hello from server {guild} today"),
                                      guild_id=guild)
        detector.observe(message, result(basis(guild)), verdict(), POLICY)
    assert detector.guilds_held == 3
    assert [detector.window_size(g) for g in (1, 2, 3, 4)] == [2, 0, 1, 1]


def test_a_busy_server_fills_its_own_window_only() -> None:
    """Per-server limits: a flood of distinct messages in one server evicts that server's
    oldest, never another server's window (issue 13 item 4)."""
    detector = CampaignDetector(max_messages=50)
    quiet = replace(event(member(7), "our meetup is on saturday at the usual place"),
                    guild_id=2)
    detector.observe(quiet, result(basis(3)), verdict(), POLICY)
    for i in range(200):
        detector.observe(event(member(1000 + i), f"message number {i} about topic {i * 7}",
                               minutes=i / 100), result(basis(i)), verdict(), POLICY)
    assert detector.window_size(1) <= 50
    assert detector.window_size(2) == 1
