"""How a parallel scan cuts a JSONL file into slices without a pass over every line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.run import chunks

line_lengths = st.lists(st.sampled_from([0, 1, 3, 10, 50, 200, 3000, 9000]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    lengths=line_lengths,
    final_newline=st.booleans(),
    size=st.integers(1, 7),
    sample_bytes=st.sampled_from([16, 64, 1024]),
    start_line=st.integers(0, 5),
)
def test_slices_are_whole_lines_covering_the_file_once(
    tmp_path_factory: pytest.TempPathFactory,
    lengths: list[int],
    final_newline: bool,
    size: int,
    sample_bytes: int,
    start_line: int,
) -> None:
    data = b"\n".join(b"x" * n for n in lengths) + (b"\n" if final_newline and lengths else b"")
    path = tmp_path_factory.mktemp("slices") / "in.jsonl"
    path.write_bytes(data)
    start = sum(lengths[:start_line]) + start_line if start_line < len(lengths) else len(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "_BLOCK_BYTES", sample_bytes)  # a short sample: uneven blocks
        patch.setattr(chunks, "_WINDOW_BYTES", 4096)  # many windows, lines longer than one
        slices = list(chunks._sliced_blocks(str(path), start, size))
    data = data[start:]  # a resumed scan starts after a whole line
    position = 0
    for length, count in slices:
        piece = data[position : position + length]
        assert length > 0
        assert piece.endswith(b"\n") or position + length == len(data)
        assert count == piece.count(b"\n") + (not piece.endswith(b"\n"))
        position += length
    assert position == len(data)
    assert sum(count for _, count in slices) == len(data.splitlines())


def test_slices_hold_about_the_batch_size_in_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "post"}\n' % i for i in range(10_000)))
    counts = [count for _, count in chunks._sliced_blocks(str(path), 0, 500)]
    assert sum(counts) == 10_000
    assert all(400 <= count <= 600 for count in counts[:-1]), counts


def test_a_file_truncated_while_it_is_sliced_ends_the_slices_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program may truncate an input mid-scan (copytruncate log rotation): slicing
    must stop, not crash (a memory map would die of SIGBUS); the workers' reads then report
    that the input changed."""
    monkeypatch.setattr(chunks, "_WINDOW_BYTES", 4096)
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "post"}\n' % i for i in range(2_000)))
    slices = chunks._sliced_blocks(str(path), 0, 50)
    first = next(slices)
    with path.open("r+b") as stream:
        stream.truncate(10_000)
    rest = list(slices)
    assert first[0] + sum(length for length, _ in rest) == 10_000
