"""How a parallel scan cuts a JSONL file into slices without reading it: one small window at
each cut, lines counted by the workers."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.run import chunk_reader

line_lengths = st.lists(st.sampled_from([0, 1, 3, 10, 50, 200, 3000, 9000]), max_size=40)


@settings(max_examples=400, deadline=None)
@given(
    lengths=line_lengths,
    final_newline=st.booleans(),
    crlf=st.booleans(),
    size=st.integers(1, 7),
    probe_bytes=st.sampled_from([1, 16, 64, 1024]),
    start_line=st.integers(0, 5),
)
def test_slices_are_whole_lines_covering_the_file_once(
    tmp_path_factory: pytest.TempPathFactory,
    lengths: list[int],
    final_newline: bool,
    crlf: bool,
    size: int,
    probe_bytes: int,
    start_line: int,
) -> None:
    """Blank lines, CRLF endings, no final newline, lines many times the probe window."""
    ending = b"\r\n" if crlf else b"\n"
    lines = [b"x" * n + ending for n in lengths]
    if lines and not final_newline:
        lines[-1] = lines[-1].removesuffix(ending)
    data = b"".join(lines)
    path = tmp_path_factory.mktemp("slices") / "in.jsonl"
    path.write_bytes(data)
    start = len(b"".join(lines[:start_line]))  # a resumed scan starts after a whole line
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunk_reader, "_SAMPLE_BYTES", probe_bytes)
        patch.setattr(chunk_reader, "_PROBE_BYTES", probe_bytes)
        slices = list(chunk_reader._probed_slices(str(path), start, size))
    position = start
    for offset, length in slices:
        piece = data[offset : offset + length]
        assert offset == position and length > 0
        assert piece.endswith(b"\n") or offset + length == len(data)
        position += length
    assert position == len(data)
    counted = sum(
        piece.count(b"\n") + (not piece.endswith(b"\n"))
        for piece in (data[offset : offset + length] for offset, length in slices)
    )
    assert counted == sum(1 for line in lines[start_line:] if line)  # an empty last is none


def test_slices_hold_about_the_batch_size_in_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    data = b"".join(b'{"id": "%d", "text": "post"}\n' % i for i in range(10_000))
    path.write_bytes(data)
    slices = list(chunk_reader._probed_slices(str(path), 0, 500))
    counts = [data[offset : offset + length].count(b"\n") for offset, length in slices]
    assert sum(counts) == 10_000
    assert all(400 <= count <= 600 for count in counts[:-1]), counts


def test_slices_are_at_least_the_minimum_bytes(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "post"}\n' % i for i in range(10_000)))
    lengths = [
        length for _, length in chunk_reader._probed_slices(str(path), 0, 2, min_bytes=50_000)
    ]
    assert all(length >= 50_000 for length in lengths[:-1]), lengths
    assert sum(lengths) == path.stat().st_size


def test_long_lines_at_the_start_do_not_make_huge_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunk_reader, "MAX_SLICE_BYTES", 10_000)
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"x" * 50_000 + b"\n" + b'{"id": "1", "text": "a post"}\n' * 5_000)
    lengths = [length for _, length in chunk_reader._probed_slices(str(path), 0, 2000)]
    assert lengths[0] == 50_001  # a line is never cut
    assert all(length <= 10_000 + 30 for length in lengths[1:]) and len(lengths) > 10
    assert sum(lengths) == path.stat().st_size


def test_slicing_reads_a_small_part_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading process of a parallel scan must not pass over the input: it probes."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "a post"}\n' % i for i in range(100_000)))
    read: list[int] = []
    realread_at = chunk_reader.read_at

    def countingread_at(stream: BinaryIO, position: int, size: int) -> bytes:
        window = realread_at(stream, position, size)
        read.append(len(window))
        return window

    monkeypatch.setattr(chunk_reader, "read_at", countingread_at)
    slices = list(chunk_reader._probed_slices(str(path), 0, 2000))
    assert sum(length for _, length in slices) == path.stat().st_size
    assert len(read) <= len(slices) + 1  # a sample, then one window per cut
    assert read[0] <= chunk_reader._SAMPLE_BYTES
    assert sum(read[1:]) < path.stat().st_size / 10


def test_a_file_truncated_while_it_is_sliced_ends_the_slices_quietly(tmp_path: Path) -> None:
    """Another program may truncate an input mid-scan (copytruncate log rotation): slicing
    must stop, not crash (a memory map would die of SIGBUS); the workers' reads then report
    that the input changed."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(b'{"id": "%d", "text": "post"}\n' % i for i in range(2_000)))
    slices = chunk_reader._probed_slices(str(path), 0, 50)
    first_offset, first_length = next(slices)
    with path.open("r+b") as stream:
        stream.truncate(10_000)
    rest = list(slices)
    assert first_offset == 0
    assert first_length + sum(length for _, length in rest) == 10_000
