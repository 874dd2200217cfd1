"""Group commit: concurrent screening writes share transactions; a failed commit writes nothing."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from redline.store.decisions import ScreenedPost, count_decisions
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.web.write_batcher import DecisionWriter


def _post(post_id: str, verdict: str = "allow") -> ScreenedPost:
    decision = {"id": post_id, "verdict": verdict, "score": 0.0, "clauses": []}
    return ScreenedPost("text", decision, "token:t")


def test_concurrent_writes_share_commits_and_all_land(db_url: str) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    commits: list[int] = []
    sa.event.listen(engine, "commit", lambda _connection: commits.append(1))
    writer = DecisionWriter(engine)

    async def run() -> None:
        await asyncio.gather(*(writer.write([_post(f"p{i}")]) for i in range(20)))
        await writer.write([_post("p0"), _post("late")])  # a duplicate id is a no-op

    asyncio.run(run())
    with engine.connect() as connection:
        assert count_decisions(connection) == (21, 21)
    assert len(commits) <= 3  # 21 requests, a couple of transactions
    engine.dispose()


def test_a_failed_commit_fails_every_request_in_it_and_writes_nothing(db_url: str) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    writer = DecisionWriter(engine)
    broken = ScreenedPost("text", {"id": "bad", "score": 0.0}, "token:t")  # no verdict

    async def run() -> list[object]:
        return await asyncio.gather(
            writer.write([_post("a")]), writer.write([broken]), return_exceptions=True
        )

    outcomes = asyncio.run(run())
    assert all(isinstance(outcome, KeyError) for outcome in outcomes)
    with engine.connect() as connection:
        assert count_decisions(connection) == (0, 0)
    asyncio.run(writer.write([_post("after")]))  # the writer recovers
    with engine.connect() as connection:
        assert count_decisions(connection) == (1, 1)
    engine.dispose()
