"""Encode a screened chunk for output without a Python object per cleared post.

`Pipeline.screen_sparse` returns decisions only for the posts the prefilter could not clear
(a few in ten thousand on real feeds). Every other post's output is the cleared decision, so
its JSONL line is a fixed template around its id and its Parquet row is a constant. The bytes
are exactly those of `Decision.cleared(id).to_dict()` written by `json_line`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from redline.run.reader import arrow_values
from redline.run.writer import (
    CSV_COLUMNS,
    JSON_COLUMNS,
    csv_chunk,
    json_default,
    json_line,
    json_text,
)
from redline.types import Decision

_CLEARED_HEAD = b'{"id":'
_CLEARED_TAIL = (
    b',"verdict":"allow","score":0.0,"rules":[],"clauses":[],"evidence":[],"entities":[]}\n'
)
DECISION_KEYS = ("id", "verdict", "score", "rules", "clauses", "evidence", "entities")


def tally(count: int, decided: Mapping[int, Decision]) -> dict[str, int]:
    """Verdict counts of a chunk of `count` posts, keyed in order of first appearance."""
    firsts: dict[str, int] = {}
    for index, decision in sorted(decided.items()):
        firsts.setdefault(decision.verdict, index)
    first_cleared = next((i for i in range(count) if i not in decided), None)
    if first_cleared is not None:
        firsts["allow"] = min(firsts.get("allow", count), first_cleared)
    counts = dict.fromkeys(sorted(firsts, key=firsts.__getitem__), 0)
    for decision in decided.values():
        counts[decision.verdict] += 1
    if first_cleared is not None:
        counts["allow"] += count - len(decided)
    return counts


def carried_rows(carried: Mapping[str, Any], count: int) -> list[dict[str, Any]]:
    """The carried columns as one dict per row (Arrow arrays become Python values; a string
    that is not UTF-8 becomes an `InvalidUtf8`, written with replacement characters)."""
    columns = {
        name: arrow_values(values) if hasattr(values, "to_pylist") else values
        for name, values in carried.items()
    }
    return [{name: values[i] for name, values in columns.items()} for i in range(count)]


def encode_jsonl(
    ids: Sequence[str], decided: Mapping[int, Decision], carried: Mapping[str, Any]
) -> bytes:
    """JSON lines, one per post in order, each `json_line(decision.to_dict())`."""
    if carried:
        extra = carried_rows(carried, len(ids))
        return b"".join(
            json_line({**_decision_dict(ids[i], decided.get(i)), **extra[i]})
            for i in range(len(ids))
        )
    parts: list[bytes] = []
    start = 0
    for index in sorted(decided):
        parts.append(_cleared_lines(ids[start:index]))
        parts.append(json_line(decided[index].to_dict()))
        start = index + 1
    parts.append(_cleared_lines(ids[start:]))
    return b"".join(parts)


def _cleared_lines(ids: Sequence[str]) -> bytes:
    """The cleared decisions' lines of a run of ids, from one `orjson.dumps` of the whole run.

    The ids' JSON array is cut where one string ends and the next begins, at each `","`. Only
    a comma inside an id can make that sequence anywhere else (`a",` is written `"a\\","`),
    so ids with a comma are written one by one. Ten times faster than a call per id, which had
    been a twentieth of a scan's time.
    """
    if not ids:
        return b""
    if ",".join(ids).count(",") != len(ids) - 1:
        return b"".join(_cleared_line(record_id) for record_id in ids)
    try:
        array = orjson.dumps(ids)
    except TypeError:  # a lone surrogate in an id: the writer's escaped fallback, id by id
        return b"".join(_cleared_line(record_id) for record_id in ids)
    body = array[1:-1].replace(b'","', b'"' + _CLEARED_TAIL + _CLEARED_HEAD + b'"')
    return _CLEARED_HEAD + body + _CLEARED_TAIL


def _cleared_line(record_id: str) -> bytes:
    try:
        return _CLEARED_HEAD + orjson.dumps(record_id) + _CLEARED_TAIL
    except TypeError:
        return json_line(Decision.cleared(record_id).to_dict())


def csv_header(carry: Sequence[str]) -> bytes:
    """The header row, quoted as the rows are (a carried column may be named `a,b`)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow((*CSV_COLUMNS, *carry))
    return buffer.getvalue().encode("utf-8", "replace")


