"""A small simulated community through the replay (fake scorer): the report's campaigns."""

from __future__ import annotations

import json
from pathlib import Path

from bot.campaigns import CampaignDetector
from bot.policy_config import PolicyHolder
from bot.tools.campaigns.evaluate import evaluate, organic_flagged
from bot.tools.replay import replay
from bot.tools.report import report_data
from bot.tools.simulate.cli import write
from tests.fakes import FakeScorer


async def test_replay_reports_planted_spam_and_raid_and_no_organic(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    transcript, truth_path = write(tmp_path / "sim", members=60, seed=11, hours=12)
    truth = json.loads(truth_path.read_text())
    result = await replay(transcript, policy_holder, FakeScorer(), tmp_path / "vigil.db",
                          detector=CampaignDetector(), progress=False)
    data = report_data(result)
    json.dumps(data, default=None)  # evidence must be plain JSON
    campaigns = data["campaigns"]
    assert campaigns
    assert all({"accounts", "message_ids", "score"} <= set(c) for c in campaigns)
    rows = {row.scenario: row for row in evaluate(result.alerts, truth)}
    # Copy-paste spam is found by MinHash whatever the embedder; the raid by its join burst.
    assert rows["copy-paste-spam"].recall == 1.0
    assert rows["copy-paste-spam"].precision == 1.0
    assert rows["raid"].recall == 1.0
    assert rows["repeat-spammer"].flagged == 0
    assert organic_flagged(result.alerts, truth) == set()
