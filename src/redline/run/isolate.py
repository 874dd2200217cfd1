"""Screen a chunk so that a post the core cannot screen becomes a reject, not a dead run.

A bug in the core that one odd post sets off (an IndexError deep in normalisation, say) raises
out of `Pipeline.screen_sparse` for its whole chunk, and would end a run of millions of records.
Here such a chunk is screened again one record at a time: a record that still raises is set
aside as a reject (its line, the exception, the raw record) and every other record is decided
as usual, so counts still add up. A chunk that screens cleanly pays nothing for this.

Only ordinary exceptions are caught: an interrupt, an exit or running out of memory is not a
property of one post and still stops the run.
"""

from __future__ import annotations

from typing import Protocol

from redline.pipeline import Pipeline
from redline.run.chunks import Columns
from redline.run.reader import Reject
from redline.types import Decision

MAX_ERROR_CHARS = 300
"""How much of an exception's message a reject's reason keeps."""


class RawSource(Protocol):
    """A chunk: where its records came from and how to show one of them raw."""

    @property
    def source(self) -> str: ...

    def raw_of(self, columns: Columns, index: int) -> str: ...


def screen_columns(
    pipeline: Pipeline, chunk: RawSource, columns: Columns
) -> tuple[Columns, dict[int, Decision]]:
    """`pipeline.screen_sparse` of `columns`' records, and the columns those decisions index:
    `columns` itself, or, when some records could not be screened, a copy without them and
    with a reject for each."""
    try:
        return columns, pipeline.screen_sparse(columns.ids, columns.texts)
    except MemoryError:
        raise
    except Exception:  # one bad post must not end the run: found one by one below
        pass
    decided: dict[int, Decision] = {}
    failures: dict[int, str] = {}
    for index, (record_id, text) in enumerate(zip(columns.ids, columns.texts, strict=True)):
        try:
            alone = pipeline.screen_sparse([record_id], [text])
        except MemoryError:
            raise
        except Exception as exc:
            failures[index] = failure_reason(exc)
            continue
        if alone:
            decided[index] = alone[0]
    if not failures:
        return columns, decided
    keep = [index for index in range(len(columns.ids)) if index not in failures]
    rejects = [
        Reject(chunk.source, columns.lines[index], reason, chunk.raw_of(columns, index))
        for index, reason in failures.items()
    ]
    renumbered = {old: new for new, old in enumerate(keep)}
    return columns.select(keep, rejects), {renumbered[i]: d for i, d in decided.items()}


def failure_reason(exc: BaseException) -> str:
    """`screening failed: IndexError: list index out of range`, the message cut short."""
    try:
        message = " ".join(str(exc).split())
    except Exception:  # an exception whose message itself raises
        message = "(message could not be shown)"
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    name = type(exc).__name__
    return f"screening failed: {name}: {message}" if message else f"screening failed: {name}"
