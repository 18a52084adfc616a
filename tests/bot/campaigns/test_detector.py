"""CampaignDetector: near-duplicates across authors become one alert; chatter does not."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import numpy as np

from bot.campaigns import CampaignDetector
from bot.campaigns.clusters import Entry, NearDupIndex
from bot.campaigns.detector import _next_alert
from tests.bot.campaigns.helpers import (
    T0,
    basis,
    event,
    member,
    near,
    policy,
    result,
    verdict,
)

POLICY = policy()
LINE = "the moderators here are corrupt and delete every post that criticises them"


def feed(detector: CampaignDetector, items: list) -> list:
    alerts = []
    for ev, res in items:
        alerts += detector.observe(ev, res, verdict(), POLICY)
    return alerts


def test_exact_copies_from_three_new_accounts_alert_once() -> None:
    detector = CampaignDetector()
    ring = [member(i, age_days=2) for i in (1, 2, 3)]
    alerts = feed(detector, [(event(m, LINE, minutes=5 * i), result(basis(i)))
                             for i, m in enumerate(ring)])
    assert [a.kind for a in alerts] == ["campaign"]
    alert = alerts[0]
    assert set(alert.accounts) == {1, 2, 3}
    assert alert.score >= POLICY.campaigns.review_score
    assert sorted(alert.evidence["new_accounts"]) == [1, 2, 3]
    assert alert.evidence["matched_by"]["exact"] == 2
    json.dumps(alert.evidence)  # stored and reported as JSON


def test_two_accounts_are_not_enough() -> None:
    detector = CampaignDetector()
    alerts = feed(detector, [(event(member(i, age_days=1), LINE, minutes=i), result())
                             for i in (1, 2)])
    assert alerts == []


def test_copy_paste_with_edits_matches_by_minhash() -> None:
    detector = CampaignDetector()
    texts = [
        "Free nitro giveaway for everyone in this server, claim yours now before it ends",
        "free nitro giveaway for everyone in this server!! claim yours now before it ends today",
        "FREE nitro giveaway for everyone in the server, claim yours now before it ends",
    ]
    # Orthogonal embeddings: only the word shingles can join these.
    alerts = feed(detector, [(event(member(i, age_days=1), t, minutes=i), result(basis(i)))
                             for i, t in enumerate(texts)])
    assert len(alerts) == 1
    assert alerts[0].evidence["matched_by"].get("minhash", 0) == 2


def test_spun_paraphrases_match_by_embedding() -> None:
    detector = CampaignDetector()
    texts = [
        "the moderators here are corrupt and delete every post that criticises them",
        "staff on this server are crooked, they wipe any message calling them out",
        "admins in this place remove all criticism because they are dishonest",
    ]
    anchor = basis(3)
    alerts = feed(detector, [(event(member(i, age_days=3), t, minutes=30 * i),
                              result(near(anchor, i))) for i, t in enumerate(texts)])
    assert len(alerts) == 1
    assert alerts[0].evidence["matched_by"]["embedding"] == 2


def test_distinct_organic_messages_do_not_alert() -> None:
    detector = CampaignDetector()
    texts = [
        "anyone watching the match tonight, kickoff is at eight i think",
        "my cat knocked the plant off the shelf again this morning",
        "finally finished the raid dungeon with my guild after three tries",
        "does anyone know a good recipe for vegan lasagne that freezes well",
    ]
    alerts = feed(detector, [(event(member(i, age_days=1), t, minutes=i), result(basis(i)))
                             for i, t in enumerate(texts)])
    assert alerts == []


def test_common_short_phrases_from_old_members_do_not_alert() -> None:
    detector = CampaignDetector()
    items = []
    for i in range(12):
        for phrase in ("lol", "thanks!", "good morning everyone"):
            items.append((event(member(100 + i), phrase, minutes=i), result(basis(0))))
    assert feed(detector, items) == []


def test_same_popular_link_from_old_members_is_not_a_campaign() -> None:
    detector = CampaignDetector()
    items = [(event(member(200 + i, age_days=300 + 50 * i),
                    "https://youtu.be/dQw4w9WgXcQ", minutes=3 * i), result(basis(1)))
             for i in range(6)]
    assert feed(detector, items) == []


def test_one_author_repeating_is_spam_not_campaign() -> None:
    detector = CampaignDetector()
    spammer = member(7, age_days=1)
    alerts = feed(detector, [(event(spammer, LINE, minutes=i), result(basis(0)))
                             for i in range(6)])
    assert alerts == []
    assert detector.last_signals["repeat"] == 1.0


def test_growth_realerts_only_when_accounts_grow_by_a_quarter() -> None:
    detector = CampaignDetector()
    alerts = feed(detector, [(event(member(i, age_days=1), LINE, minutes=i), result(basis(0)))
                             for i in range(1, 9)])
    # Every new account up to 2 x min_accounts (6), then only at 1.25 x growth (8): not 7.
    assert [len(a.accounts) for a in alerts] == [3, 4, 5, 6, 8]


def test_old_accounts_with_no_other_signal_stay_under_review_score() -> None:
    detector = CampaignDetector()
    authors = [member(i, age_days=500 + 97 * i) for i in range(5)]
    alerts = feed(detector, [(event(m, LINE, minutes=40 * i), result(basis(0)))
                             for i, m in enumerate(authors)])
    assert alerts == []


def test_shared_claim_stance_raises_the_score() -> None:
    authors = [member(i, age_days=20 + i) for i in range(4)]

    def run(claims: dict[str, float]) -> list:
        detector = CampaignDetector()
        out = []
        for i, m in enumerate(authors):
            out += detector.observe(event(m, LINE, minutes=20 * i), result(basis(0)),
                                    verdict(claims), policy(review_score=0.05))
        return out

    with_claim, without = run({"mods-corrupt": 0.9}), run({})
    assert with_claim[0].score > without[0].score
    assert with_claim[0].evidence["claims"] == ["mods-corrupt"]


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


def _mix(*weights: tuple[int, float]) -> np.ndarray:
    vector = np.zeros(16, dtype=np.float32)
    for index, weight in weights:
        vector[index] = weight
    return vector / np.linalg.norm(vector)


# Two rewrites at cosine 0.92 (a strict pair), and a third rewrite at 0.77 of each of them
# (under the strict 0.80) but 0.78 of their centroid (over the 0.70 join threshold).
PAIR = (_mix((0, 1.0), (1, 0.3)), _mix((0, 1.0), (2, 0.3)))
LOOSE = _mix((0, 1.0), (3, 0.75))
SPUN = ("the moderators here are corrupt and delete every post that criticises them",
        "staff on this server cannot be trusted, they wipe any message calling them out",
        "whoever runs this place silences people who disagree, what are they hiding")


def _spun(detector: CampaignDetector, authors: list, third: np.ndarray) -> list:
    items = [(event(authors[i], SPUN[i], minutes=10 * i), result(vector))
             for i, vector in enumerate((*PAIR, third))]
    return feed(detector, items)


def test_pair_threshold_alone_misses_a_loose_third_rewrite() -> None:
    assert float(LOOSE @ PAIR[0]) < 0.8
    assert float(LOOSE @ PAIR[1]) < 0.8
    ring = [member(i, age_days=2) for i in (31, 32, 33)]
    assert _spun(CampaignDetector(join_margin=0.0), ring, LOOSE) == []


def test_loose_rewrite_joins_a_two_author_cluster_by_its_centroid() -> None:
    ring = [member(i, age_days=2) for i in (31, 32, 33)]
    alerts = _spun(CampaignDetector(), ring, LOOSE)
    assert [set(a.accounts) for a in alerts] == [{31, 32, 33}]
    assert alerts[0].evidence["matched_by"] == {"first": 1, "embedding": 1, "centroid": 1}


def test_centroid_join_needs_the_centroid_close_enough() -> None:
    far = _mix((0, 1.0), (3, 1.2))  # 0.63 of the centroid
    ring = [member(i, age_days=2) for i in (31, 32, 33)]
    assert _spun(CampaignDetector(), ring, far) == []


def test_an_author_cannot_corroborate_their_own_cluster() -> None:
    # The loose third message comes from the first author: backed by the second author it
    # joins the pair's cluster, but adds no account, so two accounts stay under min_accounts.
    first, second = member(31, age_days=2), member(32, age_days=2)
    detector = CampaignDetector()
    assert _spun(detector, [first, second, first], LOOSE) == []
    clusters = list(detector._guilds[1].index.clusters.values())
    assert [(len(c.live), len(c.accounts)) for c in clusters] == [(3, 2)]
    # One author's own loose rewrites never seed a cluster by themselves.
    detector = CampaignDetector()
    assert feed(detector, [(event(first, SPUN[i], minutes=i), result(v))
                           for i, v in enumerate((PAIR[0], LOOSE))]) == []
    assert sorted(len(c.live) for c in detector._guilds[1].index.clusters.values()) == [1, 1]


# Three rewrites pairwise at cosine 0.74: none is a strict (0.80) pair of another.
SPREAD = (_mix((0, 1.0), (1, 0.6)), _mix((0, 1.0), (2, 0.6)), _mix((0, 1.0), (3, 0.6)))


def test_two_authors_within_the_join_threshold_seed_a_cluster() -> None:
    assert all(0.70 <= float(a @ b) < 0.8 for a in SPREAD for b in SPREAD if a is not b)
    ring = [member(i, age_days=2) for i in (41, 42, 43)]
    alerts = feed(CampaignDetector(), [(event(ring[i], SPUN[i], minutes=5 * i), result(v))
                                       for i, v in enumerate(SPREAD)])
    assert [set(a.accounts) for a in alerts] == [{41, 42, 43}]


def _slow_ring(detector: CampaignDetector, cfg: dict, gap: float) -> list:
    """Four young accounts made together; each posts a rewrite ``gap`` minutes after the last
    (the first two close together), so the pair's messages expire before the rest arrive."""
    pol = policy(**cfg)
    ring = [member(i, age_days=2) for i in (51, 52, 53, 54)]
    times = (0.0, 20.0, 20.0 + gap, 20.0 + 2 * gap)
    vectors = (PAIR[0], PAIR[1], LOOSE, _mix((0, 1.0), (4, 0.4)))
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


