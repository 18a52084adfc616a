"""SNLI 1.0 dev + test (Bowman et al. 2015), via e-SNLI (Camburu et al. 2018): premise/hypothesis.

Files ``s1.<split>`` (premise), ``s2.<split>`` (hypothesis) and ``labels.<split>`` are
line-aligned and PTB-tokenised, so text is detokenised here. Only SNLI's dev and test files
exist locally; both are SNLI's, not Vigil's held-out suites, so both are used as training
data and split train/dev by hashing the premise (one premise never straddles the split).
Licence: SNLI CC BY-SA 4.0; e-SNLI repository MIT.

Mapping (parent = premise, text = hypothesis): entailment -> agree, contradiction ->
disagree, neutral -> neutral. Image captions are benign, so toxicity = 0.0.
"""

from __future__ import annotations

from pathlib import Path

from models.api import STANCES
from models.data.common import PairExample, dup_key, hashed_split

DIR = "snli_devtest_esnli"
FILES = ("dev", "test")
SOURCE = "snli"

_MAP = {
    "entailment": STANCES.index("agree"),
    "contradiction": STANCES.index("disagree"),
    "neutral": STANCES.index("neutral"),
}
#: Tokens glued to the previous token (punctuation, clitics, closing brackets/quotes).
_GLUE_LEFT = {".", ",", ";", ":", "!", "?", "%", ")", "]", "}", "''", "..."}
_CLITICS = {"'s", "'m", "'re", "'ve", "'d", "'ll", "n't"}
#: Tokens glued to the next token (opening brackets/quotes, currency).
_GLUE_RIGHT = {"(", "[", "{", "``", "$", "#"}
_QUOTES = {"``": '"', "''": '"', "`": "'"}


def detokenize(text: str) -> str:
    """Undo PTB tokenisation: ``does n't`` -> ``doesn't``, ``( x )`` -> ``(x)``, quotes."""
    out = ""
    glue_next = True
    single_open = False
    toks = text.split()
    paired = toks.count("'") % 2 == 0  # odd count: a stray quote, treat each as closing
    for tok in toks:
        low = tok.lower()
        if tok == "'":  # a bare single quote alternates open / close
            if single_open or not paired:
                out += "'"
            else:
                out += ("" if glue_next else " ") + "'"
            single_open = paired and not single_open
            glue_next = single_open
            continue
        word = _QUOTES.get(tok, tok)
        if glue_next or tok in _GLUE_LEFT or low in _CLITICS:
            out += word
        else:
            out += " " + word
        glue_next = tok in _GLUE_RIGHT
    return out.strip()


def _lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh]


def load(data_dir: Path) -> list[PairExample]:
    """All gold-labelled SNLI dev+test pairs, split by hashed premise."""
    root = Path(data_dir) / DIR
    out: list[PairExample] = []
    for name in FILES:
        premises = _lines(root / f"s1.{name}")
        hypotheses = _lines(root / f"s2.{name}")
        labels = _lines(root / f"labels.{name}")
        if not len(premises) == len(hypotheses) == len(labels):
            raise ValueError(f"{root}: s1/s2/labels.{name} are not line-aligned")
        for s1, s2, lab in zip(premises, hypotheses, labels, strict=True):
            stance = _MAP.get(lab.strip())
            if stance is None or not s1.strip() or not s2.strip():
                continue  # "-" (no annotator consensus) or blank
            premise = detokenize(s1)
            out.append(
                PairExample(
                    premise,
                    detokenize(s2),
                    stance,
                    SOURCE,
                    hashed_split(dup_key(premise)),
                    toxicity=0.0,
                )
            )
    return out
