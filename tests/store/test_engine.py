"""`redline.store.engine`: paths and URLs open the right database, SQLite with its pragmas."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from redline.store.engine import create_engine, database_url


def test_paths_become_absolute_sqlite_urls(tmp_path: Path) -> None:
    assert database_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_libpq_urls_get_the_psycopg_driver() -> None:
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_sqlite_file_is_created_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(tmp_path / "deep" / "r.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "deep" / "r.db").exists()


@pytest.mark.parametrize(("asked", "level"), [(None, 1), ("NORMAL", 1), ("FULL", 2)])
def test_sqlite_commits_sync_as_asked(tmp_path: Path, asked: str | None, level: int) -> None:
    options = {} if asked is None else {"sqlite_synchronous": asked}
    engine = create_engine(tmp_path / "r.db", **options)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        create_engine(tmp_path / "r.db", sqlite_synchronous="OFF")


def test_round_trip_on_both_backends(db_url: str) -> None:
    engine = create_engine(db_url)
    table = sa.Table("t", sa.MetaData(), sa.Column("k", sa.Text, primary_key=True))
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"k": "一"}, {"k": "二"}])
    with engine.connect() as connection:
        assert sorted(connection.execute(sa.select(table.c.k)).scalars()) == ["一", "二"]
