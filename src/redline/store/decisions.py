"""Screened posts and their decisions, each stored exactly once, and the review items they open.

Why insert-or-ignore: a platform retries a request it timed out on, and two server workers may
screen the same post at once; the first write wins and every later one is a no-op, so a post id
is never stored twice and never rewritten under a reviewer's feet.

Why `feed` and not `screened_at` for a client that polls for new decisions: the time is taken
before the commit, and commits become visible out of that order (each worker commits on two
lanes, and there are several workers), so one committed after a later-stamped one would be
behind the time a client last saw. `feed` reads in `cursor_key` order (revision 0005) and only
up to where no row can still appear behind.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Engine

from redline.store.settings import ensure_setting, read_setting
from redline.store.tables import decisions, server_settings, utcnow

FLAGGED = ("violating", "review")
"""Verdicts that open a review item; `allow` never reaches the queue."""


@dataclass(frozen=True, slots=True)
class ScreenedPost:
    """What is stored for one screened post: its text, its decision dict, who sent it."""

    text: str
    decision: Mapping[str, Any]
    source: str
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A row of `decisions`, decoded."""

    id: str
    text: str
    verdict: str
    score: float
    packs: tuple[str, ...]
    decision: dict[str, Any]
    meta: dict[str, Any] | None
    source: str
    screened_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The decision JSON of `scan`, plus the text and when and by whom it was screened."""
        return {
            **self.decision,
            "text": self.text,
            "screened_at": self.screened_at.isoformat(),
            "source": self.source,
        }


_COLUMNS = tuple(column.name for column in decisions.c if column.name != "cursor_key")
"""The columns an insert gives, in order (`screened_at` last); `_row` gives a post's values in
this order, less the last. `cursor_key` is the database's default on PostgreSQL, and on SQLite
the insert's own subquery."""
_GIVEN = [column for column in decisions.c if column.name not in ("screened_at", "cursor_key")]
"""The columns a batch gives row by row (`screened_at` is one value for the whole batch)."""
_ARRAY_TYPES = {sa.String: "text[]", sa.Text: "text[]", sa.Float: "float8[]"}
"""PostgreSQL array type for each column type that `_POSTGRES_UNNEST` passes as an array."""

SQLITE_INSERT = (
    f"INSERT INTO decisions ({', '.join(_COLUMNS)}, cursor_key) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))}, "
    "(SELECT COALESCE(MAX(cursor_key), 0) + 1 FROM decisions)) ON CONFLICT DO NOTHING"
)
"""Inside the write transaction, and SQLite has one writer at a time: keys in commit order."""
SQLITE_OPEN_ITEM = (
    "INSERT INTO review_items (decision_id, score, status, updated_at) VALUES (?, ?, 'open', ?)"
)
MAX_VALUES_ROWS = 64
"""Up to this many rows, PostgreSQL gets them as VALUES (half the client CPU of arrays, and an
inline request has one or a few); more come as arrays, so that any batch is one statement."""

_POSTGRES_UNNEST = f"""
    SELECT {", ".join(column.name for column in _GIVEN)}, %s FROM unnest(
        {", ".join(f"%s::{_ARRAY_TYPES[type(column.type)]}" for column in _GIVEN)}
    ) WITH ORDINALITY AS given({", ".join(column.name for column in _GIVEN)}, position)
    ORDER BY position"""

_POSTGRES_TAIL = f"""
    ON CONFLICT DO NOTHING
    RETURNING id, verdict, score, screened_at
), opened AS (
    INSERT INTO review_items (decision_id, score, status, updated_at)
    SELECT id, score, 'open', screened_at FROM new WHERE verdict IN {FLAGGED!r}
)
SELECT id FROM new"""


