"""Derived tables on disk: built once, read back equal, rebuilt when missing or corrupt."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import derived


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REDLINE_CACHE_DIR", str(tmp_path))
    return tmp_path / "redline"


def _table(builds: list[int]) -> dict[str, tuple[int, ...]]:
    return derived.derived_table(
        "squares.json",
        lambda: builds.append(1) or {"squares": (1, 4, 9)},
        encode=lambda table: {k: list(v) for k, v in table.items()},
        decode=lambda raw: {k: tuple(v) for k, v in raw.items()},
    )


def test_a_table_is_built_once_and_read_back_equal(cache: Path) -> None:
    builds: list[int] = []
    first = _table(builds)
    second = _table(builds)
    assert first == second == {"squares": (1, 4, 9)}
    assert len(builds) == 1
    assert (cache / "squares.json").exists()
    assert not list(cache.glob("*.tmp"))


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]"])
def test_a_corrupt_file_is_rebuilt_and_replaced(cache: Path, content: bytes) -> None:
    cache.mkdir(parents=True)
    (cache / "squares.json").write_bytes(content)
    builds: list[int] = []
    assert _table(builds) == {"squares": (1, 4, 9)}
    assert len(builds) == 1
    assert _table(builds) == {"squares": (1, 4, 9)} and len(builds) == 1


def test_an_unwritable_cache_only_costs_the_build(cache: Path) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the directory should be")
    builds: list[int] = []
    assert _table(builds) == _table(builds) == {"squares": (1, 4, 9)}
    assert len(builds) == 2


def test_a_thing_without_a_stored_form_is_returned_and_not_stored(cache: Path) -> None:
    def refuse(table: object) -> bytes:
        raise TypeError("no exact form")

    builds: list[int] = []
    for _ in range(2):
        thing = derived.derived(
            "odd.bin", lambda: builds.append(1) or {"n": 1}, dump=refuse, load=lambda _: {}
        )
        assert thing == {"n": 1}
    assert len(builds) == 2
    assert not (cache / "odd.bin").exists()


def test_files_unused_for_a_month_go_when_a_new_one_is_written(cache: Path) -> None:
    import os
    import time

    builds: list[int] = []
    _table(builds)  # in use: read below, so its time is renewed
    stale, fresh = cache / "terms-old.json", cache / "terms-recent.json"
    stale.write_bytes(b"{}")
    fresh.write_bytes(b"{}")
    month_ago = time.time() - (derived.UNUSED_DAYS + 1) * 86_400
    for path in (stale, cache / "squares.json"):
        os.utime(path, (month_ago, month_ago))
    _table(builds)  # a read marks it used
    derived.derived("new.bin", lambda: b"x", dump=bytes, load=lambda _: 1 / 0)
    assert not stale.exists()
    assert fresh.exists() and (cache / "squares.json").exists() and (cache / "new.bin").exists()
    assert len(builds) == 1


def test_a_fingerprint_changes_with_its_parts_and_sources() -> None:
    base = derived.fingerprint([b"a"], ["normalize/tables.py"])
    assert len(base) == 32 and base == derived.fingerprint([b"a"], ["normalize/tables.py"])
    assert base != derived.fingerprint([b"b"], ["normalize/tables.py"])
    assert base != derived.fingerprint([b"a"], ["normalize/tables.py", "variants.py"])
