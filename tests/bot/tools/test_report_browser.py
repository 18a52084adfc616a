"""The report page in a real headless browser (Debian's chromium): what an admin sees.

A copy of the page gets one script at its end that writes the page's rendered text
(``innerText``: what is laid out and visible, not hidden markup) and the size of a case
card and a campaign card into the DOM; chromium's --dump-dom prints it. A screenshot is
taken too. Skipped without chromium, except where VIGIL_REQUIRE_BROWSER is set (CI).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bot.campaigns import CampaignDetector
from bot.policy_config import PolicyHolder
from bot.tools.replay import replay
from bot.tools.report import write_report
from bot.tools.simulate.cli import write as write_community
from tests.fakes import FakeScorer

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "community-thread.jsonl"
PROBE = """<script>
const box = id => { const e = document.getElementById(id); if (!e) return null;
  const r = e.getBoundingClientRect(); return {width: r.width, height: r.height}; };
const out = document.createElement("pre"); out.id = "probe";
out.textContent = JSON.stringify({text: document.body.innerText,
  case3: box(document.querySelector("[data-case='3']").id), campaign1: box("campaign-1"),
  svgs: document.querySelectorAll("svg").length});
document.documentElement.appendChild(out);
</script>"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("VIGIL_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (VIGIL_REQUIRE_BROWSER) but not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _browse(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.slow
async def test_the_report_renders_in_chromium_with_its_cases_and_campaigns(
    tmp_path: Path, policy_holder: PolicyHolder
) -> None:
    chromium = _chromium()
    # The example thread (scam links, insults) followed by a small simulated community
    # (campaigns that grow), one transcript.
    community, _ = write_community(tmp_path / "sim", members=40, seed=11, hours=6)
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(EXAMPLE.read_text(encoding="utf-8")
                          + community.read_text(encoding="utf-8"), encoding="utf-8")
    result = await replay(transcript, policy_holder, FakeScorer(), tmp_path / "r.db",
                          detector=CampaignDetector(), progress=False, errors=io.StringIO(),
                          keep_outcomes=False)
    page = tmp_path / "report.html"
    write_report(result, page)
    result.close()
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")

    done = _browse(chromium, tmp_path / "profile", "--dump-dom", probed.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    seen = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&quot;", '"').replace("&amp;", "&"))
    text = seen["text"]
    assert "Dry run." in text
    assert "Case #3" in text
    assert "would have deleted the message" in text
    assert "scam link: discord-gift.example imitates discord.gift" in text
    assert "FREE NITRO" in text
    assert "Campaign 1:" in text
    assert "Sample messages" in text
    assert "Growth" in text
    assert re.search(r"review 0\.\d\d", text)  # a policy line, as text in a chart
    assert seen["case3"]["height"] > 50
    assert seen["campaign1"]["height"] > 50
    assert seen["svgs"] >= 13  # two per label and the timeline

    shot = tmp_path / "report.png"
    done = _browse(chromium, tmp_path / "profile", f"--screenshot={shot}",
                   "--window-size=1200,3000", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 3000)
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50  # drawn charts and text, not a blank page
