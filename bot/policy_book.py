"""Which policy each server runs, and what its admins changed from Discord.

``--config`` / ``VIGIL_CONFIG_PATH`` names a file (every server runs it) or a folder::

    config/
      default.yaml                  every server starts from this
      guilds/
        123456789012345678.yaml     one server's changes (merged over the default)

The pipeline and services ask :meth:`PolicyBook.for_guild` for each message or case; a
server without a file of its own runs the default. A reload from a server
(:meth:`PolicyBook.reload` with its id) re-reads the default and that server's file and
changes that server only; a reload without an id re-reads everything (start, tools).
What admins set from Discord (:class:`GuildOverrides`: channels and shadow mode, kept in
the database by :mod:`bot.server_settings`) sits on top; shadow mode set that way is
marked in the version (``+shadow:on``), so a case tells it apart from the file's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.policy_config import Policy, PolicyConfigError, PolicyHolder
from bot.policy_files import PolicyFile, merged_policy, read_policy_file

log = logging.getLogger(__name__)

DEFAULT_NAME = "default.yaml"
GUILDS_DIR = "guilds"
_GUILD_FILE = re.compile(r"^(\d{1,20})\.yaml$")


@dataclass(frozen=True, slots=True)
class GuildOverrides:
    """What a server's admins set with ``/vigil setup`` and ``/vigil shadow``.

    None: the policy file decides."""

    review: int | None = None
    mod_log: int | None = None
    appeals: int | None = None
    shadow_mode: bool | None = None
    #: Who set them last, and when (shown by ``/vigil config show``).
    set_by: int | None = None
    set_at: datetime | None = None

    def channel(self, name: str) -> int | None:
        value = getattr(self, name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def apply(self, policy: Policy) -> Policy:
        channels = {name: value for name in ("review", "mod_log", "appeals")
                    if (value := self.channel(name)) is not None}
        update: dict[str, object] = {}
        if channels:
            update["discord"] = policy.discord.model_copy(update=channels)
        if self.shadow_mode is not None:
            update["shadow_mode"] = self.shadow_mode
            update["version"] = f"{policy.version}+shadow:{'on' if self.shadow_mode else 'off'}"
        return policy.model_copy(update=update) if update else policy


@dataclass(frozen=True, slots=True)
class _Entry:
    """A server's policy from files: the default as read then, its own file, the result."""

    default: PolicyFile | None
    own: PolicyFile | None
    policy: Policy


