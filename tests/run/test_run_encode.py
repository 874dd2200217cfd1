"""Encoding a screened chunk: the bulk path writes exactly what one decision at a time would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from redline.run.encode import encode_jsonl
from redline.run.writer import json_line
from redline.types import Decision, Evidence

# Characters that could fool a cut of the ids' JSON array: quotes, commas, backslashes,
# separators JSON escapes, a lone surrogate, a character outside the BMP.
tricky = st.text(
    alphabet=st.sampled_from(["a", '"', ",", "\\", "\n", "\x00", "\u2028", "验", "\ud800", "😀"]),
    min_size=1,
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(ids=st.lists(tricky, max_size=12), picks=st.lists(st.booleans(), max_size=12))
def test_bulk_lines_equal_one_line_per_decision(ids: list[str], picks: list[bool]) -> None:
    flagged = {
        i: Decision(
            ids[i],
            "review",
            0.5,
            rules=("cn.sexid.review",),
            evidence=(Evidence(0, 1, ids[i][:1], "sexid.service"),),
        )
        for i, pick in enumerate(picks[: len(ids)])
        if pick
    }
    expected = b"".join(
        json_line((flagged.get(i) or Decision.cleared(record_id)).to_dict())
        for i, record_id in enumerate(ids)
    )
    assert encode_jsonl(ids, flagged, {}) == expected


def test_ids_with_commas_and_quotes_keep_their_own_lines() -> None:
    ids = [",", 'a",', "b", '","', "c"]
    lines = encode_jsonl(ids, {}, {}).splitlines()
    assert lines == [json_line(Decision.cleared(i).to_dict()).rstrip(b"\n") for i in ids]
