"""Users with argon2 passwords, API tokens stored only as hashes, roles: both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import accounts
from redline.store.migrate import current_revision, head_revision, upgrade
from redline.store.settings import session_key
from redline.store.tables import api_tokens, metadata, users


def test_migrations_build_exactly_the_declared_schema(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # a second upgrade is a no-op
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_passwords_are_argon2_hashed_and_checked(engine: Engine) -> None:
    with engine.begin() as connection:
        ann = accounts.add_user(connection, "ann", "reviewer", "correct horse")
        stored = connection.execute(sa.select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and "correct horse" not in stored
        assert accounts.authenticate(connection, "ann", "correct horse") == ann
        assert accounts.authenticate(connection, "ann", "wrong horse") is None
        assert accounts.authenticate(connection, "nobody", "correct horse") is None
        accounts.update_user(connection, ann.id, active=False)
        assert accounts.authenticate(connection, "ann", "correct horse") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "reason"),
    [("ann", "boss", "long enough", "role must be"), ("ann", "admin", "short", "8 characters"),
     ("", "admin", "long enough", "a name is"), (" ann", "admin", "long enough", "a name is")],
)  # fmt: skip
def test_bad_accounts_are_refused(
    engine: Engine, name: str, role: str, password: str, reason: str
) -> None:
    with engine.begin() as connection, pytest.raises(accounts.AccountError, match=reason):
        accounts.add_user(connection, name, role, password)


def test_duplicate_user_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        accounts.add_user(connection, "ann", "admin", "long enough")
        with pytest.raises(accounts.AccountError, match="exists"):
            accounts.add_user(connection, "ann", "reviewer", "long enough")


def test_tokens_are_stored_as_hashes_and_can_be_revoked(engine: Engine) -> None:
    with engine.begin() as connection:
        token, secret = accounts.create_token(connection, "platform", "screener")
        assert secret.startswith(accounts.TOKEN_PREFIX) and len(secret) > 40
        stored = connection.execute(sa.select(api_tokens.c.token_hash)).scalar_one()
        assert secret not in stored and len(stored) == 64
        assert accounts.token_for(connection, secret) == token
        assert accounts.token_for(connection, secret + "x") is None
        accounts.revoke_token(connection, token.id)
        assert accounts.token_for(connection, secret) is None
        with pytest.raises(accounts.AccountError, match="already revoked"):
            accounts.revoke_token(connection, token.id)  # a double submit changes nothing


def test_the_last_active_admin_cannot_be_demoted_or_disabled(engine: Engine) -> None:
    with engine.begin() as connection:
        admin = accounts.add_user(connection, "root", "admin", "a long passphrase")
        reviewer = accounts.add_user(connection, "rita", "reviewer", "a long passphrase")
    for change in ({"role": "reviewer"}, {"active": False}):
        with (
            pytest.raises(accounts.AccountError, match="active admin must remain"),
            engine.begin() as connection,
        ):
            accounts.update_user(connection, admin.id, **change)
        with engine.connect() as connection:
            assert accounts.get_user(connection, admin.id) == admin  # rolled back
    with engine.begin() as connection:  # with a second admin, the first may step down
        accounts.update_user(connection, reviewer.id, role="admin")
        assert accounts.update_user(connection, admin.id, role="reviewer").role == "reviewer"


def test_roles_are_ordered() -> None:
    assert accounts.role_at_least("admin", "reviewer")
    assert accounts.role_at_least("analyst", "analyst")
    assert not accounts.role_at_least("reviewer", "analyst")
    assert not accounts.role_at_least("screener", "reviewer")


def test_the_session_key_is_made_once_and_shared(engine: Engine) -> None:
    assert session_key(engine) == session_key(engine)
    assert len(session_key(engine)) == 32


def test_logout_and_disabling_move_the_session_generation_on(engine: Engine) -> None:
    with engine.begin() as connection:
        before = accounts.fresh_session_generation()
        ann = accounts.add_user(connection, "ann", "reviewer", "a long passphrase")
        first = ann.session_generation
        assert before <= first <= accounts.fresh_session_generation()  # starts at the time
        assert accounts.end_sessions(connection, ann.id, first)
        assert not accounts.end_sessions(connection, ann.id, first)  # a stale cookie ends nothing
        assert accounts.get_user(connection, ann.id).session_generation == first + 1
        accounts.update_user(connection, ann.id, role="analyst")  # read live: nothing to end
        assert accounts.get_user(connection, ann.id).session_generation == first + 1
        accounts.update_user(connection, ann.id, active=False)
        assert accounts.get_user(connection, ann.id).session_generation == first + 2
        accounts.update_user(connection, ann.id, active=True)
        accounts.update_user(connection, ann.id, active=True)
        assert accounts.get_user(connection, ann.id).session_generation == first + 2


def test_two_admins_demoted_at_once_leave_one(postgres_url: str) -> None:
    """PostgreSQL, READ COMMITTED: each demotion counted the admins its own snapshot saw, so
    two concurrent ones (of different admins) each found the other and both committed."""
    import threading

    from redline.store.engine import create_engine

    engine = create_engine(postgres_url)
    upgrade(engine)
    with engine.begin() as connection:
        first = accounts.add_user(connection, "first", "admin", "a long passphrase")
        second = accounts.add_user(connection, "second", "admin", "a long passphrase")
    outcome: dict[str, str] = {}
    one, other = engine.connect(), engine.connect()
    one.begin()
    accounts.update_user(one, first.id, role="reviewer")  # holds the admins' rows

    def demote_second() -> None:
        try:
            with other.begin():  # the refusal rolls the demotion back, as for every caller
                accounts.update_user(other, second.id, role="reviewer")
            outcome["second"] = "demoted"
        except accounts.AccountError:
            outcome["second"] = "refused"

    racer = threading.Thread(target=demote_second)
    racer.start()
    racer.join(timeout=2)
    assert racer.is_alive()  # waiting for the first demotion, not counting past it
    one.commit()
    racer.join(timeout=60)
    assert outcome == {"second": "refused"}
    with engine.connect() as connection:
        roles = {u.name: u.role for u in accounts.list_users(connection)}
    assert roles == {"first": "reviewer", "second": "admin"}
    one.close()
    other.close()
    engine.dispose()