@functools.cache
def postgres_insert(rows: int) -> str:
    """The one statement that stores `rows` posts and opens their review items on PostgreSQL.

    One statement, so one round trip, and atomic on its own (the inline writer runs it in
    autocommit). Rows go in in request order, so of a repeated id the first row wins, and
    only a decision this statement inserted gets a review item. Cached for each row count up
    to `MAX_VALUES_ROWS`, and once for the array form.
    """
    if rows > MAX_VALUES_ROWS:
        return postgres_insert(0)
    values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * rows)
    source = f" VALUES {values}" if rows else _POSTGRES_UNNEST
    insert = f"INSERT INTO decisions ({', '.join(_COLUMNS)})"
    return f"WITH new AS (\n    {insert}{source}{_POSTGRES_TAIL}"


def _packs_of(decision: Mapping[str, Any]) -> str:
    packs = sorted({clause["pack"] for clause in decision.get("clauses", ())})
    return "," + ",".join(packs) + "," if packs else ","


def _row(post: ScreenedPost) -> tuple[Any, ...]:
    """A post's values in `_GIVEN` order (`screened_at` comes once per batch)."""
    decision = post.decision
    return (
        decision["id"],
        post.text,
        decision["verdict"],
        float(decision["score"]),
        _packs_of(decision),
        orjson.dumps(decision).decode(),
        orjson.dumps(dict(post.meta)).decode() if post.meta else None,
        post.source,
    )


def store_decisions(
    connection: Connection, posts: Sequence[ScreenedPost], now: datetime | None = None
) -> list[str]:
    """Insert each post not stored yet (in the caller's transaction); returns the new ids.

    Flagged new posts also get an open review item, in the same transaction.
    """
    driver_connection = connection.connection.driver_connection
    return insert_decisions(driver_connection, connection.dialect, posts, now)


def insert_decisions(
    driver_connection: Any,
    dialect: Dialect,
    posts: Sequence[ScreenedPost],
    now: datetime | None = None,
) -> list[str]:
    """`store_decisions` on a DB-API connection (sqlite3 or psycopg), for the inline writer.

    Why below SQLAlchemy: on the inline path SQLAlchemy's statement execution and transaction
    bookkeeping cost two to three times the database's own work (client CPU per one-post write:
    SQLite 0.31 -> 0.09 ms, PostgreSQL 0.63 -> 0.17 ms). Returns the new ids in request
    order. Nothing is committed here; on PostgreSQL it is one statement, atomic by itself.
    """
    if not posts:
        return []
    rows = [_row(post) for post in posts]
    screened_at = _time_to_driver(dialect)(now or utcnow())
    if dialect.name == "postgresql":
        with driver_connection.cursor() as cursor:
            cursor.execute(*_postgres_statement(rows, screened_at))
            new = {found for (found,) in cursor.fetchall()}
    else:
        new, items = set(), []
        cursor = driver_connection.cursor()
        try:
            for row in rows:
                cursor.execute(SQLITE_INSERT, (*row, screened_at))
                if cursor.rowcount == 1:
                    new.add(row[0])
                    if row[2] in FLAGGED:
                        items.append((row[0], row[3], screened_at))
            if items:
                cursor.executemany(SQLITE_OPEN_ITEM, items)
        finally:
            cursor.close()
    return _in_request_order(rows, new)


async def insert_decisions_async(
    connection: Any, posts: Sequence[ScreenedPost], now: datetime | None = None
) -> list[str]:
    """`insert_decisions` on a psycopg `AsyncConnection` (PostgreSQL only), for the inline writer.

    Why: the writer then waits for the database on the event loop itself, instead of in a
    thread that must wake up and win the GIL back from the loop before and after each commit.
    """
    if not posts:
        return []
    rows = [_row(post) for post in posts]
    async with connection.cursor() as cursor:
        await cursor.execute(*_postgres_statement(rows, now or utcnow()))
        new = {found for (found,) in await cursor.fetchall()}
    return _in_request_order(rows, new)


