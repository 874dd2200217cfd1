"""The scan engine: N workers give one worker's bytes, in input order; Parquet round trips with
carried columns; verdicts equal `Pipeline.screen`, one JSON line each."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.pipeline import Pipeline
from redline.run import chunk_reader
from redline.run.chunks import ArrowChunk, JsonlChunk, Position
from redline.run.reader import Reject, read_batches
from redline.run.scan import ScanJob, run_scan
from redline.run.writer import json_line, rejects_path
from redline.synth import generate
from redline.types import Post


def synthetic_posts(count: int, seed: int) -> list[Post]:
    """Generated ads and hard negatives in every pack language."""
    return [Post(row["id"], row["text"]) for row in generate(count, seed=seed)]


BAD_LINES = ["not json {", "[1, 2]", '{"id": "x"}', '{"id": "", "text": "t"}']


def write_input(path: Path, count: int, *, seed: int = 5, bad_every: int = 0) -> list[str]:
    """Synthetic posts (ads and hard negatives) as JSONL, a bad line every `bad_every`."""
    lines = []
    for index, post in enumerate(synthetic_posts(count, seed)):
        record = {"id": post.id, "text": post.text, "author": f"u{index % 7}", "n": index}
        lines.append(json.dumps(record, ensure_ascii=False))
        if bad_every and index % bad_every == bad_every - 1:
            lines.append(BAD_LINES[index % len(BAD_LINES)])
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def reference_output(pipeline: Pipeline, source: Path, output: Path) -> None:
    """What the plain scan loop writes: `Pipeline.screen` on every post, one line per decision."""
    with output.open("wb") as out:
        for batch in read_batches([str(source)], size=97):
            posts = [r for r in batch if isinstance(r, Post)]
            out.writelines(json_line(d.to_dict()) for d in pipeline.screen(posts))


def scan_file(source: Path, output: Path, model: Path, **options: Any) -> None:
    """`run_scan` of one input into one output with the test model."""
    run_scan(ScanJob(inputs=(str(source),), output=str(output), model=str(model), **options))


@pytest.fixture()
def small_slices(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Slices of about a batch even for worker processes (which otherwise take at least 1 MiB,
    more than these inputs), so two workers share many chunks; returns the chunk sizes seen,
    for `run_scan(on_progress=...)`."""
    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)
    return []


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_two_workers_write_the_same_bytes_as_one(
    tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline, suffix: str, small_slices: list[int]
) -> None:
    source = tmp_path / "in.jsonl"
    write_input(source, 300, bad_every=25)
    outputs = {}
    for workers in (1, 2):
        output = tmp_path / f"out{workers}{suffix}"
        small_slices.clear()
        outcome = run_scan(
            ScanJob(
                inputs=(str(source),),
                output=str(output),
                model=str(tiny_model_path),
                workers=workers,
                batch_size=37,
            ),
            on_progress=small_slices.append,
        )
        assert len(small_slices) > 4  # many chunks, shared by the workers
        assert outcome.summary.balanced
        assert outcome.summary.rejected == 12
        outputs[workers] = (output.read_bytes(), Path(rejects_path(str(output))).read_bytes())
    assert outputs[1] == outputs[2]
    if suffix == ".jsonl":
        reference = tmp_path / "reference.jsonl"
        reference_output(pipeline, source, reference)
        assert outputs[1][0] == reference.read_bytes()


def test_rejects_keep_their_line_numbers_across_chunks(
    tmp_path: Path, tiny_model_path: Path, small_slices: list[int]
) -> None:
    source = tmp_path / "in.jsonl"
    write_input(source, 120, bad_every=10)
    output = tmp_path / "out.jsonl"
    run_scan(
        ScanJob(
            inputs=(str(source),),
            output=str(output),
            model=str(tiny_model_path),
            workers=2,
            batch_size=7,
        ),
        on_progress=small_slices.append,
    )
    assert len(small_slices) > 4
    rejects = [
        json.loads(line) for line in Path(rejects_path(str(output))).read_text().splitlines()
    ]
    expected = [r for batch in read_batches([str(source)]) for r in batch if isinstance(r, Reject)]
    assert [(r["line"], r["reason"]) for r in rejects] == [(r.line, r.reason) for r in expected]


