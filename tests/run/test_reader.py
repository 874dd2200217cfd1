"""Readers: every record becomes a Post or a Reject, with the right line and reason."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from redline.run.reader import (
    MAX_RAW_CHARS,
    MAX_TEXT_CHARS,
    InputError,
    Reject,
    read_batches,
    read_records,
)
from redline.types import Post


def write_bytes(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def only_reject(records: list[Post | Reject]) -> Reject:
    assert len(records) == 1
    assert isinstance(records[0], Reject)
    return records[0]


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_posts_keep_other_fields_as_meta(tmp_path: Path) -> None:
    path = write_bytes(
        tmp_path, "in.jsonl", b'{"id": "a", "text": "hello", "author": "u1", "n": 2}\n'
    )
    [post] = read_records([path])
    assert post == Post("a", "hello", {"author": "u1", "n": 2})


def test_integer_ids_become_strings(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'{"id": 42, "text": "x"}\n')
    [post] = read_records([path])
    assert isinstance(post, Post)
    assert post.id == "42"


def test_blank_lines_are_skipped_but_counted_for_line_numbers(tmp_path: Path) -> None:
    data = b'\n{"id": "a", "text": "x"}\n   \n\r\n{"id": "b"}\n'
    path = write_bytes(tmp_path, "in.jsonl", data)
    records = list(read_records([path]))
    assert len(records) == 2
    assert records[0] == Post("a", "x", {})
    assert isinstance(records[1], Reject)
    assert records[1].line == 5
    assert records[1].source == path


def test_last_line_without_newline_is_read(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}')
    assert [post.id for post in read_records([path])] == ["a", "b"]


@pytest.mark.parametrize(
    ("line", "reason_part"),
    [
        (b"{not json", "not JSON"),
        (b'["id", "text"]', "not a JSON object (got array)"),
        (b'"just a string"', "not a JSON object (got string)"),
        (b'{"text": "x"}', "missing `id`"),
        (b'{"id": "a"}', "missing `text`"),
        (b'{"id": "a", "text": 5}', "`text` is not a string (got integer)"),
        (b'{"id": "a", "text": null}', "`text` is not a string (got null)"),
        (b'{"id": 1.5, "text": "x"}', "`id` is not a string or integer (got number)"),
        (b'{"id": true, "text": "x"}', "`id` is not a string or integer (got boolean)"),
        (b'{"id": ["a"], "text": "x"}', "`id` is not a string or integer (got array)"),
        (b'{"id": "", "text": "x"}', "`id` is empty"),
        (b'{"id": "a", "text": "\xff\xfe"}', "invalid UTF-8"),
    ],
)
def test_each_bad_record_is_rejected_with_its_reason(
    tmp_path: Path, line: bytes, reason_part: str
) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'{"id": "ok", "text": "fine"}\n' + line + b"\n")
    first, second = read_records([path])
    assert first == Post("ok", "fine", {})
    assert isinstance(second, Reject)
    assert reason_part in second.reason
    assert second.line == 2
    assert second.raw == line.decode("utf-8", "replace")


def test_not_json_reason_carries_the_parser_message(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'{"id": "a",}\n')
    reject = only_reject(list(read_records([path])))
    assert reject.reason.startswith("not JSON: ")
    assert "line 1 column" in reject.reason


def test_text_over_the_limit_is_rejected_and_at_the_limit_accepted(tmp_path: Path) -> None:
    at_limit = json.dumps({"id": "a", "text": "x" * MAX_TEXT_CHARS})
    over_limit = json.dumps({"id": "b", "text": "x" * (MAX_TEXT_CHARS + 1)})
    path = write_bytes(tmp_path, "in.jsonl", f"{at_limit}\n{over_limit}\n".encode())
    accepted, rejected = read_records([path])
    assert isinstance(accepted, Post)
    assert isinstance(rejected, Reject)
    assert f"{MAX_TEXT_CHARS:,}" in rejected.reason
    assert len(rejected.raw) == MAX_RAW_CHARS


def test_escaped_lone_surrogate_is_valid_json_and_kept(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'{"id": "a", "text": "x\\ud800y"}\n')
    [post] = read_records([path])
    assert isinstance(post, Post)
    assert post.text == "x\ud800y"


def test_byte_order_mark_on_first_line_is_ignored(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.jsonl", b'\xef\xbb\xbf{"id": "a", "text": "x"}\n')
    assert list(read_records([path])) == [Post("a", "x", {})]


def test_gzipped_jsonl_is_read_transparently(tmp_path: Path) -> None:
    data = b'{"id": "a", "text": "x"}\n\n{"id": "b"}\n'
    path = write_bytes(tmp_path, "in.jsonl.gz", gzip.compress(data))
    post, reject = read_records([path])
    assert post == Post("a", "x", {})
    assert isinstance(reject, Reject)
    assert reject.line == 3


def test_paths_are_read_in_order_and_sources_named(tmp_path: Path) -> None:
    first = write_bytes(tmp_path, "1.ndjson", b'{"id": "a", "text": "x"}\n{"id": "b"}\n')
    second = write_bytes(tmp_path, "2.json", b'{"id": "c", "text": "z"}\n')
    records = list(read_records([first, second]))
    assert [getattr(r, "id", None) for r in records] == ["a", None, "c"]
    assert isinstance(records[1], Reject)
    assert records[1].source == first


def test_stdin_is_read_as_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = SimpleNamespace(buffer=io.BytesIO(b'{"id": 7, "text": "x"}\nnope\n'))
    monkeypatch.setattr(sys, "stdin", stdin)
    post, reject = read_records([])
    assert post == Post("7", "x", {})
    assert isinstance(reject, Reject)
    assert reject.source == "<stdin>"


def test_read_batches_splits_without_losing_records(tmp_path: Path) -> None:
    lines = b"".join(b'{"id": %d, "text": "t"}\n' % i for i in range(7))
    path = write_bytes(tmp_path, "in.jsonl", lines)
    batches = list(read_batches([path], size=3))
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [post.id for batch in batches for post in batch] == [str(i) for i in range(7)]


def test_unknown_extension_fails_before_reading(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.txt", b"")
    with pytest.raises(InputError, match="fmt="):
        read_records([path])
    assert list(read_records([path], fmt="jsonl")) == []


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_with_quoted_newlines_and_line_numbers(tmp_path: Path) -> None:
    data = (
        b"id,text,author\n"
        b'1,"first line\nsecond line",u1\n'
        b"\n"
        b"2,plain,u2\n"
        b"3,too,many,fields\n"
        b",no id,u3\n"
    )
    path = write_bytes(tmp_path, "in.csv", data)
    records = list(read_records([path]))
    assert records[:2] == [
        Post("1", "first line\nsecond line", {"author": "u1"}),
        Post("2", "plain", {"author": "u2"}),
    ]
    too_many, no_id = records[2:]
    assert isinstance(too_many, Reject)
    assert isinstance(no_id, Reject)
    assert (too_many.line, no_id.line) == (6, 7)
    assert "4 fields" in too_many.reason
    assert no_id.reason == "`id` is empty"
    assert too_many.raw == "3,too,many,fields"


def test_csv_invalid_utf8_rejects_only_that_row(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.csv", b"id,text\na,bad \xff byte\nb,good\n")
    reject, post = read_records([path])
    assert isinstance(reject, Reject)
    assert reject.reason == "invalid UTF-8"
    assert reject.line == 2
    assert post == Post("b", "good", {})


def test_csv_header_without_text_column_is_an_input_error(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "in.csv", b"id,body\n1,x\n")
    with pytest.raises(InputError, match="text"):
        list(read_records([path]))


def test_csv_from_stdin_leaves_stdin_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO(b"id,text\n1,x\n")
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=buffer))
    assert list(read_records(["-"], fmt="csv")) == [Post("1", "x", {})]
    assert not buffer.closed


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_round_trip_streams_rows_and_rejects_bad_ones(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "text": pa.array(["one", None, "three"], pa.string()),
            "platform": pa.array(["w", "x", "y"], pa.string()),
        }
    )
    path = str(tmp_path / "in.parquet")
    pq.write_table(table, path, row_group_size=2)
    first, bad, third = read_records([path])
    assert first == Post("1", "one", {"platform": "w"})
    assert third == Post("3", "three", {"platform": "y"})
    assert isinstance(bad, Reject)
    assert bad.line == 2
    assert "`text` is not a string (got null)" in bad.reason
    assert json.loads(bad.raw) == {"id": 2, "text": None, "platform": "x"}


def test_parquet_without_id_column_is_an_input_error(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = str(tmp_path / "in.parquet")
    pq.write_table(pa.table({"text": ["x"]}), path)
    with pytest.raises(InputError, match="id"):
        list(read_records([path]))


def test_missing_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match=r"redline\[parquet\]"):
        read_records(["x.parquet"])


# --- inputs a review found mishandled ----------------------------------------------------------


def test_a_csv_text_longer_than_the_csv_modules_field_limit_is_one_reject(tmp_path: Path) -> None:
    """The csv module stops a field at 128 KiB and read on mid-field: the rest of the text,
    a line of it here, became a record of its own."""
    long_text = "x" * 140_000 + "\nphantom,record inside the quoted field\n" + "y" * 10
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["id", "text"], ["a", "first"], ["b", long_text], ["c", "last"]])
    path = write_bytes(tmp_path, "in.csv", buffer.getvalue().encode())
    records = list(read_records([path]))
    assert [r.id for r in records if isinstance(r, Post)] == ["a", "c"]
    [reject] = [r for r in records if isinstance(r, Reject)]
    assert reject.line == 3
    assert "over the limit" in reject.reason


def test_a_csv_quote_never_closed_is_a_reject_not_the_rest_of_the_file_as_one_text(
    tmp_path: Path,
) -> None:
    data = b'id,text\na,fine\nb,"opens here\nc,swallowed\nd,too\n'
    records = list(read_records([write_bytes(tmp_path, "in.csv", data)]))
    assert records[0] == Post("a", "fine", {})
    reject = records[1]
    assert isinstance(reject, Reject) and len(records) == 2
    assert (reject.line, reject.reason) == (
        3,
        "not CSV: a quoted field opened here is never closed (lines 3-end)",
    )


def test_a_csv_quote_closed_on_the_last_line_without_a_newline_is_a_record(
    tmp_path: Path,
) -> None:
    data = b'id,text\na,"two\nlines"'
    assert list(read_records([write_bytes(tmp_path, "in.csv", data)])) == [
        Post("a", "two\nlines", {})
    ]


def test_a_truncated_gzip_input_is_an_input_error_naming_it(tmp_path: Path) -> None:
    lines = b"".join(b'{"id": "%d", "text": "post %d"}\n' % (i, i) for i in range(20_000))
    whole = gzip.compress(lines)
    path = write_bytes(tmp_path, "in.jsonl.gz", whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"in\.jsonl\.gz: the compressed data ends early"):
        list(read_records([path]))


def test_an_integer_id_past_64_bits_is_kept_whole(tmp_path: Path) -> None:
    """orjson reads 12345678901234567890123 as a float; the id must not be rejected for it."""
    data = b'{"id": 12345678901234567890123, "text": "x"}\n{"id": 1.5, "text": "y"}\n'
    post, reject = read_records([write_bytes(tmp_path, "in.jsonl", data)])
    assert post == Post("12345678901234567890123", "x", {})
    assert isinstance(reject, Reject)
    assert reject.reason == "`id` is not a string or integer (got number)"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b"\xef\xbb\xbf  \r\n"])
def test_a_byte_order_mark_on_a_blank_first_line_is_a_blank_line(
    tmp_path: Path, data: bytes
) -> None:
    path = write_bytes(tmp_path, "in.jsonl", data + b'{"id": "a", "text": "x"}\n')
    assert list(read_records([path])) == [Post("a", "x", {})]


def test_parquet_text_that_is_not_utf8_rejects_only_its_row(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = pa.array([b"fine", b"bad \xff", b"also fine"], pa.binary()).view(pa.string())
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "text": texts}), path)
    records = list(read_records([str(path)]))
    assert [r.id for r in records if isinstance(r, Post)] == ["a", "c"]
    [reject] = [r for r in records if isinstance(r, Reject)]
    assert (reject.line, reject.reason) == (2, "`text` is not valid UTF-8")
    assert "bad" in reject.raw


def test_a_quote_never_closed_is_found_after_a_quoting_slip_earlier_in_its_row(
    tmp_path: Path,
) -> None:
    """`"7" ,` (a space after a closing quote) is accepted as the lenient reader reads it;
    the quote opened after it still swallows the rest of the file, and must be reported."""
    data = b'id,text\n"7" ,"never closed\n8,second post\n9,third post\n'
    [reject] = read_records([write_bytes(tmp_path, "in.csv", data)])
    assert isinstance(reject, Reject)
    assert reject.reason == "not CSV: a quoted field opened here is never closed (lines 2-end)"


def test_a_csv_field_past_the_read_limit_stops_the_file_instead_of_splitting_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redline.run import reader

    monkeypatch.setattr(reader, "CSV_FIELD_LIMIT", 1_000)
    data = b'id,text\na,fine\nb,"' + b"x" * 600 + b"\nc,inside\n" + b"y" * 600 + b'"\nd,after\n'
    records = read_records([write_bytes(tmp_path, "in.csv", data)])
    assert next(records) == Post("a", "fine", {})
    with pytest.raises(InputError, match="line 3: a field of over 1,000 characters"):
        next(records)


def test_a_csv_header_that_never_closes_its_quote_is_an_input_error(tmp_path: Path) -> None:
    data = b'id,text,"note\n1,a,x\n2,b,y\n'
    with pytest.raises(InputError, match="the CSV header opens a quote that is never closed"):
        list(read_records([write_bytes(tmp_path, "in.csv", data)]))
