"""The moderation policy admins write in YAML, validated by pydantic.

A broken file raises :class:`PolicyConfigError` naming the file, line, key and what was
expected; callers keep the previous policy when a reload fails.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import Field, ValidationError, create_model, field_validator

from bot import policy_hints, policy_yaml
from bot.policy_types import MAX_COUNT, MAX_WINDOW_HOURS, AllowPhrase, Snowflake, Strict
from bot.policy_types import SEVERITY as SEVERITY
from bot.policy_types import Action as Action
from bot.policy_types import ActionKind as ActionKind
from bot.policy_types import LabelRule as LabelRule
from bot.policy_types import Probability as Probability
from bot.rules import REGISTRY, Rule
from models.api import LABELS

log = logging.getLogger(__name__)


class LabelOverride(Strict):
    """Per-channel or per-role changes; unset fields keep the global rule."""

    review: Probability | None = None
    act: Probability | None = None
    action: Action | None = None


class Override(Strict):
    labels: dict[str, LabelOverride] = Field(default_factory=dict)
    exempt: bool = False
    shadow_mode: bool | None = None

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, value: dict[str, LabelOverride]) -> dict[str, LabelOverride]:
        _check_label_names(value)
        return value


class Step(Strict):
    """Escalation: at ``strikes`` live strikes, use at least ``action``."""

    strikes: int = Field(ge=1, le=MAX_COUNT)
    action: Action


class Escalation(Strict):
    window_hours: float = Field(default=72.0, gt=0, le=MAX_WINDOW_HOURS)
    ladder: list[Step] = Field(default_factory=list)

    @field_validator("ladder")
    @classmethod
    def _ascending(cls, ladder: list[Step]) -> list[Step]:
        counts = [step.strikes for step in ladder]
        if counts != sorted(set(counts)):
            raise ValueError("ladder steps must have strictly increasing strikes")
        return ladder


class Claim(Strict):
    """A statement admins want messages' stance measured against."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: str = Field(min_length=3, max_length=1000)
    #: Stance probability from which a message counts as pushing the claim.
    agree_threshold: Probability = 0.6


class Exemptions(Strict):
    roles: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)


class Context(Strict):
    """How a reply's parent changes the verdict (counter-speech protection)."""

    #: A reply that disagrees with a parent at least this toxic is treated as counter-speech.
    counter_speech_parent_toxicity: Probability = 0.6
    counter_speech_disagree: Probability = 0.5
    #: Counter-speech needs this much more score to be acted on automatically.
    counter_speech_margin: Probability = 0.1
    #: Evasion (obfuscation) share above which an act-band hit is never downgraded.
    evasion_threshold: Probability = 0.2


class Campaigns(Strict):
    enabled: bool = True
    window_minutes: float = Field(default=180.0, gt=0, le=7 * 24 * 60)
    #: A cluster of 2+ accounts outlives its messages this long after its last one, so slow
    #: rings (accounts posting hours apart) still add up; 0 turns retention off.
    cluster_ttl_minutes: float = Field(default=720.0, ge=0, le=30 * 24 * 60)
    min_accounts: int = Field(default=3, ge=2, le=MAX_COUNT)
    #: Cosine similarity of sentence embeddings for a reworded ("spun") copy.
    embedding_similarity: Probability = 0.8
    #: Jaccard similarity (MinHash) for copy-paste with edits.
    #: At most 0.95: MinHash LSH over 64 permutations cannot band a stricter threshold.
    minhash_similarity: float = Field(default=0.6, ge=0.0, le=0.95)
    #: Campaign score from which a case is opened for review.
    review_score: Probability = 0.6
    action: Action = Action(kind=ActionKind.REVIEW)
    new_account_days: float = Field(default=7.0, ge=0, le=3650)
    pile_on_authors: int = Field(default=4, ge=2, le=MAX_COUNT)
    pile_on_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    pile_on_hostility: Probability = 0.35
    raid_joins: int = Field(default=8, ge=2, le=MAX_COUNT)
    raid_minutes: float = Field(default=5.0, gt=0, le=24 * 60)


class Channels(Strict):
    """Discord channel and role ids the bot posts to or assigns."""

    review: Snowflake | None = None
    mod_log: Snowflake | None = None
    appeals: Snowflake | None = None
    quarantine_role: Snowflake | None = None


class Appeals(Strict):
    enabled: bool = True
    #: A member may file at most this many appeals per day.
    per_day: int = Field(default=3, ge=1, le=100)
    min_length: int = Field(default=20, ge=1, le=1000)
    #: Times a case may be appealed again after a denial (0: a denial is final).
    after_denial: int = Field(default=1, ge=0, le=10)


class Retention(Strict):
    #: Days stored message text (case excerpts, appeals, campaign samples) is kept.
    message_text_days: int = Field(default=30, ge=1, le=3650)


