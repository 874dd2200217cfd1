"""People (reviewers, analysts, admins) with argon2-hashed passwords, and machines' API tokens.

Tokens are long random strings shown once; only their SHA-256 is stored. A fast hash is enough
for 256 random bits (no dictionary to attack) and lets every API request look its token up by
index; passwords, chosen by people, get argon2id.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection

from redline.store.tables import api_tokens, users, utcnow

USER_ROLES = ("reviewer", "analyst", "admin")
"""In increasing power: reviewers work the queue; analysts also read decisions, escalations and
the audit log; admins also manage users, tokens and packs."""
TOKEN_ROLES = ("screener", *USER_ROLES)
"""Machines may also be mere screeners: they can call /v1/screen and nothing else."""
INSTITUTION_ROLE = "institution"
"""A machine of one institution: it writes that institution's ledger events and reads its
findings, nothing else. Outside the ranking above: it is neither weaker nor stronger."""
TOKEN_PREFIX = "rl_"
MAX_NAME = 64

hasher = PasswordHasher()
"""argon2id with argon2-cffi's current defaults (RFC 9106 low-memory profile); tests may swap in
cheaper parameters. Hashes made under older parameters are upgraded at the next login."""
_DUMMY_HASH = hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A name, role or password that cannot be used, or a name already taken."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    session_generation: int = 0
    """Sessions issued in another generation are over: logout and disabling move it on."""

    @property
    def principal(self) -> str:
        return f"user:{self.name}"


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    institution: str | None = None
    """The ledger institution an `institution` token is bound to (None for other roles)."""

    @property
    def principal(self) -> str:
        return f"token:{self.name}"


def role_at_least(role: str, minimum: str) -> bool:
    """Whether `role` has every power of `minimum` (screener < reviewer < analyst < admin);
    the institution role satisfies only itself."""
    if INSTITUTION_ROLE in (role, minimum):
        return role == minimum
    return TOKEN_ROLES.index(role) >= TOKEN_ROLES.index(minimum)


def _check_name(name: str) -> None:
    if not name or len(name) > MAX_NAME or not name.isprintable() or name != name.strip():
        raise AccountError(f"a name is 1-{MAX_NAME} printable characters without outer spaces")


def _user(row: sa.Row) -> User:  # type: ignore[type-arg]
    return User(row.id, row.name, row.role, row.active, row.created_at, row.session_generation)


MIN_PASSWORD_CHARS = 8


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")


def add_user(connection: Connection, name: str, role: str, password: str) -> User:
    _check_name(name)
    if role not in USER_ROLES:
        raise AccountError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    _check_password(password)
    if connection.execute(sa.select(users.c.id).where(users.c.name == name)).first():
        raise AccountError(f"user {name!r} exists already")
    user_id = connection.execute(
        users.insert().values(
            name=name, role=role, password_hash=hasher.hash(password), active=True,
            created_at=utcnow(), session_generation=fresh_session_generation(),
        ).returning(users.c.id)
    ).scalar_one()  # fmt: skip
    user = get_user(connection, user_id)
    assert user is not None
    return user


def get_user(connection: Connection, user_id: int) -> User | None:
    row = connection.execute(sa.select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def user_named(connection: Connection, name: str) -> User | None:
    row = connection.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row else None


def set_password(connection: Connection, user_id: int, password: str) -> User:
    """A new password; it ends every session of the user (whoever knew the old one may hold
    one), so they log in again with it."""
    _check_password(password)
    moved = connection.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(
            password_hash=hasher.hash(password),
            session_generation=users.c.session_generation + 1,
        )
    ).rowcount
    if not moved:
        raise AccountError(f"no user with id {user_id}")
    user = get_user(connection, user_id)
    assert user is not None
    return user


def list_users(connection: Connection) -> list[User]:
    return [_user(r) for r in connection.execute(sa.select(users).order_by(users.c.name))]


def authenticate(connection: Connection, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    row = connection.execute(sa.select(users).where(users.c.name == name)).first()
    try:
        hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if hasher.check_needs_rehash(row.password_hash):
        connection.execute(
            users.update().where(users.c.id == row.id).values(password_hash=hasher.hash(password))
        )
    return _user(row)


_ACTIVE_ADMIN = (users.c.role == "admin", users.c.active.is_(True))
"""Where an account can manage users and tokens: at least one must always match."""


def update_user(
    connection: Connection, user_id: int, *, role: str | None = None, active: bool | None = None
) -> User:
    values: dict[str, object] = {}
    if role is not None:
        if role not in USER_ROLES:
            raise AccountError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
        values["role"] = role
    if active is not None:
        values["active"] = active
    before = get_user(connection, user_id)
    if before is None:
        raise AccountError(f"no user with id {user_id}")
    was_active_admin = before.role == "admin" and before.active
    if was_active_admin:
        # Lock the active admins' rows (PostgreSQL; SQLite has one writer at a time): two admins
        # demoted or disabled at once each counted the other and left none. The second now
        # waits for the first and counts what it left.
        connection.execute(sa.select(users.c.id).where(*_ACTIVE_ADMIN).with_for_update()).all()
    if before.active and active is False:
        # disabling ends the user's sessions, so enabling again later revives none of them
        values["session_generation"] = users.c.session_generation + 1
    if values:
        connection.execute(users.update().where(users.c.id == user_id).values(**values))
    user = get_user(connection, user_id)
    assert user is not None
    admins = sa.select(sa.func.count()).where(*_ACTIVE_ADMIN)
    if was_active_admin and not connection.execute(admins).scalar_one():
        # the caller's transaction rolls back: nobody would be left to manage users and tokens
        raise AccountError("at least one active admin must remain: promote another user first")
    return user


def fresh_session_generation() -> int:
    """A generation no cookie can hold yet: the time in milliseconds. Counting up from it, one
    per logout, disabling or new password, never reaches a later start: that would take more
    than one a millisecond (a logout needs a login, an argon2 check of tens of ms; the others
    are an admin's hand). So a user row given a fresh one (a new user; every user when revision
    0004 is applied again after a downgrade) matches no cookie issued before."""
    return time.time_ns() // 1_000_000


def end_sessions(connection: Connection, user_id: int, generation: int) -> bool:
    """End every session of this user issued in `generation` (logout): cookies are signed, not
    stored, so a copy of one can only be revoked by moving the user's generation on. Returns
    whether it moved (not when the generation had moved already: a stale cookie ends nothing).
    """
    moved = connection.execute(
        users.update()
        .where(users.c.id == user_id, users.c.session_generation == generation)
        .values(session_generation=users.c.session_generation + 1)
    ).rowcount
    return bool(moved)


def _token(row: sa.Row) -> ApiToken:  # type: ignore[type-arg]
    return ApiToken(
        row.id, row.name, row.role, row.prefix, row.created_at, row.revoked_at, row.institution
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    connection: Connection, name: str, role: str, institution: str | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret text, which is not stored and cannot be shown again.

    An `institution` token must name the ledger institution it writes for; others must not.
    """
    _check_name(name)
    if role not in (*TOKEN_ROLES, INSTITUTION_ROLE):
        roles = ", ".join((*TOKEN_ROLES, INSTITUTION_ROLE))
        raise AccountError(f"role must be one of {roles}, not {role!r}")
    if role == INSTITUTION_ROLE:
        if not institution:
            raise AccountError("an institution token needs --institution (the ledger inst_id)")
        _check_name(institution)
    elif institution is not None:
        raise AccountError(f"only {INSTITUTION_ROLE} tokens are bound to an institution")
    if connection.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == name)).first():
        raise AccountError(f"token {name!r} exists already")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = connection.execute(
        api_tokens.insert().values(
            name=name, role=role, token_hash=_digest(secret), prefix=secret[:8],
            created_at=utcnow(), revoked_at=None, institution=institution,
        ).returning(api_tokens.c.id)
    ).scalar_one()  # fmt: skip
    row = connection.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id)).one()
    return _token(row), secret


def token_for(connection: Connection, secret: str) -> ApiToken | None:
    """The live token whose secret this is, else None."""
    row = connection.execute(
        sa.select(api_tokens).where(
            api_tokens.c.token_hash == _digest(secret), api_tokens.c.revoked_at.is_(None)
        )
    ).first()
    return _token(row) if row else None


def list_tokens(connection: Connection) -> list[ApiToken]:
    query = sa.select(api_tokens).order_by(api_tokens.c.name)
    return [_token(r) for r in connection.execute(query)]


def revoke_token(connection: Connection, token_id: int) -> ApiToken:
    """Revoke a live token; an unknown or already revoked one is an `AccountError` (so a
    double submit records no second revocation)."""
    changed = connection.execute(
        api_tokens.update()
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    row = connection.execute(sa.select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if row is None:
        raise AccountError(f"no token with id {token_id}")
    if not changed:
        raise AccountError(f"token {row.name!r} is already revoked")
    return _token(row)
