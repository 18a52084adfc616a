"""Threat wording: explicit first-person threats of violence or doxxing aimed at a person.

The threat head gives "I will find where you live and hurt you." 0.00 (its training data has
almost no one-to-one threats; see the model card), yet moderators expect such a message in
the review queue. Pure: :class:`ThreatWordingRule` (YAML section ``threats``) calls
:func:`find_threat_wording`.

Matching runs on ``NormalizedText.folded``: lowercase, leetspeak folded ("k1ll"), chat
shorthand spelled out ("u" -> "you", "ur" -> "your"), apostrophes dropped ("I'll" -> "ill",
"you're" -> "youre") and punctuation turned to spaces. A message is a threat when it has
(first that applies, leftmost match reported):

* violence: first-person intent (:data:`INTENT`: "I will", "I'll", "I'm going to/gonna",
  "I'm coming to", a message opening with "gonna") then at most five filler words from
  :data:`FILLERS` ("I'll *go find you and* kill you"), then a violent verb aimed at a person
  (:data:`VIOLENCE`): kill/murder/hurt/stab/shoot/strangle/choke/burn you, him, her, them,
  a member mention, or your/his/her/their family, kids, head, house...; "beat" only with a
  violent ending ("beat you until...", "beat you up", "beat the shit out of you"), so "I'll
  beat you at chess" passes; break/slit/smash only a body part; "put a bullet in your head";
* doxxing (:data:`DOXXING`): "I know where you live", "I will find (out) where you live",
  "I have your address";
* menace plus pursuit: a menace (:data:`MENACE`: "you're dead", "watch your back", "keep
  talking and", "I'm coming for you") together with a first-person pursuit anywhere in the
  message (:data:`PURSUIT`: "I'll find you", "I will hunt you down", "I'm coming for you").
  Neither alone counts: "ur dead" and "I'm coming for you" are everyday trash talk.

Suppressed, a trade-off for gaming chat where "I'm gonna kill you" is usually banter:

* a game-context word anywhere in the message (:data:`GAME_CONTEXT`: "in game", "next round",
  "respawn", "gg", "1v1", ...) suppresses every match, so a real threat that mentions a game
  is missed (the model's threat and toxicity bands still apply);
* laughter or "jk" within three words after a match ("lol", "lmao", "haha", 😂) suppresses it;
  "I'll kill you lol" from an angry member is missed too;
* a negation within three words before a match ("I would *never* say I'll hurt you"), and a
  negation among the fillers is not a filler ("I will never hurt you" has no match).

Out of scope: quoting a threat in order to condemn it ("he said 'I will kill you', that's
not ok") still matches; a moderator dismisses it in review, which is why the default action
is ``review``. Third-person, conditional or implicit threats ("someone should stab you",
"it would be a shame if...") and non-English text are left to the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from bot.event import MessageEvent
from bot.normalize import NormalizedText
from bot.policy_types import Action, ActionKind, Strict
from bot.rules.base import Hit, LabelAct, Rule, RuleContext

__all__ = [
    "DOXXING", "FILLERS", "GAME_CONTEXT", "INTENT", "MENACE", "PURSUIT", "VIOLENCE",
    "ThreatWording", "ThreatWordingRule", "Threats", "find_threat_wording",
]

# --- building blocks (regexes over the folded text) -------------------------------------

#: First-person intent. "ill" is the folded "I'll"; a bare "gonna" only opens a message,
#: so "he's gonna kill you" (a warning, third person) does not count.
INTENT = (
    r"(?:i (?:will|shall|am (?:going to|gonna|about to|coming to))|ill|imma|ima"
    r"|im (?:going to|gonna|about to|coming to|finna)|^(?:gonna|going to|finna))"
)
#: Words allowed between the intent and the verb. A whitelist, not "any word": "I'll help
#: you kill him" and "I will never hurt you" must not match.
FILLERS = (
    "literally", "actually", "really", "fucking", "fuckin", "fking", "fkn", "freaking",
    "seriously", "personally", "just", "definitely", "totally", "gladly", "happily", "slowly",
    "come", "go", "and", "then", "find", "track", "hunt", "down", "there", "over", "here",
    "to", "you", "ya", "your", "ur", "house", "home", "place",
)
_PRONOUN = r"(?:you|ya|u|yall|him|her|them|<@!?\d+>)"
_POSSESSIVE = r"(?:your|ur|yo|his|her|their)"
#: Body parts, for verbs that only threaten a body ("break your legs", "slit your throat").
_BODY = r"(?:head|face|skull|throat|neck|legs?|arms?|knees?|jaw|teeth|nose|bones|fingers)"
#: A person as a target: an object pronoun or a mention, or one's relatives, body or home.
_TARGET = (
    rf"(?:{_PRONOUN}|{_POSSESSIVE} (?:whole |entire |little |fucking )?"
    r"(?:family|kids?|children|child|son|daughter|mom|mum|mother|dad|father|parents"
    rf"|wife|husband|girlfriend|boyfriend|sister|brother|dog|cat|house|home|{_BODY}))"
)
#: Violent verb phrases aimed at a target (the verb in its base form, after "I will").
VIOLENCE = (
    rf"(?:kill|murder|hurt|stab|strangle|choke|burn) {_TARGET}",
    # Not "I'll shoot you a message".
    rf"shoot {_TARGET}(?! (?:a|an|some|my|the)\b)",
    # "beat" alone is winning a game: only with a violent ending.
    rf"beat {_TARGET} (?:up|until|till|til|to death|to a pulp|senseless|bloody"
    r"|black and blue|half to death)",
    rf"beat the (?:shit|crap|hell|life|living daylights) out of {_TARGET}",
    rf"(?:break|snap|slit|cut|smash|bash) {_POSSESSIVE} {_BODY}",
    rf"put (?:a|one|two|some|\d+) (?:bullets?|rounds?|holes?|knife|blade) "
    rf"(?:in|into|through|between) {_TARGET}",
)
_WHERE = r"where (?:you|u|ya|yall|he|she|they) (?:live|lives|sleep|sleeps|stay|stays)"
#: Doxxing: knowing or finding where a person lives.
DOXXING = (
    rf"i (?:already |now )?(?:know|found out|found) {_WHERE}",
    rf"{INTENT} (?:go |come )?find (?:out )?{_WHERE}",
    rf"(?:i (?:already )?(?:know|have|got|found)|{INTENT} find) {_POSSESSIVE} "
    r"(?:home |real |irl )?address",
)
#: Menace: a threat only together with a :data:`PURSUIT`.
MENACE = (
    r"(?:youre|you are|your|ur|you r|u r) (?:so |fucking |literally )?dead",
    r"watch (?:your|ur) back",
    r"keep talking and",
    rf"im coming for {_TARGET}",
)
#: Pursuit: the speaker going after a person.
PURSUIT = (
    rf"{INTENT} (?:go |come )?(?:find|get|hunt|track|catch|come for) {_TARGET}",
    rf"(?:im|i am) coming for {_TARGET}",
)
#: Game talk: any of these in the message suppresses every match.
GAME_CONTEXT = (
    r"in (?:the )?game", r"ingame", r"next (?:round|game|match|map)", r"respawn\w*", r"spawn",
    r"ggs?", r"1v1", r"pvp", r"ranked", r"lobby",
)
#: Laughter or a disclaimer within three words after a match suppresses it.
_LAUGH_RE = re.compile(
    r"^(?:\S+ ){0,2}(?:lo+l|lmf?ao+|rofl|(?:ha){2,}h?|jk|xd|kidding|joking|😂|🤣)(?!\w)"
)
_NEGATION = frozenset({
    "not", "never", "dont", "didnt", "doesnt", "wont", "wouldnt", "cant", "couldnt",
    "shouldnt", "nobody", "noone",
})

_FILLER = r"(?: (?:" + "|".join(FILLERS) + r")){0,5}"


def _compile(patterns: tuple[str, ...], prefix: str = "") -> re.Pattern[str]:
    return re.compile(r"(?<![\w<@])" + prefix + "(?:" + "|".join(patterns) + r")(?![\w>])")


_VIOLENCE_RE = _compile(VIOLENCE, prefix=INTENT + _FILLER + " ")
_DOXXING_RE = _compile(DOXXING)
_MENACE_RE = _compile(MENACE)
_PURSUIT_RE = _compile(PURSUIT)
_GAME_RE = _compile(GAME_CONTEXT)
#: Characters between a menace and a pursuit beyond which they are quoted apart.
_MAX_GAP = 40
_APOSTROPHE = "['\u2018\u2019\u02bc`\u00b4]?"


@dataclass(frozen=True, slots=True)
class ThreatWording:
    #: The threatening words as they read in the normalised message (chat shorthand spelled
    #: out), e.g. "I will find where you live".
    phrase: str
    #: Which kind of wording: "violence", "doxxing" or "menace".
    kind: str

    def __str__(self) -> str:
        return self.phrase


def find_threat_wording(text: NormalizedText) -> ThreatWording | None:
    """The first explicit threat in one message, or None (see the module notes)."""
    folded = text.folded
    if not folded or _GAME_RE.search(folded):
        return None
    found = [
        (m.start(), m.end(), kind)
        for kind, pattern in (("violence", _VIOLENCE_RE), ("doxxing", _DOXXING_RE))
        for m in pattern.finditer(folded) if _stands(folded, m.start(), m.end())
    ]
    if found:
        start, end, kind = min(found)
        return ThreatWording(_as_written(text.text, folded[start:end]), kind)
    pair = _menace_and_pursuit(folded)
    if pair is None:
        return None
    (start, end), (other_start, other_end) = sorted(pair)
    if other_start - end > _MAX_GAP:  # quote the two parts, not the whole message
        phrase = " ... ".join(_as_written(text.text, folded[a:b]) for a, b in sorted(pair))
    else:
        phrase = _as_written(text.text, folded[start:max(end, other_end)])
    return ThreatWording(phrase, "menace")


# --- helpers ----------------------------------------------------------------------------


def _stands(folded: str, start: int, end: int) -> bool:
    """Neither negated just before nor laughed off just after."""
    before = folded[max(0, start - 64):start].split()[-3:]
    after = folded[end:end + 64].lstrip()
    return not _NEGATION.intersection(before) and not _LAUGH_RE.match(after)


def _menace_and_pursuit(folded: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first standing menace and pursuit that are not the same words.

    "I'm coming for you" is both, so it counts only beside another menace or pursuit; two
    candidates of each are enough to find a distinct pair whenever one exists.
    """
    menaces = _standing(_MENACE_RE, folded)
    pursuits = _standing(_PURSUIT_RE, folded)
    return next(((m, p) for m in menaces for p in pursuits if m != p), None)