def _postgres_statement(rows: list[tuple[Any, ...]], screened_at: Any) -> tuple[str, list[Any]]:
    if len(rows) <= MAX_VALUES_ROWS:
        params = [value for row in rows for value in (*row, screened_at)]
    else:
        params = [screened_at, *([row[i] for row in rows] for i in range(len(_GIVEN)))]
    return postgres_insert(len(rows)), params


def _in_request_order(rows: list[tuple[Any, ...]], new: set[str]) -> list[str]:
    return [post_id for post_id in dict.fromkeys(row[0] for row in rows) if post_id in new]


_TIME_TO_DRIVER: dict[str, Callable[[datetime], Any]] = {}


def _time_to_driver(dialect: Dialect) -> Callable[[datetime], Any]:
    """What SQLAlchemy sends the driver for a `screened_at` (UTC; naive text on SQLite)."""
    found = _TIME_TO_DRIVER.get(dialect.name)
    if found is None:
        processor = decisions.c.screened_at.type.bind_processor(dialect)
        found = _TIME_TO_DRIVER[dialect.name] = processor or (lambda value: value)
    return found


def _decode(row: sa.Row[Any]) -> StoredDecision:
    return StoredDecision(
        id=row.id,
        text=row.text,
        verdict=row.verdict,
        score=row.score,
        packs=tuple(p for p in row.packs.split(",") if p),
        decision=orjson.loads(row.decision),
        meta=orjson.loads(row.meta) if row.meta else None,
        source=row.source,
        screened_at=row.screened_at,
    )


def get_decision(connection: Connection, decision_id: str) -> StoredDecision | None:
    row = connection.execute(sa.select(decisions).where(decisions.c.id == decision_id)).first()
    return _decode(row) if row else None