class ModelSpec(Strict):
    """Which scorer to load: the shipped default, or a local Hugging Face checkpoint."""

    #: "default", or a folder with a sequence-classification checkpoint (never downloaded).
    model: str = "default"
    #: Checkpoint label -> Vigil label, e.g. {"toxic": "toxicity", "obscene": "profanity"}.
    label_map: dict[str, str] | None = None
    #: Labels the checkpoint lacks come from the default heads, or are 0.
    fallback: Literal["default", "zero"] = "default"
    multi_label: bool | None = None
    max_tokens: int = Field(default=256, ge=8, le=4096)
    #: A ``python -m models.serve`` service to score through instead of loading the model
    #: here (``VIGIL_MODEL_URL`` overrides it); e.g. "http://scorer:8000".
    url: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+[^\s]*$")
    #: Seconds one remote scoring call may take before the messages count as not scored.
    timeout_s: float = Field(default=10.0, gt=0, le=300)

    @field_validator("label_map")
    @classmethod
    def _maps_to_labels(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None:
            _check_label_names(dict.fromkeys(value.values()))
        return value


class PolicyBase(Strict):
    """The whole moderation policy; ``version`` is a hash recorded on every case.

    The sections of the rule plug-ins (``flood``, ``scam_links``, ``threats``, ...) are
    added from the rule registry by :func:`policy_model`; read one with ``Rule.settings``.
    """

    shadow_mode: bool = False
    labels: dict[str, LabelRule]
    channels: dict[str, Override] = Field(default_factory=dict)
    roles: dict[str, Override] = Field(default_factory=dict)
    exempt: Exemptions = Exemptions()
    allow_phrases: list[AllowPhrase] = Field(default_factory=list, max_length=1000)
    escalation: Escalation = Escalation()
    claims: list[Claim] = Field(default_factory=list, max_length=32)
    context: Context = Context()
    campaigns: Campaigns = Campaigns()
    discord: Channels = Channels()
    appeals: Appeals = Appeals()
    retention: Retention = Retention()
    model: ModelSpec = ModelSpec()
    version: str = Field(default="", exclude=True)

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, value: dict[str, LabelRule]) -> dict[str, LabelRule]:
        _check_label_names(value)
        return value

    @field_validator("claims")
    @classmethod
    def _unique_claims(cls, claims: list[Claim]) -> list[Claim]:
        ids = [claim.id for claim in claims]
        if len(ids) != len(set(ids)):
            raise ValueError("claim ids must be unique")
        return claims


def policy_model(rules: Sequence[type[Rule]] = REGISTRY) -> type[PolicyBase]:
    """The policy model with one section per rule that has one (its defaults when absent)."""
    sections: dict[str, Any] = {
        rule.section: (rule.config, Field(default_factory=rule.config))
        for rule in rules if rule.section and rule.config
    }
    return create_model("Policy", __base__=PolicyBase, __module__=__name__, **sections)


if TYPE_CHECKING:
    Policy = PolicyBase
else:
    Policy = policy_model()


def _check_label_names(value: dict[str, Any]) -> None:
    unknown = sorted(set(value) - set(LABELS))
    if unknown:
        hints = [f"{u!r}: did you mean {h!r}?" for u in unknown
                 if (h := policy_hints.closest(u, LABELS))]
        raise ValueError(f"unknown label(s) {unknown}; expected some of {list(LABELS)}"
                         + (f" ({'; '.join(hints)})" if hints else ""))


class PolicyConfigError(ValueError):
    """A policy file that cannot be used; ``str()`` is written for the admin."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"invalid policy {path}:\n" + "\n".join(f"  {p}" for p in problems))


def load_policy(path: Path, model: type[PolicyBase] = Policy) -> Policy:
    """Read and validate ``path``; raise :class:`PolicyConfigError` with line numbers."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyConfigError(path, [f"cannot read file: {exc.strerror or exc}"]) from exc
    try:
        source = policy_yaml.decode(data)
    except policy_yaml.YamlError as exc:
        raise PolicyConfigError(path, [f"{path}: {exc}"]) from exc
    return parse_policy(source, path, model)


def parse_policy(source: str, path: Path, model: type[PolicyBase] = Policy) -> Policy:
    try:
        data, root = policy_yaml.load(source)
    except policy_yaml.YamlError as exc:
        raise PolicyConfigError(path, [f"{path}: {exc}"]) from exc
    if not isinstance(data, dict):
        raise PolicyConfigError(path, [f"{path}: line 1: expected a mapping of policy keys"])
    try:
        policy = model.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, root, path) for error in exc.errors()]
        raise PolicyConfigError(path, problems) from exc
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return policy.model_copy(update={"version": digest})


def _describe(error: Any, root: yaml.Node | None, path: Path) -> str:
    loc = [part for part in error["loc"] if not _is_validator_tag(part)]
    key = ".".join(str(part) for part in loc) or "(top level)"
    line = policy_yaml.line_of(root, loc)
    where = f"line {line}" if line else "line ?"
    message = error["msg"].removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        hint = policy_hints.did_you_mean(Policy, loc)
        message += f" (did you mean {hint!r}?)" if hint else ""
    given = error.get("input")
    shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r:.80})"
    return f"{path}: {where}: {key}: {message}{shown}"


#: For merged policies (``bot.policy_book``), which attribute each error to one file.
describe_error = _describe


def _is_validator_tag(part: Any) -> bool:
    # pydantic adds union/validator tags such as 'function-before[...]' to locations.
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float"})


class PolicyHolder:
    """The live policy; a failed reload raises, keeps the previous one and says why."""

    def __init__(self, path: Path, policy: Policy | None = None) -> None:
        self.path = path
        self.current = policy if policy is not None else load_policy(path)
        #: Why the last reload was refused (None after a good one), for status displays.
        self.last_error: PolicyConfigError | None = None

    def reload(self) -> Policy:
        try:
            policy = load_policy(self.path)
        except PolicyConfigError as exc:
            self.last_error = exc
            log.warning("policy reload refused, still using %s: %s", self.current.version, exc)
            raise
        self.current, self.last_error = policy, None
        return policy