def test_output_ids_follow_input_order(
    tmp_path: Path, tiny_model_path: Path, small_slices: list[int]
) -> None:
    source = tmp_path / "in.jsonl"
    lines = write_input(source, 300, seed=9)
    output = tmp_path / "out.jsonl"
    run_scan(
        ScanJob(
            inputs=(str(source),),
            output=str(output),
            model=str(tiny_model_path),
            workers=2,
            batch_size=11,
        ),
        on_progress=small_slices.append,
    )
    assert len(small_slices) > 4
    ids = [json.loads(line)["id"] for line in output.read_text(encoding="utf-8").splitlines()]
    assert ids == [json.loads(line)["id"] for line in lines]


def test_carried_columns_follow_the_decision_in_jsonl_and_csv(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    write_input(source, 40)
    jsonl, csv_out = tmp_path / "out.jsonl", tmp_path / "out.csv"
    for output in (jsonl, csv_out):
        run_scan(
            ScanJob(
                inputs=(str(source),),
                output=str(output),
                model=str(tiny_model_path),
                carry=("author", "n", "absent"),
            )
        )
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert list(rows[0])[-3:] == ["author", "n", "absent"]
    assert [(r["author"], r["n"], r["absent"]) for r in rows] == [
        (f"u{i % 7}", i, None) for i in range(40)
    ]
    with csv_out.open(encoding="utf-8", newline="") as stream:
        table = list(csv.DictReader(stream))
    assert [(r["author"], r["n"], r["absent"]) for r in table] == [
        (f"u{i % 7}", str(i), "") for i in range(40)
    ]
    assert [r["id"] for r in table] == [r["id"] for r in rows]


def test_carrying_a_decision_column_is_refused(tmp_path: Path, tiny_model_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    write_input(source, 3)
    with pytest.raises(ValueError, match="verdict"):
        run_scan(
            ScanJob(inputs=(str(source),), output=str(tmp_path / "o.jsonl"), carry=("verdict",))
        )


# --- Parquet ---------------------------------------------------------------------------------


def write_parquet(path: Path, count: int, *, row_group: int = 64) -> list[Post]:
    posts = synthetic_posts(count, 4)
    table = pa.table(
        {
            "id": [p.id for p in posts],
            "text": [p.text if i % 25 else None for i, p in enumerate(posts)],
            "region": [f"r{i % 3}" for i in range(count)],
            "stamp": pa.array(list(range(count)), pa.int64()),
        }
    )
    pq.write_table(table, path, row_group_size=row_group)
    return posts


def test_parquet_round_trip_with_carried_columns(
    tmp_path: Path, tiny_model_path: Path, pipeline: Pipeline
) -> None:
    source, output = tmp_path / "in.parquet", tmp_path / "out.parquet"
    posts = write_parquet(source, 300)
    outcome = run_scan(
        ScanJob(
            inputs=(str(source),),
            output=str(output),
            model=str(tiny_model_path),
            carry=("region", "stamp"),
            workers=2,
            batch_size=50,
        )
    )
    assert outcome.summary.rejected == 12 and outcome.summary.balanced
    result = pq.read_table(output)
    assert result.schema.field("stamp").type == pa.int64()  # carried with its type
    kept = [(i, p) for i, p in enumerate(posts) if i % 25]
    assert result.column("id").to_pylist() == [p.id for _, p in kept]
    assert result.column("region").to_pylist() == [f"r{i % 3}" for i, _ in kept]
    assert result.column("stamp").to_pylist() == [i for i, _ in kept]
    expected = [d.to_dict() for d in pipeline.screen([p for _, p in kept])]
    rows = result.drop_columns(["region", "stamp"]).to_pylist()
    assert rows == expected
    rejects = [
        json.loads(line) for line in Path(rejects_path(str(output))).read_text().splitlines()
    ]
    assert [r["line"] for r in rejects] == [i + 1 for i in range(0, 300, 25)]


def test_parquet_output_is_written_in_row_groups_without_buffering_the_run(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redline.run.output as output_module

    monkeypatch.setattr(output_module, "ROW_GROUP_ROWS", 100)
    source, output = tmp_path / "in.parquet", tmp_path / "out.parquet"
    write_parquet(source, 450)
    run_scan(
        ScanJob(
            inputs=(str(source),), output=str(output), model=str(tiny_model_path), batch_size=40
        )
    )
    metadata = pq.ParquetFile(output).metadata
    assert metadata.num_rows == 450 - 18
    assert metadata.num_row_groups >= 4


def test_arrow_chunk_rejects_like_the_row_reader() -> None:
    batch = pa.record_batch(
        {"id": pa.array(["a", "", None, "d"]), "text": pa.array(["x", "y", "z", None])}
    )
    columns = ArrowChunk("f.parquet", 10, batch).decode()
    assert columns.ids == ["a"]
    assert [(r.line, r.reason) for r in columns.rejects] == [
        (11, "`id` is empty"),
        (12, "`id` is not a string or integer (got null)"),
        (13, "`text` is not a string (got null)"),
    ]


def test_jsonl_chunk_counts_every_non_blank_line() -> None:
    lines = [b'{"id": 1, "text": "a"}\n', b"\n", b"oops\n", b'{"id": "b", "text": "c"}']
    columns = JsonlChunk("s", 5, b"".join(lines)).decode()
    assert columns.ids == ["1", "b"] and columns.read == 3
    assert [r.line for r in columns.rejects] == [7]


@pytest.mark.parametrize("block_bytes", [1, 7, 1 << 22])
def test_line_blocks_cut_every_size_lines_whatever_the_read_size(
    block_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from redline.run import chunk_reader

    monkeypatch.setattr(chunk_reader, "_BLOCK_BYTES", block_bytes)
    data = b'{"a": 1}\n\n{"b": 2}\r\nxyz\n{"c": 3}'  # five lines, the last without newline
    blocks = list(chunk_reader._line_blocks(io.BytesIO(data), 2))
    assert [count for _, count in blocks] == [2, 2, 1]
    assert b"".join(block for block, _ in blocks) == data
    second = JsonlChunk("s", 1, bytes(blocks[1][0])).lines
    assert second == [b'{"b": 2}\r', b"xyz"]


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.sampled_from([b"", b"a", b"\r", b"{}", b"xyz" * 30]), max_size=40),
    final_newline=st.booleans(),
    size=st.integers(1, 7),
    block_bytes=st.integers(1, 64),
)
def test_line_blocks_hold_exactly_size_lines_each(
    lines: list[bytes], final_newline: bool, size: int, block_bytes: int
) -> None:
    """Whatever the lines' lengths (so however far off the guessed run length is), every run
    but the last holds exactly `size` lines and ends with a newline, and the runs are the data."""
    import io

    from redline.run import chunk_reader

    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunk_reader, "_BLOCK_BYTES", block_bytes)
        blocks = [
            (bytes(block), count)
            for block, count in chunk_reader._line_blocks(io.BytesIO(data), size)
        ]
    assert b"".join(block for block, _ in blocks) == data
    for block, count in blocks[:-1]:
        assert count == size and block.count(b"\n") == size and block.endswith(b"\n")
    if blocks:
        last, count = blocks[-1]
        assert count == last.count(b"\n") + (not last.endswith(b"\n")) and 0 < count <= size


def test_chunks_by_reference_decode_as_the_blocks_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slices number their lines from their own start and end with a `SliceEnd`; resolved in
    order through `advance`, they give the line numbers and positions of line-counted blocks."""
    import dataclasses
    import gzip

    from redline.run import chunk_reader
    from redline.run.chunk_reader import iter_chunks
    from redline.run.chunks import JsonlSlice, SliceEnd, advance

    monkeypatch.setattr(chunk_reader, "MIN_SLICE_BYTES", 1)  # several slices of a small file

    lines = [json.dumps({"id": str(i), "text": f"帖子 {i}", "n": i}) for i in range(23)]
    lines[4], lines[9] = "not json", ""  # a reject and a blank line keep their numbers
    data = ("\n".join(lines)).encode()  # the last line without a newline
    plain, zipped = tmp_path / "in.jsonl", tmp_path / "in.jsonl.gz"
    plain.write_bytes(data)
    zipped.write_bytes(gzip.compress(data))

    def decoded(path: Path, by_reference: bool) -> list[tuple[type, Any, Any]]:
        """(kind, columns with absolute line numbers, position after) of every chunk."""
        slices = chunk_reader.MIN_SLICE_BYTES if by_reference else None
        found = iter_chunks([(str(path), "jsonl")], size=5, carry=["n"], min_slice_bytes=slices)
        position, result = Position(), []
        for chunk, end in found:
            columns = chunk.decode()
            position, before = advance(position, end, columns.span)
            columns.lines = [n + before for n in columns.lines]
            columns.rejects = [
                dataclasses.replace(r, line=r.line + before) for r in columns.rejects
            ]
            result.append((type(chunk), columns, position, end))
        return result

    def joined(chunks: list[tuple[type, Any, Any]]) -> tuple[list[Any], ...]:
        """The records, rejects and carried values of all chunks, in order: slices are cut
        by bytes, blocks by lines, so only the whole must agree."""
        columns = [c for _, c, _, _ in chunks]
        return (
            [i for c in columns for i in c.ids],
            [t for c in columns for t in c.texts],
            [n for c in columns for n in c.lines],
            [n for c in columns for n in c.carried["n"]],
            [r for c in columns for r in c.rejects],
        )

    by_value, by_reference = decoded(plain, False), decoded(plain, True)
    assert {kind for kind, _, _, _ in by_value} == {JsonlChunk}
    assert {kind for kind, _, _, _ in by_reference} == {JsonlSlice}
    assert {type(end) for _, _, _, end in by_reference} == {SliceEnd}
    assert joined(by_reference) == joined(by_value)
    assert by_reference[-1][2] == by_value[-1][2] == Position(0, len(data), 23)
    for _, columns, position, _ in by_reference:  # each slice ends after a whole line
        assert position.offset == len(data) or data[position.offset - 1 : position.offset] == b"\n"
        assert position.line == data[: position.offset].count(b"\n") + (
            position.offset == len(data)
        )
        assert not columns.lines or max(columns.lines) <= position.line
    assert len(by_reference) > 2
    assert joined(by_reference)[2][:4] == [1, 2, 3, 4]
    assert [r.line for r in joined(by_reference)[4]] == [5]
    assert {kind for kind, _, _, _ in decoded(zipped, True)} == {JsonlChunk}  # offsets of a gzip


def test_an_output_or_its_rejects_file_that_is_an_input_is_refused_before_anything_is_written(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    from typer.testing import CliRunner

    from redline.cli import app

    posts = tmp_path / "posts.jsonl"
    write_input(posts, 5)
    rejects_named = tmp_path / "x.rejects.jsonl"  # the rejects file of x.jsonl
    rejects_named.write_bytes(posts.read_bytes())
    before = posts.read_bytes()
    for source, output in ((posts, posts), (rejects_named, tmp_path / "x.jsonl")):
        job = ScanJob(inputs=(str(source),), output=str(output), model=str(tiny_model_path))
        with pytest.raises(ValueError, match="is also an input"):
            run_scan(job)
        result = CliRunner().invoke(app, ["scan", str(source), "-o", str(output)])
        assert result.exit_code == 2 and "is also an input" in " ".join(result.output.split())
        assert source.read_bytes() == before  # untouched
    assert not (tmp_path / "x.jsonl").exists()


def test_an_input_without_its_columns_fails_before_the_previous_output_is_touched(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    from redline.run.reader import InputError

    output = tmp_path / "out.jsonl"
    output.write_bytes(b'{"id": "from an earlier run"}\n')
    no_text_csv = tmp_path / "in.csv"
    no_text_csv.write_text("id,body\n1,x\n", encoding="utf-8")
    no_text_parquet = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["1"], "body": ["x"]}), no_text_parquet)
    for source, message in ((no_text_csv, "CSV header lacks text"), (no_text_parquet, "no text")):
        job = ScanJob(inputs=(str(source),), output=str(output), model=str(tiny_model_path))
        with pytest.raises(InputError, match=message):
            run_scan(job)
        assert output.read_bytes() == b'{"id": "from an earlier run"}\n'


def test_carried_columns_are_named_once_and_their_csv_header_is_quoted(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "1", "text": "今天天气很好", "a": 1, "x,y": "q"}) + "\n", encoding="utf-8"
    )
    output = tmp_path / "out.csv"
    job = ScanJob(inputs=(str(source),), output=str(output), model=str(tiny_model_path))
    with pytest.raises(ValueError, match="names a more than once"):
        run_scan(ScanJob(**{**_fields(job), "carry": ("a", "a")}))
    run_scan(ScanJob(**{**_fields(job), "carry": ("a", "x,y")}))
    header, row = list(csv.reader(output.read_text(encoding="utf-8").splitlines()))
    assert header[-2:] == ["a", "x,y"] and len(header) == len(row)
    assert row[-2:] == ["1", "q"]


def _fields(job: ScanJob) -> dict[str, Any]:
    return {name: getattr(job, name) for name in ScanJob.__slots__}  # type: ignore[attr-defined]


def test_jsonl_chunk_keeps_big_integer_ids_and_skips_a_blank_first_line_with_its_bom() -> None:
    data = b'\xef\xbb\xbf\n{"id": 12345678901234567890123, "text": "x"}\n{"id": 1.5, "text": "y"}'
    columns = JsonlChunk("s", 1, data).decode()
    assert columns.ids == ["12345678901234567890123"]
    assert [(r.line, r.reason) for r in columns.rejects] == [
        (3, "`id` is not a string or integer (got number)")
    ]
    assert columns.read == 2


def test_arrow_chunk_rejects_a_text_that_is_not_utf8_and_keeps_the_rest() -> None:
    texts = pa.array([b"fine", b"bad \xff", b"also fine"], pa.binary()).view(pa.string())
    batch = pa.record_batch({"id": pa.array(["a", "b", "c"]), "text": texts})
    chunk = ArrowChunk("f.parquet", 1, batch)
    columns = chunk.decode()
    assert (columns.ids, columns.texts) == (["a", "c"], ["fine", "also fine"])
    assert [(r.line, r.reason) for r in columns.rejects] == [(2, "`text` is not valid UTF-8")]
    assert chunk.raw_of(columns, 1) == '{"id":"c","text":"also fine"}'


def test_carried_parquet_values_without_a_json_type_are_written_in_jsonl_and_csv(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    import datetime
    import decimal

    source = tmp_path / "in.parquet"
    table = pa.table(
        {
            "id": ["a"],
            "text": ["hello"],
            "price": pa.array([decimal.Decimal("1.50")], pa.decimal128(5, 2)),
            "blob": pa.array([b"\x00\xff"], pa.binary()),
            "wait": pa.array([datetime.timedelta(seconds=5)], pa.duration("s")),
            "day": pa.array([datetime.date(2026, 1, 2)], pa.date32()),
        }
    )
    pq.write_table(table, source)
    carry = ("price", "blob", "wait", "day")
    for name in ("out.jsonl", "out.csv"):
        scan_file(source, tmp_path / name, tiny_model_path, carry=carry)
    [row] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    expected = {"price": "1.50", "blob": "AP8=", "wait": "0:00:05", "day": "2026-01-02"}
    assert {column: row[column] for column in carry} == expected
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as stream:
        [cells] = list(csv.DictReader(stream))
    assert {column: cells[column] for column in carry} == expected


def test_carrying_text_from_csv_carries_the_text(tmp_path: Path, tiny_model_path: Path) -> None:
    """The CSV reader takes id and text out of a row's other columns; carrying either must
    still give its value, as it does for JSONL and Parquet."""
    source = tmp_path / "in.csv"
    source.write_text("id,text,author\na,hello,u1\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    scan_file(source, output, tiny_model_path, carry=("text", "author"))
    [row] = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert (row["id"], row["text"], row["author"]) == ("a", "hello", "u1")


def test_a_carried_parquet_string_that_is_not_utf8_is_written_with_replacements(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    notes = pa.array([b"fine", b"\xff\xfe bad"], pa.binary()).view(pa.string())
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["x", "y"], "note": notes}), source)
    output = tmp_path / "out.jsonl"
    scan_file(source, output, tiny_model_path, carry=("note",))
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(row["id"], row["note"]) for row in rows] == [("a", "fine"), ("b", "\ufffd\ufffd bad")]


def test_csv_records_read_before_an_unreadable_field_are_still_decided(
    tmp_path: Path, tiny_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts add up: the rows before a field too long to read are decided (and the bad row
    before it rejected) before the input error ends the run."""
    from redline.run import reader
    from redline.run.reader import InputError

    monkeypatch.setattr(reader, "CSV_FIELD_LIMIT", 1_000)
    source = tmp_path / "in.csv"
    source.write_bytes(b'id,text\n1,first\n2,second\n,no id\n4,"' + b"x" * 2_000 + b"\n")
    output = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="line 5"):
        scan_file(source, output, tiny_model_path)
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ["1", "2"]
    rejects = Path(rejects_path(str(output))).read_text(encoding="utf-8")
    [reject] = [json.loads(line) for line in rejects.splitlines()]
    assert reject["line"] == 4


def test_a_nested_carried_column_with_bad_bytes_is_written_as_a_replacement_character(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source = tmp_path / "in.parquet"
    bad = pa.array([b"ok", b"\xff bad"], pa.binary()).view(pa.string())
    tags = pa.ListArray.from_arrays(pa.array([0, 1, 2], pa.int32()), bad)
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["x", "y"], "tags": tags}), source)
    output = tmp_path / "out.jsonl"
    scan_file(source, output, tiny_model_path, carry=("tags",))
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [row["tags"] for row in rows] == [["ok"], "\ufffd"]
