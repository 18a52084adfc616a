from datetime import UTC, datetime

from bot.policy_config import Policy
from bot.storage.records import MessageScore
from bot.tools.calibrate import advice_table, advise

AT = datetime(2026, 3, 1, tzinfo=UTC)


def reviewed(message_id: int, toxicity: float, decision: str) -> MessageScore:
    return MessageScore(
        message_id=message_id, guild_id=1, channel_id=2, author_id=3, created_at=AT,
        scores={"toxicity": toxicity}, stance=None, labels=("toxicity",), action="review",
        band="review", evasion=0.0, model_version="m", policy_version="p",
        review_decision=decision,
    )


def test_advises_the_lowest_band_moderators_agree_with(default_policy: Policy) -> None:
    # Moderators kept everything under 0.7 and removed everything from 0.75 up.
    records = [reviewed(i, 0.55 + 0.02 * i, "keep") for i in range(8)]
    records += [reviewed(100 + i, 0.75 + 0.02 * i, "remove") for i in range(8)]
    advice = {a.label: a for a in advise(records, default_policy)}
    tox = advice["toxicity"]
    assert (tox.reviewed, tox.removed) == (16, 8)
    assert tox.lowest_removed == 0.75
    assert tox.suggested_act is not None
    assert 0.69 <= tox.suggested_act <= 0.75
    assert advice["spam"].reviewed == 0
    assert advice["spam"].suggested_act is None
    assert "toxicity" in advice_table(list(advice.values()))


def test_no_advice_without_enough_decisions(default_policy: Policy) -> None:
    records = [reviewed(1, 0.9, "remove"), reviewed(2, 0.95, "remove")]
    tox = next(a for a in advise(records, default_policy) if a.label == "toxicity")
    assert tox.suggested_act is None
    assert tox.removed == 2


def test_a_rule_hit_is_not_evidence_about_the_label_it_counts_under(
    default_policy: Policy,
) -> None:
    # Threat wording queued these (threat score 0.00); moderators removed them all. That says
    # the wording rule is right, not that the threat band should act at 0.00.
    records = [
        MessageScore(
            message_id=i, guild_id=1, channel_id=2, author_id=3, created_at=AT,
            scores={"threat": 0.0}, stance=None, labels=("threat",), action="review",
            band="review", evasion=0.0, model_version="m", policy_version="p",
            review_decision="remove", rules={"threats": ("threat",)},
        )
        for i in range(8)
    ]
    threat = next(a for a in advise(records, default_policy) if a.label == "threat")
    assert threat.reviewed == 0
    assert threat.suggested_act is None
    assert threat.lowest_removed is None


def test_band_hits_recorded_by_rule_id_still_count() -> None:
    record = reviewed(1, 0.8, "remove")
    assert record.band_labels() == ("toxicity",)  # a row from before rule ids were recorded
    tagged = MessageScore(**{**_fields(record), "rules": {"bands": ("toxicity",)}})
    assert tagged.band_labels() == ("toxicity",)


def _fields(record: MessageScore) -> dict[str, object]:
    return {name: getattr(record, name) for name in MessageScore.__dataclass_fields__}
