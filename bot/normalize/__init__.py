"""Text normalisation applied before every message is scored and hashed.

The toxicity/spam models are English-trained (MiniLM, uncased WordPiece) and the campaign
detector hashes near-duplicates, so both want the *meaning* of a message with obfuscation
undone: look-alike letters, leetspeak, spelled-out words, invisible characters and zalgo.
Everything here is stdlib-only, precompiled and total: ``normalize`` never raises on a str.

Pipeline (order matters, each step explains why it sits where it does):

1. NFKC: folds fullwidth, mathematical alphanumerics, ligatures, circled letters.
2. Right-to-left override runs are reversed (``\\u202ekcuf`` *displays* as a slur), then
   invisible/format characters and bidi controls are dropped, keeping the joiners and
   variation selectors that emoji sequences need.
3. Diacritics: every mark from the generic combining blocks is removed after NFD (see
   ``_MARKS``). Legitimate accents leave a readable word (café -> cafe, naïve -> naive), zalgo
   stacks and strike-through "fonts" vanish, and accent evasion (fück) is undone. Marks of
   scripts whose vowels are combining marks (Devanagari, Thai, Hebrew, Arabic) live in
   their own blocks and are untouched.
4. URLs, e-mails, mentions, custom emoji and Discord markup become opaque placeholders so no
   later step rewrites them (``b1t.ly/x`` stays a URL).
5. Homoglyphs: small caps/IPA always; Cyrillic/Greek/Armenian/Cherokee look-alikes only in
   words that mix them with Latin, or in messages with no genuine foreign-script letters
   (so Russian or Greek text is left alone).
6. Markdown split inside a word (``f**u**ck``), spelled-out words (``f.u.c.k``), then
   leetspeak inside mixed words (``1d10t``), never in numbers (``2024``, ``10:30``, ``$20``).
7. Letter runs of 3+ are squashed to 2 (no English word has a triple letter, and 2 keeps
   "good"/"cool" intact, while "stuupid" still tokenises close to "stupid"). ``folded``
   inherits this, so "freeeee" and "freee" hash alike.

Steps 1-3 and 5 live in ``characters``, step 4 in ``tokens``, steps 6-7 and the folded
skeleton in ``folding``; this module runs them in order and assembles the result.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.normalize.characters import clean, fold_lookalikes, replace_surrogates
from bot.normalize.folding import fold_obfuscation, fold_segment
from bot.normalize.tokens import PLACEHOLDER, host_of, invite_code, protect

__all__ = ["NormalizedText", "normalize"]

log = logging.getLogger(__name__)

_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A message and the views of it that scoring and campaign detection use."""

    #: The message as sent.
    raw: str
    #: Normalised text for the models (case preserved where it was plain).
    text: str
    #: Lowercase skeleton for near-duplicate hashing: punctuation and whitespace collapsed,
    #: letter runs squashed to two, URLs/mentions/emoji kept as tokens.
    folded: str
    #: URLs found in the message (after NFKC and invisible-character removal), in order.
    urls: tuple[str, ...]
    #: Lowercased host of each URL (parallel to ``urls``), ``www.`` stripped.
    domains: tuple[str, ...]
    #: Discord invite codes, as written.
    invites: tuple[str, ...]
    #: ``<@id>``, ``<@!id>``, ``<@&id>``, ``<#id>``, ``@everyone`` and ``@here``, as written.
    mentions: tuple[str, ...]
    #: Share in [0, 1] of the word characters that obfuscation folding changed.
    evasion: float


def _normalize(raw: str) -> NormalizedText:
    s, edits = clean(raw)
    protected = protect(s)
    work, lookalike_edits = fold_lookalikes(protected.work)
    work, word_edits = fold_obfuscation(work)
    edits += lookalike_edits + word_edits
    tokens, urls, mentions = protected.tokens, protected.urls, protected.mentions

    if tokens:
        parts = work.split(PLACEHOLDER)
        text_pieces = [parts[0]]
        fold_pieces = [fold_segment(parts[0])]
        for (kind, token), part in zip(tokens, parts[1:], strict=True):
            text_pieces += (token, part)
            folded_token = token.lower()
            if kind == "mention":
                folded_token = folded_token.replace("<@!", "<@")  # same user either way
            fold_pieces += (f" {folded_token} ", fold_segment(part))
        text = "".join(text_pieces)
        folded = " ".join("".join(fold_pieces).split())
        prose = "".join(parts)
    else:
        text = prose = work
        folded = " ".join(fold_segment(work).split())

    evasion = 0.0
    if edits:
        words = sum(map(len, _WORD_RE.findall(prose)))
        evasion = min(1.0, edits / max(words, 1))

    if not urls:
        return NormalizedText(raw, text, folded, (), (), (), tuple(mentions), evasion)
    domains = tuple(host_of(u) for u in urls)
    invites = tuple(code for u in urls if (code := invite_code(u)))
    return NormalizedText(
        raw, text, folded, tuple(urls), domains, invites, tuple(mentions), evasion
    )


def normalize(raw: str) -> NormalizedText:
    """Normalise one message for scoring and near-duplicate hashing. Never raises on a str."""
    try:
        return _normalize(raw)
    except Exception:  # a moderation pipeline must not drop a message over normalisation
        log.exception("normalize failed; falling back to whitespace-collapsed text")
        safe = replace_surrogates(raw) if isinstance(raw, str) else str(raw)
        text = " ".join(safe.split())
        return NormalizedText(
            raw=raw, text=text, folded=text.casefold(), urls=(), domains=(), invites=(),
            mentions=(), evasion=0.0,
        )