def test_old_accounts_matched_by_centroid_stay_under_review_score() -> None:
    crowd = [member(i, age_days=400 + 130 * i) for i in (31, 32, 33)]
    detector = CampaignDetector()
    items = [(event(crowd[i], SPUN[i], minutes=45 * i), result(vector))
             for i, vector in enumerate((*PAIR, LOOSE))]
    assert feed(detector, items) == []
    cluster = max(detector._guilds[1].index.clusters.values(), key=lambda c: len(c.accounts))
    assert len(cluster.accounts) == 3  # they did cluster; the score is what keeps it quiet


def test_established_members_who_said_the_same_are_context_not_accused() -> None:
    # Two long-standing members post the talking point first; then three accounts made and
    # joined together repeat it. The alert names the three; the members are context only.
    crowd = [member(i, age_days=900 + 200 * i) for i in (71, 72)]
    ring = [member(i, age_days=2) for i in (73, 74, 75)]
    items = [(event(who, LINE, minutes=5 * n), result(near(basis(0), n % 3)))
             for n, who in enumerate((*crowd, *ring))]
    alerts = feed(CampaignDetector(), items)
    assert alerts
    assert set(alerts[-1].accounts) == {73, 74, 75}
    assert alerts[-1].evidence["similar_accounts"] == [71, 72]
    assert len(alerts[-1].message_ids) == 3
    json.dumps(alerts[-1].evidence)


