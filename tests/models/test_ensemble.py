"""Ensemble metadata: the member file is pinned by SHA-256 (fast: no real weights)."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from models import ensemble
from models.heads import VigilHeads


def _write_member(tmp_path):
    heads = VigilHeads()
    state = {k: v.detach().contiguous().clone() for k, v in heads.state_dict().items()}
    save_file(state, str(tmp_path / ensemble.MEMBER_FILE))
    return heads


def test_member_entry_round_trip(tmp_path) -> None:
    heads = _write_member(tmp_path)
    meta = json.loads(json.dumps({"ensemble": ensemble.member_entry(tmp_path)}))
    ((kind, loaded),) = ensemble.load_members(meta, tmp_path)
    assert kind == "frozen"
    for k, v in heads.state_dict().items():
        assert torch.equal(v, loaded.state_dict()[k])
    assert ensemble.load_members({}, tmp_path) == []


def test_member_sha_mismatch_raises(tmp_path) -> None:
    _write_member(tmp_path)
    meta = {"ensemble": ensemble.member_entry(tmp_path)}
    meta["ensemble"]["members"][0]["sha256"] = "0" * 64
    with pytest.raises(RuntimeError, match="does not match"):
        ensemble.load_members(meta, tmp_path)


def test_message_probs_is_the_plain_mean(tmp_path) -> None:
    torch.manual_seed(0)
    a, b = VigilHeads().eval(), VigilHeads().eval()
    x, xf = torch.randn(4, 768), torch.randn(4, 768)
    p, hx, logits = ensemble.message_probs(a, x, [("frozen", b)], xf)
    with torch.no_grad():
        la, ha = a.message(x)
        lb, hb = b.message(xf)
        want = (a.calib(la) + b.calib(lb)) / 2
        want_hx = (torch.softmax(ha, -1) + torch.softmax(hb, -1)) / 2
    assert torch.allclose(p, want, atol=1e-6)
    assert torch.allclose(hx, want_hx, atol=1e-6)
    assert torch.equal(logits, la)