def encode_csv(
    ids: Sequence[str], decided: Mapping[int, Decision], carried: Mapping[str, Any]
) -> bytes:
    """CSV rows (no header) as `csv_chunk` writes them, carried columns appended."""
    if not carried:
        if not decided:
            return _cleared_csv_rows(ids)
        return csv_chunk(_decision_dict(ids[i], decided.get(i)) for i in range(len(ids)))[0]
    extra = carried_rows(carried, len(ids))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, record_id in enumerate(ids):
        decision = _decision_dict(record_id, decided.get(index))
        row = [decision["id"], decision["verdict"], decision["score"]]
        row.extend(json_text(decision[column]) for column in JSON_COLUMNS)
        row.extend(_csv_cell(value) for value in extra[index].values())
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8", "replace")


def _cleared_csv_rows(ids: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    cleared = (0.0, "[]", "[]", "[]", "[]")
    csv.writer(buffer, lineterminator="\n").writerows(
        (record_id, "allow", *cleared) for record_id in ids
    )
    return buffer.getvalue().encode("utf-8", "replace")


def _csv_cell(value: Any) -> str:
    """A carried value in a CSV cell: text as is, lists and objects as JSON, anything else
    (numbers, decimals, dates, bytes) as its JSON value's text, never in JSON quotes."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    plain = value if isinstance(value, (bool, int, float)) else json_default(value)
    return plain if isinstance(plain, str) else json.dumps(plain)


def _decision_dict(record_id: str, decision: Decision | None) -> dict[str, Any]:
    return (decision or Decision.cleared(record_id)).to_dict()


# --- Arrow -----------------------------------------------------------------------------------


def _base_schema(pa: Any) -> Any:
    string, integer = pa.string(), pa.int64()
    return pa.schema(
        [
            ("id", string),
            ("verdict", string),
            ("score", pa.float64()),
            ("rules", pa.list_(string)),
            (
                "clauses",
                pa.list_(
                    pa.struct(
                        [("id", string), ("pack", string), ("citation", string), ("title", string)]
                    )
                ),
            ),
            (
                "evidence",
                pa.list_(
                    pa.struct(
                        [("start", integer), ("end", integer), ("text", string), ("signal", string)]
                    )
                ),
            ),
            (
                "entities",
                pa.list_(
                    pa.struct(
                        [("type", string), ("value", string), ("start", integer), ("end", integer)]
                    )
                ),
            ),
        ]
    )


def decision_schema(carried_fields: Sequence[Any] = ()) -> Any:
    """The Arrow schema of decisions, with the carried columns' fields after them."""
    import pyarrow as pa

    schema = _base_schema(pa)
    for carried_field in carried_fields:
        schema = schema.append(carried_field)
    return schema


def encode_arrow(
    ids: Sequence[str], decided: Mapping[int, Decision], carried: Mapping[str, Any]
) -> Any:
    """A `pyarrow.Table` of the decisions (typed nested columns) plus the carried columns."""
    import pyarrow as pa

    count = len(ids)
    columns: dict[str, list[Any]] = {
        "verdict": ["allow"] * count,
        "score": [0.0] * count,
        "rules": [[]] * count,
        "clauses": [[]] * count,
        "evidence": [[]] * count,
        "entities": [[]] * count,
    }
    for index, decision in decided.items():
        for key, value in decision.to_dict().items():
            if key != "id":
                columns[key][index] = value
    base = _base_schema(pa)
    arrays = [_string_array(pa, ids)]
    arrays.extend(
        _with_surrogates_replaced(pa, columns[name], base.field(name).type)
        for name in DECISION_KEYS[1:]
    )
    fields = list(base)
    for name, values in carried.items():
        array = values if isinstance(values, pa.Array | pa.ChunkedArray) else None
        if array is None:
            array = _string_array(pa, [None if v is None else _csv_cell(v) for v in values])
        fields.append(pa.field(name, array.type))
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _string_array(pa: Any, values: Sequence[str | None]) -> Any:
    return _with_surrogates_replaced(pa, values, pa.string())


def _with_surrogates_replaced(pa: Any, values: Sequence[Any], kind: Any) -> Any:
    """Parquet strings must be UTF-8: a lone surrogate becomes "?"."""
    from redline.run.writer import without_surrogates

    try:
        return pa.array(values, kind)
    except UnicodeEncodeError:
        return pa.array([without_surrogates(value) for value in values], kind)
