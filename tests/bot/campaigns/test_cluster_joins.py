"""CampaignDetector clusters: loose rewrites join by the centroid, forming pairs pull in
earlier posts, and pairs merge only through a shared account."""

from __future__ import annotations

import math

import numpy as np

from bot.campaigns import CampaignDetector
from tests.bot.campaigns.detector_helpers import LOOSE, PAIR, SPUN, feed, mix
from tests.bot.campaigns.helpers import basis, event, member, near, result


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
    far = mix((0, 1.0), (3, 1.2))  # 0.63 of the centroid
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
SPREAD = (mix((0, 1.0), (1, 0.6)), mix((0, 1.0), (2, 0.6)), mix((0, 1.0), (3, 0.6)))


def test_two_authors_within_the_join_threshold_seed_a_cluster() -> None:
    assert all(0.70 <= float(a @ b) < 0.8 for a in SPREAD for b in SPREAD if a is not b)
    ring = [member(i, age_days=2) for i in (41, 42, 43)]
    alerts = feed(CampaignDetector(), [(event(ring[i], SPUN[i], minutes=5 * i), result(v))
                                       for i, v in enumerate(SPREAD)])
    assert [set(a.accounts) for a in alerts] == [{41, 42, 43}]


def _two(a: float, second: int) -> np.ndarray:
    """Unit vector ``a`` along axis 0, the rest along axis ``second``."""
    return mix((0, a), (second, math.sqrt(1 - a * a)))


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


def _split_ring(second_poster: int) -> list:
    """Accounts 91 and 92 pair on one rewrite, ``second_poster`` and 93 on another whose
    centroid is 0.72 from the first pair's (each post alone is under 0.70 to it)."""
    first, second = basis(0), mix((0, 0.65), (1, 0.76))
    ring = {i: member(i, age_days=2) for i in (91, 92, 93, 94)}
    return feed(CampaignDetector(), [
        (event(ring[91], SPUN[0], minutes=0), result(first)),
        (event(ring[92], SPUN[1], minutes=2), result(near(first, 5))),
        (event(ring[second_poster], SPUN[2], minutes=4), result(second)),
        (event(ring[93], "critics of the admins here get muted sooner or later, every time",
               minutes=6), result(mix((0, 0.8), (1, 0.6)))),
    ])


def test_two_pairs_sharing_an_account_on_one_talking_point_merge() -> None:
    assert [set(a.accounts) for a in _split_ring(91)] == [{91, 92, 93}]


def test_pairs_with_no_account_in_common_stay_apart() -> None:
    assert _split_ring(94) == []
