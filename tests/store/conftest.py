"""The storage tests' database: a fresh one of each backend (`db_url`), migrated to the current
schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from redline.store.engine import create_engine
from redline.store.migrate import upgrade


@pytest.fixture()
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
