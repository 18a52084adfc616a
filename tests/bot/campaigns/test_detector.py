"""CampaignDetector: near-duplicates across authors become one alert; chatter does not.

Matching (exact, MinHash, embedding), when an alert fires and re-fires, and what the score
makes of account age and shared claims."""

from __future__ import annotations

import json

from bot.campaigns import CampaignDetector
from bot.campaigns.detector import _next_alert
from tests.bot.campaigns.detector_helpers import LINE, LOOSE, PAIR, POLICY, SPUN, feed
from tests.bot.campaigns.helpers import basis, event, member, near, policy, result, verdict


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


def test_a_large_cluster_re_alerts_after_a_quarter_more_accounts() -> None:
    assert [_next_alert(n, 3) for n in (3, 5, 6, 8, 12)] == [4, 6, 8, 10, 15]


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