class PolicyBook:
    """Policies by server id; a failed reload raises, keeps what was and says why."""

    def __init__(self, path: Path, default: Policy | None = None) -> None:
        """``default`` given: use it for every server without reading ``path`` (tests)."""
        self.path = path
        self.directory = path.is_dir()
        self._default_file: PolicyFile | None = None
        self._entries: dict[int, _Entry] = {}
        self._overrides: dict[int, GuildOverrides] = {}
        self._effective: dict[int, tuple[Policy, GuildOverrides | None, Policy]] = {}
        #: Why the last reload was refused, by server (None: a reload of everything).
        self.errors: dict[int | None, PolicyConfigError] = {}
        if default is not None:
            self._default = default
        else:
            self._default_file, self._default, self._entries = self._read_all()

    # ------------------------------------------------------------------ reading

    @property
    def default_path(self) -> Path:
        return self.path / DEFAULT_NAME if self.directory else self.path

    def guild_path(self, guild_id: int) -> Path | None:
        """Where a server's own file lives (None: one file for all servers)."""
        return self.path / GUILDS_DIR / f"{guild_id}.yaml" if self.directory else None

    def _guild_files(self) -> dict[int, Path]:
        folder = self.path / GUILDS_DIR
        if not self.directory or not folder.is_dir():
            return {}
        found: dict[int, Path] = {}
        for path in sorted(folder.glob("*.yaml")):
            match = _GUILD_FILE.match(path.name)
            if match is None:
                raise PolicyConfigError(path, [
                    f"{path}: a server file is named by the server id, e.g. "
                    f"{GUILDS_DIR}/123456789012345678.yaml (Developer Mode → Copy Server ID)"])
            found[int(match[1])] = path
        return found

    def _read_default(self) -> PolicyFile:
        path = self.default_path
        if self.directory and not path.is_file():
            raise PolicyConfigError(path, [f"{path}: a policy folder needs {DEFAULT_NAME}"])
        return read_policy_file(path)

    def _read_all(self) -> tuple[PolicyFile, Policy, dict[int, _Entry]]:
        default_file = self._read_default()
        default = merged_policy(default_file)
        entries = {}
        for guild_id, path in self._guild_files().items():
            own = read_policy_file(path, server_file=True)
            entries[guild_id] = _Entry(default_file, own, merged_policy(default_file, own))
        return default_file, default, entries

    def reload(self, guild_id: int | None = None) -> Policy:
        """Re-read the files: everything, or the default and one server's file for that
        server only (other servers keep theirs). Returns the policy now in force there."""
        try:
            if guild_id is None:
                default_file, default, entries = self._read_all()
            else:
                entry = self._read_guild(guild_id)
        except PolicyConfigError as exc:
            self.errors[guild_id] = exc
            log.warning("policy reload refused (guild %s), still using %s: %s",
                        guild_id or "all", self.for_guild(guild_id or 0).version, exc)
            raise
        self.errors.pop(guild_id, None)
        if guild_id is None:
            self._default_file, self._default, self._entries = default_file, default, entries
            self._effective.clear()
            return default
        self._entries[guild_id] = entry
        self._effective.pop(guild_id, None)
        return self.for_guild(guild_id)

    def _read_guild(self, guild_id: int) -> _Entry:
        default_file = self._read_default()
        path = self.guild_path(guild_id)
        own = read_policy_file(path, server_file=True) if path and path.is_file() else None
        return _Entry(default_file, own, merged_policy(default_file, own))

    # ------------------------------------------------------------------ asking

    @property
    def current(self) -> Policy:
        """The default policy: what a server without its own file or changes runs."""
        return self._default

    @current.setter
    def current(self, policy: Policy) -> None:
        # Tools and tests swap the default; servers with files of their own keep theirs.
        self._default = policy

    @property
    def last_error(self) -> PolicyConfigError | None:
        return self.errors.get(None)

    def files_policy(self, guild_id: int) -> Policy:
        """The server's policy from the files alone (no changes made from Discord)."""
        entry = self._entries.get(guild_id)
        return entry.policy if entry is not None else self._default

    def for_guild(self, guild_id: int) -> Policy:
        """The policy a server runs: its files, then what its admins set from Discord."""
        base = self.files_policy(guild_id)
        overrides = self._overrides.get(guild_id)
        cached = self._effective.get(guild_id)
        if cached is not None and cached[0] is base and cached[1] is overrides:
            return cached[2]
        policy = overrides.apply(base) if overrides is not None else base
        self._effective[guild_id] = (base, overrides, policy)
        return policy

    def overrides(self, guild_id: int) -> GuildOverrides:
        return self._overrides.get(guild_id, GuildOverrides())

    def set_overrides(self, guild_id: int, overrides: GuildOverrides) -> None:
        self._overrides[guild_id] = overrides

    def own_file(self, guild_id: int) -> Path | None:
        """The server's own file in force, if it has one."""
        entry = self._entries.get(guild_id)
        return entry.own.path if entry is not None and entry.own is not None else None

    def origin(self, guild_id: int, dotted: str) -> str:
        """Where a server's value of ``dotted`` (``discord.review``, ``shadow_mode``,
        ``flood``) comes from: ``command``, a file's name, or ``built-in default``."""
        overrides = self._overrides.get(guild_id)
        name = dotted.removeprefix("discord.")
        if overrides is not None and getattr(overrides, name, None) is not None:
            return "command"
        entry = self._entries.get(guild_id)
        if entry is not None and entry.own is not None and entry.own.holds(dotted):
            return self._shown(entry.own.path)
        default = entry.default if entry is not None else self._default_file
        if default is None:
            return "file"
        return self._shown(default.path) if default.holds(dotted) else "built-in default"

    def _shown(self, path: Path) -> str:
        if self.directory:
            try:
                return str(path.relative_to(self.path))
            except ValueError:
                pass
        return path.name


def as_book(policy: PolicyBook | PolicyHolder) -> PolicyBook:
    """A book from a one-file holder (every server runs its policy), or the book itself."""
    if isinstance(policy, PolicyBook):
        return policy
    return PolicyBook(policy.path, policy.current)
