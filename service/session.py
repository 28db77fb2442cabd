"""The review desk's sessions: signed cookies that expire, and the CSRF token of each.

A browser signs in once with a key (and a reviewer name); the desk then keeps a cookie
(``HttpOnly``, ``SameSite=Strict``, ``Secure`` whenever keys are set) holding the masked name,
an HMAC of the key it signed in with, when it expires and a random nonce, signed with
HMAC-SHA256 under ``COMPLAINT_SESSION_SECRET`` (a random secret per process without one). The
key itself is never in the cookie; a key removed from the settings ends its sessions at the next
start. Every form the desk sends back carries the nonce's own HMAC as its CSRF token, checked in
constant time; ``SameSite=Strict`` already keeps other sites' forms from sending the cookie.
Before signing in a browser gets an anonymous session, so that the sign-in form has a token too.
Signing out records the session's nonce in the database until the session would have expired
(``desk_signouts``): a copy of the cookie taken before is worth nothing after.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, replace

from sqlalchemy import BigInteger, Column, String, Table, delete, insert, select

from service.database import Database, metadata
from service.errors import ForbiddenError
from service.settings import Settings

#: The cookie's name.
COOKIE = "complaint_desk"
#: An anonymous session (before signing in) lasts this long: enough to type a key.
ANONYMOUS_SECONDS = 3600

#: Sessions signed out before they expired (each row kept until then, by its Unix time).
signouts = Table(
    "desk_signouts",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("expires", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class Session:
    """``reviewer`` (masked) and ``key_id`` are ``None`` until the browser signs in;
    ``key_id`` is ``""`` on a service without keys."""

    nonce: str
    expires: int
    reviewer: str | None = None
    key_id: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.reviewer is not None and self.key_id is not None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Makes, signs and reads sessions with one secret; ``hours`` is how long a signed-in
    session lasts."""

    def __init__(self, secret: bytes, hours: float) -> None:
        self._secret = secret
        self.seconds = int(hours * 3600)

    @classmethod
    def from_settings(cls, settings: Settings) -> Sessions:
        """With ``COMPLAINT_SESSION_SECRET``, or a random secret of this process."""
        secret = settings.session_secret
        return cls(
            secret.get_secret_value().encode() if secret else os.urandom(32),
            settings.session_hours,
        )

    def _mac(self, purpose: str, value: str) -> str:
        message = f"{purpose}\x00{value}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def anonymous(self) -> Session:
        return Session(secrets.token_urlsafe(16), int(time.time()) + ANONYMOUS_SECONDS)

    def signed_in(self, reviewer: str, key_id: str) -> Session:
        """A new session (a new nonce: no token from before signing in stays valid)."""
        return replace(
            self.anonymous(), reviewer=reviewer, key_id=key_id,
            expires=int(time.time()) + self.seconds,
        )  # fmt: skip

    def key_id(self, key: str) -> str:
        """What a session keeps of the key it signed in with."""
        return self._mac("key", key)

    def dump(self, session: Session) -> str:
        """The cookie's value: the session as JSON, then its signature."""
        fields = {"n": session.nonce, "e": session.expires, "r": session.reviewer,
                  "k": session.key_id}  # fmt: skip
        payload = _b64(json.dumps(fields, separators=(",", ":")).encode())
        return f"{payload}.{self._mac('session', payload)}"

    def load(self, value: str | None) -> Session | None:
        """The session in a cookie's value; ``None`` if there is none, or it is forged, altered,
        malformed or expired."""
        if not value or value.count(".") != 1 or len(value) > 2048:
            return None
        payload, signature = value.split(".")
        if not hmac.compare_digest(signature, self._mac("session", payload)):
            return None
        try:
            fields = json.loads(_unb64(payload))
            session = Session(
                nonce=str(fields["n"]), expires=int(fields["e"]),
                reviewer=fields["r"], key_id=fields["k"],
            )  # fmt: skip
        except (binascii.Error, ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def csrf_token(self, session: Session) -> str:
        return self._mac("csrf", session.nonce)

    def check_csrf(self, session: Session, token: str | None) -> None:
        """:class:`ForbiddenError` unless ``token`` is this session's CSRF token."""
        if not token or not hmac.compare_digest(token, self.csrf_token(session)):
            raise ForbiddenError(
                "the form's CSRF token is missing or belongs to another session; reload the page"
            )


def sign_out(database: Database, session: Session) -> None:
    """End ``session`` for every copy of its cookie; rows of expired sessions go."""
    stale = (signouts.c.expires <= int(time.time())) | (signouts.c.nonce == session.nonce)
    with database.transaction() as connection:
        connection.execute(delete(signouts).where(stale))  # signed out twice: one row
        connection.execute(insert(signouts).values(nonce=session.nonce, expires=session.expires))


def is_signed_out(database: Database, session: Session) -> bool:
    """Whether ``session`` was signed out (one primary-key lookup)."""
    with database.faults():
        database.check_schema()
        with database.engine.connect() as connection:
            query = select(signouts.c.nonce).where(signouts.c.nonce == session.nonce)
            return connection.execute(query).first() is not None
