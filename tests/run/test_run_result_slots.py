"""Result slots: what a forked worker leaves in shared memory is what the scan writes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from scan_feeds import awkward_feed, written_by_one_and_two_workers

from redline.run import chunk_reader, parallel, result_slots
from redline.run.result_slots import InSlot, ResultSlots

fork_only = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="slots need fork"
)


def _fill(slots: ResultSlots, index: int, data: bytes) -> None:
    placed = slots.put(index, data)
    raise SystemExit(0 if placed == InSlot(index, len(data)) else 1)


@fork_only
def test_what_a_forked_child_puts_in_a_slot_the_parent_takes() -> None:
    slots = ResultSlots(3, size=64)
    context = multiprocessing.get_context("fork")
    for index, data in [(2, "第三格 ✓".encode()), (0, b"x" * 64), (1, b"")]:
        child = context.Process(target=_fill, args=(slots, index, data))
        child.start()
        child.join()
        assert child.exitcode == 0
        assert slots.take(InSlot(index, len(data))) == data
    slots.close()


def test_a_taken_output_is_a_view_that_outlives_closing_the_slots() -> None:
    """The scan writes the last result after the pool (and its slots) closed."""
    slots = ResultSlots(2, size=16)
    slots.put(1, b"last chunk")
    view = slots.take(InSlot(1, 10))
    slots.close()
    assert bytes(view) == b"last chunk"
    view.release()


def test_an_output_longer_than_a_slot_is_refused_and_slots_cycle() -> None:
    slots = ResultSlots(2, size=8)
    assert slots.put(1, b"123456789") is None
    assert slots.put(1, b"12345678") == InSlot(1, 8)
    assert [slots.slot_of(n) for n in range(5)] == [0, 1, 0, 1, 0]
    with pytest.raises(ValueError, match="at least one slot"):
        ResultSlots(0)


@fork_only
@pytest.mark.parametrize("slot_bytes", [1, 600, 1 << 20])
def test_two_workers_write_one_workers_bytes_through_slots_or_the_pipe(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch, slot_bytes: int
) -> None:
    """1 byte: every output goes through the pipe; 600: some fit, some do not; 1 MiB: all fit."""
    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)  # a slice every few lines
    monkeypatch.setattr(result_slots, "SLOT_BYTES", slot_bytes)
    returned: list[object] = []  # each two-worker chunk's output as it came back
    taken = parallel._taken

    def watched(result: parallel.ChunkResult, slots: ResultSlots | None) -> parallel.ChunkResult:
        returned.append(result.output)
        return taken(result, slots)

    monkeypatch.setattr(parallel, "_taken", watched)
    source = tmp_path / "in.jsonl"
    awkward_feed(source)
    written = written_by_one_and_two_workers(source, tmp_path, tiny_model_path)
    assert written[2] == written[1]
    in_slots = [output for output in returned if isinstance(output, InSlot)]
    piped = [output for output in returned if isinstance(output, bytes)]
    assert len(in_slots) + len(piped) == len(returned) > 10
    if slot_bytes == 1:
        assert not in_slots
    elif slot_bytes == 600:
        assert in_slots and piped and max(placed.length for placed in in_slots) <= 600
    else:
        assert not piped


@fork_only
def test_a_scan_that_cannot_map_its_slots_sends_results_through_the_pipe(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(count: int, size: int | None = None) -> ResultSlots:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)
    monkeypatch.setattr(parallel, "ResultSlots", refused)
    returned: list[object] = []
    taken = parallel._taken

    def watched(result: parallel.ChunkResult, slots: ResultSlots | None) -> parallel.ChunkResult:
        returned.append((result.output, slots))
        return taken(result, slots)

    monkeypatch.setattr(parallel, "_taken", watched)
    source = tmp_path / "in.jsonl"
    awkward_feed(source)
    written = written_by_one_and_two_workers(source, tmp_path, tiny_model_path)
    assert written[2] == written[1] and written[1][0]
    assert len(returned) > 10  # every result came through the pipe: no slots at all
    assert all(isinstance(output, bytes) and slots is None for output, slots in returned)
