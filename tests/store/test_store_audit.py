"""The hash-chained audit log: appends chain, and any change, removal or reordering is reported."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from redline.store import audit
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.store.tables import audit_log


@pytest.fixture()
def engine(db_url: str) -> Engine:
    engine = create_engine(db_url)
    upgrade(engine)
    with engine.begin() as connection:
        for n in range(1, 6):
            audit.append(connection, "user:ann", "review.confirm", f"post-{n}", {"note": f"n{n}"})
    return engine


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


def test_a_changed_entry_is_reported(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            audit_log.update().where(audit_log.c.seq == 3).values(details='{"note":"forged"}')
        )
    assert problems(engine) == ["entry 3 changed (its hash no longer matches)"]


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
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
    with engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.seq == 2))
    assert problems(engine)[0] == "entry 2 removed (numbering jumps to 3)"


def test_removing_the_newest_entries_is_reported(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.seq >= 4))
    assert problems(engine) == ["entries 4-5 removed (the log ends before its head)"]


def test_reordered_entries_are_reported(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(audit_log.update().where(audit_log.c.seq == 2).values(seq=-2))
        connection.execute(audit_log.update().where(audit_log.c.seq == 3).values(seq=2))
        connection.execute(audit_log.update().where(audit_log.c.seq == -2).values(seq=3))
    found = problems(engine)
    assert found[0] == "entry 2 reordered (it was written after entry 3, not after entry 1)"
    assert all("reordered" in line for line in found)
