"""The hash-chained audit log: appends chain, the database refuses edits, and any change, removal
or reordering made by someone who drops that guard is reported."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from audit_attack import drop_audit_guard
from sqlalchemy.engine import Engine

from redline.store import audit
from redline.store.migrate import alembic_config, upgrade
from redline.store.tables import APPEND_ONLY_MESSAGE, audit_log


@pytest.fixture()
def engine(engine: Engine) -> Engine:
    """The migrated database with five audit entries."""
    with engine.begin() as connection:
        for n in range(1, 6):
            audit.append(connection, "user:ann", "review.confirm", f"post-{n}", {"note": f"n{n}"})
    return engine


def drop_guard(engine: Engine) -> None:
    """What an attacker with DDL rights does first: remove the append-only triggers."""
    with engine.begin() as connection:
        drop_audit_guard(connection)
        assert not audit.is_append_only(connection)


def problems(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return audit.verify(connection).problems


def test_entries_chain_and_verify(engine: Engine) -> None:
    with engine.connect() as connection:
        log = audit.entries(connection)
        report = audit.verify(connection)
    assert [e.seq for e in log] == [1, 2, 3, 4, 5]
    assert log[0].prev_hash == audit.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(log))
    assert report.ok and report.checked == 5


def refused(engine: Engine, statement: sa.Executable) -> None:
    with pytest.raises(sa.exc.DBAPIError, match=APPEND_ONLY_MESSAGE), engine.begin() as connection:
        connection.execute(statement)


def test_the_database_refuses_to_change_or_delete_entries(engine: Engine) -> None:
    with engine.connect() as connection:
        before = audit.entries(connection)
        assert audit.is_append_only(connection)
    refused(engine, audit_log.update().where(audit_log.c.seq == 3).values(actor="user:eve"))
    refused(engine, audit_log.update().values(details='{"note":"forged"}'))
    refused(engine, audit_log.delete().where(audit_log.c.seq == 5))
    refused(engine, audit_log.delete())
    if engine.dialect.name == "postgresql":
        refused(engine, sa.text("TRUNCATE audit_log"))
    with engine.begin() as connection:
        audit.append(connection, "user:ann", "review.dismiss", "post-6")  # appends still work
    with engine.connect() as connection:
        assert audit.entries(connection)[:5] == before
        assert audit.verify(connection).ok


def test_downgrading_past_0003_removes_the_guard_and_upgrading_restores_it(engine: Engine) -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
        assert not audit.triggers(connection)
    upgrade(engine)
    with engine.connect() as connection:
        assert audit.is_append_only(connection)


def test_a_changed_entry_is_reported(engine: Engine) -> None:
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(
            audit_log.update().where(audit_log.c.seq == 3).values(details='{"note":"forged"}')
        )
    assert problems(engine) == ["entry 3 changed (its hash no longer matches)"]


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    drop_guard(engine)
    with engine.begin() as connection:
        row = connection.execute(sa.select(audit_log).where(audit_log.c.seq == 3)).one()
        forged = audit.entry_hash(row.prev_hash, row.at, "user:eve", row.action, row.subject,
                                  row.details)  # fmt: skip
        connection.execute(
            audit_log.update().where(audit_log.c.seq == 3).values(actor="user:eve", hash=forged)
        )
    found = problems(engine)
    assert len(found) == 1 and found[0].startswith("entry 4 does not follow entry 3")


def test_a_removed_entry_is_reported(engine: Engine) -> None:
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.seq == 2))
    assert problems(engine)[0] == "entry 2 removed (numbering jumps to 3)"


def test_removing_the_newest_entries_is_reported(engine: Engine) -> None:
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.seq >= 4))
    assert problems(engine) == ["entries 4-5 removed (the log ends before its head)"]


def test_reordered_entries_are_reported(engine: Engine) -> None:
    drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(audit_log.update().where(audit_log.c.seq == 2).values(seq=-2))
        connection.execute(audit_log.update().where(audit_log.c.seq == 3).values(seq=2))
        connection.execute(audit_log.update().where(audit_log.c.seq == -2).values(seq=3))
    found = problems(engine)
    assert found[0] == "entry 2 reordered (it was written after entry 3, not after entry 1)"
    assert all("reordered" in line for line in found)


def test_entries_appended_while_the_log_is_checked_are_no_tampering(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer acts while an admin checks the log: the check must not cry tampering. Here an
    entry is committed right after each read of the head (so one lands between the head and the
    entries, one between the entries and the second look at the head)."""
    read_head = audit._head

    def busy_head(connection: sa.Connection) -> tuple[int, str]:
        head = read_head(connection)
        with engine.begin() as other:
            audit.append(other, "user:bob", "review.dismiss", "post-x", {})
        return head

    monkeypatch.setattr(audit, "_head", busy_head)
    with engine.connect() as connection:
        report = audit.verify(connection)
    assert report.ok, report.problems
    assert report.checked >= 6  # the entry appended after the first look was read and checked
    monkeypatch.setattr(audit, "_head", read_head)
    assert problems(engine) == []
