"""API keys: what each one may do (its role) and where (its collections).

Keys come from `CITEDQA_KEYS_FILE`, a TOML file of `[[keys]]` entries, and from the two
shorthands of a single-collection service: `CITEDQA_API_KEY` reads every collection (and,
with no admin key set, does everything, as it always did) and `CITEDQA_ADMIN_API_KEY` does
everything. A file may hold `key_sha256` (hex) instead of `key`, so it need not hold a
secret. A presented key is hashed and compared with every entry in constant time.

Without any key configured, everyone may do everything (a laptop); with only the admin key,
reads stay open (as before collections). With a keys file, every route needs a key.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from citedqa.errors import ConfigError
from citedqa.settings import Settings


class Role(IntEnum):
    """What a key may do; each role may do what the lower ones may."""

    NONE = 0  # no key, or a wrong one
    READ = 1  # ask, retrieve, list and read documents
    WRITE = 2  # upload and delete documents
    ADMIN = 3  # create and delete collections


@dataclass(frozen=True, slots=True)
class Grant:
    """What one key (or no key) may do, and where."""

    role: Role
    collections: frozenset[str] | None  # None: every collection ("*")
    fingerprint: str = ""  # of the key (its rate limit bucket); "" for no valid key
    per_minute: int | None = None  # its own rate limit, else CITEDQA_RATE_LIMIT_PER_MINUTE

    def may_see(self, collection: str) -> bool:
        """Whether this key reaches `collection` at all (whatever its role)."""
        return self.role is not Role.NONE and (
            self.collections is None or collection in self.collections
        )


NOBODY = Grant(Role.NONE, frozenset())


class KeyEntry(BaseModel):
    """One `[[keys]]` entry of the keys file."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(None, min_length=1, examples=["k-3f9a1c0b7e"])
    key_sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")
    role: Literal["read", "write", "admin"]
    collections: list[str] | Literal["*"]
    rate_limit_per_minute: int | None = Field(None, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _one_key(self) -> KeyEntry:
        if (self.key is None) == (self.key_sha256 is None):
            raise ValueError("give exactly one of `key` and `key_sha256`")
        return self

    def digest(self) -> bytes:
        """The sha256 of the key."""
        if self.key is not None:
            return hashlib.sha256(self.key.encode()).digest()
        return bytes.fromhex(self.key_sha256 or "")

    def grant(self) -> Grant:
        """What the entry allows."""
        scope = None if self.collections == "*" else frozenset(self.collections)
        role = Role[self.role.upper()]
        return Grant(role, scope, self.digest().hex()[:16], self.rate_limit_per_minute)


class KeysFile(BaseModel):
    """The keys file: `[[keys]]` entries."""

    model_config = ConfigDict(extra="forbid")

    keys: list[KeyEntry]


def load_keys(path: Path) -> list[KeyEntry]:
    """The entries of a keys file; ConfigError naming the file and what is wrong."""
    try:
        return KeysFile.model_validate(tomllib.loads(path.read_text("utf-8"))).keys
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"CITEDQA_KEYS_FILE={str(path)!r}: {exc}") from None


class Keyring:
    """Every configured key, and what no key may do."""

    def __init__(self, settings: Settings) -> None:
        entries = load_keys(settings.keys_file) if settings.keys_file else []
        user, admin = settings.api_key, settings.admin_api_key
        shorthands: list[tuple[SecretStr | None, Literal["read", "admin"]]] = [
            (user, "read" if admin else "admin"),
            (admin, "admin"),
        ]
        for secret, role in shorthands:
            if secret is not None:
                entries.append(KeyEntry(key=secret.get_secret_value(), role=role, collections="*"))
        self._keys = [(e.digest(), e.grant()) for e in entries]
        self.keyed = bool(self._keys)
        if not self._keys:
            self.anonymous = Grant(Role.ADMIN, None)  # no keys: open, as on a laptop
        elif settings.keys_file is None and user is None:
            self.anonymous = Grant(Role.READ, None)  # only the admin key: reads stay open
        else:
            self.anonymous = NOBODY

    def identify(self, key: str | None) -> Grant | None:
        """The grant of `key`, None when it is no configured key (every entry compared)."""
        digest = hashlib.sha256((key or "").encode()).digest()
        found = None
        for known, grant in self._keys:
            if hmac.compare_digest(digest, known) and key:
                found = grant
        return found