def _standing(pattern: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    spans = (m.span() for m in pattern.finditer(folded))
    return list(islice((span for span in spans if _stands(folded, *span)), 2))


def _as_written(text: str, phrase: str) -> str:
    """The span of the normalised text that folds to ``phrase`` (case and apostrophes kept)."""
    words = (_APOSTROPHE.join(map(re.escape, word)) for word in phrase.split())
    match = re.search(r"[\W_]+".join(words), text, re.IGNORECASE)
    return match.group() if match else phrase


# --- the rule ------------------------------------------------------------------------------


class Threats(Strict):
    """Explicit first-person threats ("I will find where you live"): no models, a human decides."""

    enabled: bool = True
    #: review (the default) or none queues the message; an enforcing action acts, without a
    #: strike. Never lowers what the models decided.
    action: Action = Action(kind=ActionKind.REVIEW)


class ThreatWordingRule(Rule):
    """Explicit threat wording the threat head misses, counted under the ``threat`` label."""

    id = "threats"
    section = "threats"
    config = Threats

    def check(self, event: MessageEvent, context: RuleContext) -> Hit | None:
        rule: Threats = self.settings(context.sections)
        if not rule.enabled:
            return None
        found = find_threat_wording(event.text)
        if found is None:
            return None
        reason = f'threat wording: "{found.phrase}"'
        if rule.action.enforces:
            return Hit(self.id, (reason,), acts=(LabelAct("threat", rule.action),))
        # Review (or none): queued for a human; an act-band hit of the models still stands.
        return Hit(self.id, (reason,), reviews=("threat",))
