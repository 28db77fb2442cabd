"""Service settings: the only module that reads environment variables (prefix ``COMPLAINT_``).

Every value is checked once, when the service starts; :func:`load_settings` turns a bad one into
a :class:`ConfigurationError` with a one-line message that names the variable and never repeats
its value (it may be a key). A ``COMPLAINT_*`` variable that is no setting (``COMPLAINT_API_KEY``
for ``COMPLAINT_API_KEYS``) would be ignored silently: :func:`unknown_variables` names each, with
the setting it most resembles, for the service to warn about.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    DirectoryPath,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from complaint_nlp import ComplaintNLPError
from complaint_nlp._validation import MAX_TEXT_CHARS

#: Keys shorter than this are refused: a guessable key is no key.
MIN_KEY_CHARS = 16


def _usable_key(key: SecretStr) -> SecretStr:
    value = key.get_secret_value()
    if len(value) < MIN_KEY_CHARS or len(value) > 512:
        raise ValueError(f"a key needs at least {MIN_KEY_CHARS} characters (and at most 512)")
    # HTTP strips a header value's outer spaces, and only visible ASCII travels safely.
    if not all("\x21" <= c <= "\x7e" for c in value):
        raise ValueError("a key may hold only visible ASCII characters (no spaces)")
    return key


Key = Annotated[SecretStr, AfterValidator(_usable_key)]
#: A list of keys, read from the environment as JSON by :meth:`Settings._json_list` (NoDecode:
#: pydantic-settings' own decoding names neither the variable nor the expected form).
Keys = Annotated[list[Key], NoDecode]


def _long_secret(secret: SecretStr) -> SecretStr:
    # 32 characters: the HMAC-SHA256 key of the session cookies should not be guessable offline.
    if not 32 <= len(secret.get_secret_value()) <= 512:
        raise ValueError("a session secret needs at least 32 characters (and at most 512)")
    return secret


class ConfigurationError(ComplaintNLPError, ValueError):
    """A ``COMPLAINT_*`` setting is missing, malformed or out of range."""


class Settings(BaseSettings):
    """Configuration of the HTTP service; every field has a working default.

    ``COMPLAINT_API_KEYS`` and ``COMPLAINT_REVIEWER_KEYS`` are JSON lists
    (``'["key-1...", "key-2..."]'``) of keys of at least 16 characters; with neither the service
    answers only callers on this machine.
    """

    model_config = SettingsConfigDict(
        env_prefix="COMPLAINT_", extra="ignore", populate_by_name=True
    )

    model_path: Path | None = None
    routing_table: Path | None = None
    #: Keys that may call every /v1 endpoint but the export and the review desk.
    api_keys: Keys = Field(default_factory=list, max_length=1_000)
    #: Keys of the ``reviewer`` role: the review queue and the desk page, and whatever an API
    #: key may call (service.auth).
    reviewer_keys: Keys = Field(default_factory=list, max_length=1_000)
    #: The key of the ``admin`` role (the feedback export); accepted wherever any key is.
    admin_key: Key | None = None
    #: ``sqlite:///PATH`` or ``postgresql://USER:PASSWORD@HOST/NAME`` (driven by psycopg 3);
    #: the service needs SELECT, INSERT, UPDATE and DELETE on its own tables, and migrations
    #: (``python -m service.migrate``) need to create them.
    database_url: str = "sqlite:///feedback.db"
    #: How long a database call may wait (SQLite's busy timeout, the connection pool's wait)
    #: before the request is answered 503.
    database_timeout_seconds: float = Field(default=2.0, gt=0, le=60, allow_inf_nan=False)
    #: On PostgreSQL, a statement running longer than this is cancelled and the request answered
    #: 503 (the longest, the admin's feedback export, reads every correction).
    database_statement_timeout_seconds: float = Field(
        default=30.0, gt=0, le=3_600, allow_inf_nan=False
    )
    max_text_chars: int = Field(default=MAX_TEXT_CHARS, ge=1, le=1_000_000)
    max_batch_items: int = Field(default=1_000, ge=1, le=100_000)
    #: The characters of text a batch may hold in all: 1,000 texts of 20,000 characters of
    #: never-seen words took two workers past the time budget and made every other request
    #: wait 9.6 s (a hostile probe, 2026-12-01); at most this is about 4 s of one worker.
    max_batch_chars: int = Field(default=1_000_000, ge=1, le=100_000_000)
    #: Any request body but a batch over this is refused (413) before it is read: 256 KiB holds
    #: a text of 20,000 characters even if every one is written as JSON escapes, 12 bytes for
    #: a character beyond the Basic Multilingual Plane (an emoji, as Python's json.dumps writes
    #: it: 128 KiB, which counted 6 bytes a character, refused such a text).
    max_body_bytes: int = Field(default=256 * 1024, ge=1_024, le=1024**3)
    #: A batch body over this is refused before it is read: the default holds a full batch of
    #: 1,000 texts of 20,000 characters with room for JSON escapes.
    max_batch_bytes: int = Field(default=32 * 1024 * 1024, ge=1_024, le=1024**3)
    #: Worker processes that classify (each holds a copy of the model, about 130 MB).
    classify_workers: int = Field(default=2, ge=1, le=64)
    #: Requests that may wait for a free worker; more are answered 503 at once.
    classify_queue: int = Field(default=256, ge=1, le=100_000)
    #: The time budget of one request's classification, waiting included; past it the request
    #: is answered 503 and its worker replaced.
    classify_timeout_seconds: float = Field(default=10.0, gt=0, le=3_600, allow_inf_nan=False)
    #: How long the service waits for the next part of a request body (nginx's
    #: client_body_timeout); past it, 408 and the connection closed. A body announced longer
    #: than it was held its connection open for good (a hostile probe, 2026-12-01).
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3_600, allow_inf_nan=False)
    duplicate_window: int = Field(default=10_000, ge=1, le=10_000_000)
    #: Store every classified complaint that needs review for the desk (service.review).
    review_queue: bool = True
    #: Signs the desk's session cookies; without it a random one is drawn at start, so sessions
    #: end with the process and differ between processes (set it when several serve one city).
    session_secret: Annotated[SecretStr, AfterValidator(_long_secret)] | None = None
    #: How long a desk session lasts after signing in (a working day by default).
    session_hours: float = Field(default=10.0, gt=0, le=24 * 7, allow_inf_nan=False)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    #: prometheus_client's own variable: where several HTTP processes keep their metrics (set by
    #: ``python -m service --workers N`` itself when unset).
    prometheus_multiproc_dir: DirectoryPath | None = Field(
        default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR"
    )

    @field_validator("api_keys", "reviewer_keys", mode="before")
    @classmethod
    def _json_list(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):  # given in Python, not read from a variable
            return value
        try:
            keys = json.loads(value)
        except ValueError:
            keys = None
        if not isinstance(keys, list):
            # A bare key is the usual slip; the value itself is never repeated (it is a key).
            variable = f"COMPLAINT_{str(info.field_name).upper()}"
            raise ValueError(
                f"must be a JSON list of keys, e.g. {variable}='[\"a-key-of-16-chars-or-more\"]'"
            )
        return keys

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite:///feedback.db)") from None
        if url.get_backend_name() == "sqlite":
            return value
        if url.drivername not in ("postgresql", "postgresql+psycopg"):
            raise ValueError(
                "the service supports sqlite:///PATH and postgresql://... databases (PostgreSQL "
                "driven by psycopg 3)"
            )
        if importlib.util.find_spec("psycopg") is None:
            raise ValueError("PostgreSQL needs psycopg: pip install 'complaint_nlp[postgres]'")
        # SQLAlchemy's default PostgreSQL driver is psycopg2, which is not installed.
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.max_batch_bytes < self.max_body_bytes:
            raise ValueError("max_batch_bytes must be at least max_body_bytes")
        if self.max_batch_chars < self.max_text_chars:
            raise ValueError("max_batch_chars must be at least max_text_chars")
        keys = [k.get_secret_value() for k in [*self.api_keys, *self.reviewer_keys]]
        if self.admin_key is not None:
            keys.append(self.admin_key.get_secret_value())
        if len(set(keys)) != len(keys):
            # One key, one role: a key in two lists is a slip that would grant the larger role.
            raise ValueError("a key is listed twice (API, reviewer and admin keys must all differ)")
        return self

    @property
    def serves_network(self) -> bool:
        """Whether callers on other machines are answered: only when API or reviewer keys are
        set (the admin key alone keeps the service on this machine, as before roles)."""
        return bool(self.api_keys or self.reviewer_keys)


def _variable(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "COMPLAINT_* settings"
    name = str(loc[0])  # a field's name, or the variable itself for another program's variable
    if not name.isupper():
        name = f"COMPLAINT_{name.upper()}"
    return name + "".join(f"[{part}]" for part in loc[1:])


def load_settings() -> Settings:
    """The settings from the environment, or :class:`ConfigurationError` naming what is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        # Only the location and message: the input may be a secret.
        problems = "; ".join(f"{_variable(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"invalid settings: {problems}") from None
    except SettingsError as exc:  # a value that is not JSON where JSON is expected
        raise ConfigurationError(f"invalid settings: {exc}") from None


def _known_variables() -> list[str]:
    return [
        field.validation_alias
        if isinstance(field.validation_alias, str)
        else f"COMPLAINT_{name.upper()}"
        for name, field in Settings.model_fields.items()
    ]


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Each ``COMPLAINT_*`` variable of ``environ`` (the process's environment by default) that
    is no setting, with the setting's variable closest to it (names are read case-insensitively,
    as the settings are).

    >>> unknown_variables({"COMPLAINT_API_KEY": "k", "COMPLAINT_LOG_LEVEL": "INFO", "HOME": "/"})
    [('COMPLAINT_API_KEY', 'COMPLAINT_API_KEYS')]
    """
    environ = os.environ if environ is None else environ
    known = _known_variables()
    unknown = []
    for name in sorted(environ):
        upper = name.upper()
        if upper.startswith("COMPLAINT_") and upper not in known:
            closest = difflib.get_close_matches(upper, known, n=1, cutoff=0.0)
            unknown.append((name, closest[0]))
    return unknown
