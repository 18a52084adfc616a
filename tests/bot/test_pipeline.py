"""The whole core path with a real SQLite file, a fake scorer and a recording executor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.event import AuthorFacts, MessageEvent
from bot.policy_config import Claim
from bot.services import Services
from bot.storage.records import CaseStatus
from tests.conftest import make_event
from tests.fakes import FakeScorer, FrozenClock, RecordingExecutor


async def test_abuse_is_recorded_then_acted_on(
    services: Services, executor: RecordingExecutor
) -> None:
    outcome = await services.pipeline.handle(make_event("you idiot", id=7))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.APPLIED
    assert outcome.case.action == "delete"
    assert outcome.case.message_id == 7
    assert outcome.case.excerpt == "you idiot"
    assert set(outcome.case.labels) >= {"toxicity", "insult"}
    assert ("delete", outcome.case.number) in executor.calls
    stored = await services.db.scores.get(7)
    assert stored is not None
    assert stored.action == "delete"
    assert stored.model_version == "fake-1"
    assert stored.policy_version


async def test_civil_message_scored_but_no_case(
    services: Services, executor: RecordingExecutor
) -> None:
    outcome = await services.pipeline.handle(make_event("thanks for the help!", id=8))
    assert outcome.case is None
    assert executor.calls == []
    assert (await services.db.scores.get(8)) is not None


async def test_grey_band_opens_review_case_without_acting(
    services: Services, executor: RecordingExecutor
) -> None:
    outcome = await services.pipeline.handle(make_event("that was rude", id=9))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.OPEN
    assert outcome.case.action == "review"
    assert executor.calls == []


async def test_shadow_mode_records_without_acting(
    services: Services, executor: RecordingExecutor
) -> None:
    services.policy.current = services.policy.current.model_copy(update={"shadow_mode": True})
    outcome = await services.pipeline.handle(make_event("you idiot", id=10))
    assert outcome.case is not None
    assert outcome.case.status is CaseStatus.SHADOW
    assert outcome.case.action == "delete"
    assert executor.calls == []


async def test_repeat_offences_escalate(services: Services, clock: FrozenClock) -> None:
    first = await services.pipeline.handle(make_event("you idiot", id=11, at=clock.now))
    second = await services.pipeline.handle(
        make_event("idiot again", id=12, at=clock.now + timedelta(minutes=5))
    )
    assert first.case is not None
    assert first.case.action == "delete"
    assert second.case is not None
    assert second.case.action == "timeout"
    assert second.case.duration_minutes == 10
    assert "escalated" in second.case.reason


async def test_counter_speech_reply_is_reviewed_not_removed(services: Services) -> None:
    await services.pipeline.handle(make_event("you idiot", id=20, author_id=1))
    reply = make_event(
        "no, stop calling people idiot", id=21, author_id=2, reply_to_id=20,
        parent_text="you idiot", parent_author_id=1,
    )
    outcome = await services.pipeline.handle(reply)
    assert outcome.parent_stance is not None
    assert outcome.parent_stance["disagree"] > 0.5
    assert outcome.case is not None
    assert outcome.case.action == "review"
    assert any("counter-speech" in r for r in outcome.verdict.reasons)


async def test_claim_stance_recorded(services: Services) -> None:
    claim = Claim(id="fake-launch", text="The launch was faked.")
    services.policy.current = services.policy.current.model_copy(update={"claims": [claim]})
    outcome = await services.pipeline.handle(make_event("yes exactly, it was staged", id=30))
    assert outcome.claim_stances["fake-launch"]["agree"] > 0.5
    assert outcome.verdict.claims == {"fake-launch": 0.9}
    stored = await services.db.scores.get(30)
    assert stored is not None
    assert stored.stance is not None
    assert stored.stance["claims"]["fake-launch"]["agree"] > 0.5


async def test_obfuscated_text_scored_as_plain(services: Services) -> None:
    outcome = await services.pipeline.handle(make_event("y0u 1d10t", id=40))
    assert outcome.event.text.evasion > 0
    assert outcome.scores["insult"] > 0.9
    assert outcome.case is not None
    assert outcome.case.action == "delete"


async def test_many_messages_score_in_one_batch(
    services: Services, scorer: FakeScorer
) -> None:
    events = [make_event(f"hello number {i}", id=100 + i) for i in range(10)]
    outcomes = await services.pipeline.handle_many(events)
    assert [o.event.id for o in outcomes] == [e.id for e in events]
    assert len(scorer.batches) == 1
    assert len(scorer.batches[0]) == 10


async def test_flooding_the_same_line_is_removed_as_spam(
    services: Services, clock: FrozenClock
) -> None:
    outcomes = [
        await services.pipeline.handle(
            make_event("join my server pls", id=200 + i, at=clock.now + timedelta(minutes=i))
        )
        for i in range(4)
    ]
    assert [o.case is None for o in outcomes[:3]] == [True, True, True]
    last = outcomes[3].case
    assert last is not None
    assert last.action == "delete"
    assert last.labels == ("spam",)
    assert "flood" in last.reason


async def test_a_single_phishing_link_is_removed_as_spam(services: Services) -> None:
    message = "Nitro for 3 months, claim here: https://dlscord-gift.com/xyz"
    outcome = await services.pipeline.handle(make_event(message, id=300))
    assert outcome.scores["spam"] < 0.5  # the model alone would let it through
    case = outcome.case
    assert case is not None
    assert case.action == "delete"
    assert case.labels == ("spam",)
    assert "scam link: dlscord-gift.com looks like discord.gift" in case.reason


async def test_a_new_accounts_message_asks_for_its_embedding(
    services: Services, scorer: FakeScorer
) -> None:
    # The campaign detector matches a new account's rewordings by their embedding, so a
    # cascade in front of the encoder must not answer those from its cheap first stage.
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    young = AuthorFacts(id=7, name="fresh", created_at=at - timedelta(days=2))
    old = make_event("hello all", id=201)
    new = MessageEvent.build(id=202, guild_id=1, channel_id=10, author=young,
                             content="hello all", created_at=at)
    unknown = MessageEvent.build(id=203, guild_id=1, channel_id=10, content="hello all",
                                 author=AuthorFacts(id=8, name="no date"), created_at=at)
    await services.pipeline.handle_many([old, new, unknown])
    [batch] = scorer.batches
    assert [r.needs_embedding for r in batch] == [False, True, False]

    campaigns = services.policy.current.campaigns.model_copy(update={"enabled": False})
    services.policy.current = services.policy.current.model_copy(
        update={"campaigns": campaigns})
    await services.pipeline.handle(MessageEvent.build(
        id=204, guild_id=1, channel_id=10, author=young, content="hi again", created_at=at))
    assert [r.needs_embedding for r in scorer.batches[-1]] == [False]