def find_decisions(
    connection: Connection,
    *,
    verdict: str | None = None,
    pack: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[StoredDecision]:
    """Stored decisions, oldest first, by verdict, pack and screening time [since, until).

    Not for polling: a decision can become visible after one screened later (see `feed`).
    """
    query = _filtered(sa.select(decisions), verdict=verdict, pack=pack, since=since, until=until)
    query = query.order_by(decisions.c.screened_at, decisions.c.id).limit(limit).offset(offset)
    return [_decode(row) for row in connection.execute(query)]


def _filtered(
    query: sa.Select[Any],
    *,
    verdict: str | None,
    pack: str | None,
    since: datetime | None,
    until: datetime | None,
) -> sa.Select[Any]:
    if verdict is not None:
        query = query.where(decisions.c.verdict == verdict)
    if pack is not None:
        escaped = pack.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(decisions.c.packs.like(f"%,{escaped},%", escape="\\"))
    if since is not None:
        query = query.where(decisions.c.screened_at >= since)
    if until is not None:
        query = query.where(decisions.c.screened_at < until)
    return query


@dataclass(frozen=True, slots=True)
class FeedPosition:
    """A place in the order `feed` reads: after the row with this `cursor_key` and id."""

    key: int
    id: str


FEED_START = FeedPosition(-1, "")
"""Before every row (keys are 0 or more)."""
_POSTGRES_SETTLED = sa.literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
"""The oldest transaction still running (or the next to start): every one below it is over."""


def _settled_end(connection: Connection) -> FeedPosition | None:
    """The last row no other can ever come before: on PostgreSQL the last one written by a
    transaction older than every transaction still running; on SQLite the last one."""
    key, post_id = decisions.c.cursor_key, decisions.c.id
    query = sa.select(key, post_id).order_by(key.desc(), post_id.desc()).limit(1)
    if connection.dialect.name == "postgresql":
        query = query.where(key < _POSTGRES_SETTLED)
    row = connection.execute(query).first()
    return FeedPosition(row.cursor_key, row.id) if row else None


FEED_EPOCH = "feed_epoch"
"""The `server_settings` row naming the current numbering of `cursor_key`: a cursor carries
it, and one from another numbering cannot be trusted (it would skip or repeat decisions)."""
_POSTGRES_UNISSUED = "pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
"""The first transaction id not yet handed out: no key written here can be this or above."""


def prepare_feed(engine: Engine) -> None:
    """Before serving: renumber keys this database could not have written, and make sure the
    feed has an epoch (a new one whenever the numbering changed).

    Keys can stop meaning commit order in two ways: revision 0005 applied again after a
    downgrade sets every key to 0 and new ones start over (it deletes the epoch), and on
    PostgreSQL a database restored into another cluster keeps the old cluster's transaction ids,
    above this cluster's counter: new decisions would sort before them and readers would hold
    them back for good. Such keys become 0 (first, by id) under a new epoch, and a client
    holding a cursor of the old one is told to start again (`GET /v1/decisions` answers 410)
    rather than silently missing decisions. Two workers may run this at once: the second finds
    nothing left to renumber and the first one's epoch in place.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            renumbered = connection.execute(
                decisions.update()
                .where(decisions.c.cursor_key >= sa.literal_column(_POSTGRES_UNISSUED))
                .values(cursor_key=0)
            ).rowcount
            if renumbered:
                connection.execute(
                    server_settings.delete().where(server_settings.c.name == FEED_EPOCH)
                )
        ensure_setting(connection, FEED_EPOCH, secrets.token_hex(8))


def renumber_feed(engine: Engine) -> None:
    """A new epoch: every cursor handed out is refused from now on (`redline db
    reset-cursors`). For what `prepare_feed` cannot see, such as a restored backup, whose keys
    are in order but below positions clients already hold: new decisions would get keys those
    clients have passed, and they would skip them."""
    with engine.begin() as connection:
        connection.execute(server_settings.delete().where(server_settings.c.name == FEED_EPOCH))
    prepare_feed(engine)


def feed_epoch(connection: Connection) -> str | None:
    """The current numbering of the feed; None when there is none (revision 0005 applied again
    under a running service: `prepare_feed` makes the next)."""
    return read_setting(connection, FEED_EPOCH)


def feed(
    connection: Connection,
    after: FeedPosition = FEED_START,
    *,
    verdict: str | None = None,
    pack: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> tuple[list[StoredDecision], FeedPosition]:
    """Stored decisions after `after` in `cursor_key` order, and the position to read on from.

    Read on from the position returned and no decision is ever skipped or repeated: rows are
    returned only up to the end of what is settled (`_settled_end`, read first; every row up to
    it is visible to the second statement too), and nothing can later appear before that. A
    decision whose transaction is still open, or on PostgreSQL one behind a transaction still
    open, comes in a later call. The filters only choose which settled rows are returned: when
    fewer than `limit` are, the position moves to the end of the settled rows all the same.
    """
    end = _settled_end(connection)  # the database compares ids, in its own collation
    if end is None:
        return [], after
    at = sa.tuple_(decisions.c.cursor_key, decisions.c.id)
    query = sa.select(decisions).where(
        at > sa.tuple_(sa.literal(after.key, sa.BigInteger), sa.literal(after.id)),
        at <= sa.tuple_(sa.literal(end.key, sa.BigInteger), sa.literal(end.id)),
    )
    query = _filtered(query, verdict=verdict, pack=pack, since=since, until=until)
    rows = connection.execute(
        query.order_by(decisions.c.cursor_key, decisions.c.id).limit(limit)
    ).all()
    if len(rows) < limit:
        return [_decode(row) for row in rows], end
    return [_decode(row) for row in rows], FeedPosition(rows[-1].cursor_key, rows[-1].id)


def count_decisions(connection: Connection) -> tuple[int, int]:
    """(rows, distinct ids): equal unless the exactly-once guarantee was broken."""
    rows = connection.execute(sa.select(sa.func.count()).select_from(decisions)).scalar_one()
    distinct = connection.execute(
        sa.select(sa.func.count(sa.distinct(decisions.c.id)))
    ).scalar_one()
    return rows, distinct