def _two(a: float, second: int) -> np.ndarray:
    """Unit vector ``a`` along axis 0, the rest along axis ``second``."""
    return _mix((0, a), (second, math.sqrt(1 - a * a)))


def _late_pair(c: float) -> list:
    """A lone rewrite (cosine ``c`` of 0.8485 to each) posted before two rewrites 0.72 apart."""
    x, y, z = _two(0.8485, 1), _two(0.8485, 2), _two(c, 3)
    ring = [member(i, age_days=2) for i in (61, 62, 63)]
    return feed(CampaignDetector(), [(event(ring[0], SPUN[2], minutes=0), result(z)),
                                     (event(ring[1], SPUN[0], minutes=5), result(x)),
                                     (event(ring[2], SPUN[1], minutes=10), result(y))])


def test_a_forming_pair_pulls_in_an_earlier_lone_rewrite_near_its_centroid() -> None:
    # 0.66 to each of the pair (under the 0.70 join threshold) but 0.71 to their centroid.
    alerts = _late_pair(0.7778)
    assert [set(a.accounts) for a in alerts] == [{61, 62, 63}]
    assert alerts[0].evidence["matched_by"] == {"first": 2, "centroid": 1, "pulled": 1}


def test_a_lone_post_off_the_pair_centroid_is_not_pulled_in() -> None:
    assert _late_pair(0.7071) == []  # 0.60 to each, 0.65 to the centroid


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


def _split_ring(second_poster: int) -> list:
    """Accounts 91 and 92 pair on one rewrite, ``second_poster`` and 93 on another whose
    centroid is 0.72 from the first pair's (each post alone is under 0.70 to it)."""
    first, second = basis(0), _mix((0, 0.65), (1, 0.76))
    ring = {i: member(i, age_days=2) for i in (91, 92, 93, 94)}
    return feed(CampaignDetector(), [
        (event(ring[91], SPUN[0], minutes=0), result(first)),
        (event(ring[92], SPUN[1], minutes=2), result(near(first, 5))),
        (event(ring[second_poster], SPUN[2], minutes=4), result(second)),
        (event(ring[93], "critics of the admins here get muted sooner or later, every time",
               minutes=6), result(_mix((0, 0.8), (1, 0.6)))),
    ])


def test_two_pairs_sharing_an_account_on_one_talking_point_merge() -> None:
    assert [set(a.accounts) for a in _split_ring(91)] == [{91, 92, 93}]


def test_pairs_with_no_account_in_common_stay_apart() -> None:
    assert _split_ring(94) == []


def test_a_large_cluster_re_alerts_after_a_quarter_more_accounts() -> None:
    assert [_next_alert(n, 3) for n in (3, 5, 6, 8, 12)] == [4, 6, 8, 10, 15]


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
