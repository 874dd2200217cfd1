"""Screen a Spark DataFrame with the same pipeline, batch code and output as `redline scan`.

`screen(df)` runs `mapInArrow`: executors receive Arrow record batches and return Arrow record
batches, so no row ever becomes a Python `Row`. The policy packs (their TOML text) and the
model (its bytes) travel once, in one broadcast, and each executor's Python worker builds one
pipeline from them and keeps it at module level for every later task (Spark reuses Python
workers by default). The packs and model are the driver's, so executors need redline's code
but not its data, and verdicts equal a local run's on the same records.

Each input row gives one output row: the decision columns of `scan`'s Parquet output, the
carried columns, and `reject`: null for a decided record, else the reason it could not be
screened (null text, empty id, text over the limit, or `screening failed: ...` where the
screening code raised on it: see `redline.run.isolate`), with `verdict` null. One such post no
longer fails its task, and with it, after Spark's retries, the whole job.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.pipeline import Pipeline

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

DEFAULT_BATCH_ROWS = 2000


@dataclass(frozen=True, slots=True)
class ShippedPipeline:
    """Everything an executor needs to build the driver's pipeline: pack sources and model."""

    packs: tuple[tuple[str, str], ...]  # (file name, TOML text), in load order
    model: bytes | None

    @classmethod
    def from_driver(
        cls, packs: Iterable[str] = (), model: str | Path | None = None
    ) -> ShippedPipeline:
        """Read the packs and model the way `Pipeline.load` would find them."""
        from redline.model import shipped_model_path
        from redline.policy import builtin_pack_paths, load_packs

        names = list(packs) or list(builtin_pack_paths())
        load_packs(names)  # fail on the driver, at once, for a bad pack
        builtin = builtin_pack_paths()
        sources = []
        for name in names:
            path = builtin[name] if name in builtin else Path(name)
            sources.append((path.name, path.read_text(encoding="utf-8")))
        model_path = Path(model) if model is not None else shipped_model_path()
        blob = model_path.read_bytes() if model is not None or model_path.exists() else None
        if model is not None:
            from redline.model import AdScorer

            AdScorer.load(model_path)  # a file that is not a model fails here, not in every task
        return cls(tuple(sources), blob)

    @property
    def key(self) -> str:
        digest = hashlib.sha256(repr(self.packs).encode())
        digest.update(self.model or b"")
        return digest.hexdigest()

    def build(self) -> Pipeline:
        """The pipeline, loaded from the shipped files written to a folder that goes once they
        are read (a pipeline keeps what it loaded, not the files)."""
        with tempfile.TemporaryDirectory(prefix="redline-spark-") as name:
            folder = Path(name)
            paths = []
            for index, (pack_name, source) in enumerate(self.packs):
                path = folder / f"{index:02d}" / pack_name
                path.parent.mkdir()
                path.write_text(source, encoding="utf-8")
                paths.append(str(path))
            model_path = None
            if self.model is not None:
                model_path = folder / "model.npz"
                model_path.write_bytes(self.model)
            return Pipeline.load(paths, model_path)


_PIPELINES: dict[str, Pipeline] = {}
"""One pipeline per executor Python process, by the key of what was shipped."""


def pipeline_for(shipped: ShippedPipeline) -> Pipeline:
    key = shipped.key
    if key not in _PIPELINES:
        _PIPELINES[key] = shipped.build()
    return _PIPELINES[key]


def output_arrow_schema(carried_fields: Sequence[Any] = ()) -> Any:
    """Decision columns, carried columns, then `reject`."""
    import pyarrow as pa

    from redline.run.encode import decision_schema

    return decision_schema(carried_fields).append(pa.field("reject", pa.string()))


def screen_record_batch(
    pipeline: Pipeline, batch: Any, carry: Sequence[str], schema: Any, batch_rows: int
) -> Iterator[Any]:
    """Output record batches for one input record batch (decided rows, then rejected ones)."""
    import pyarrow as pa

    from redline.run.chunks import ArrowChunk
    from redline.run.encode import encode_arrow
    from redline.run.isolate import screen_columns

    for start in range(0, batch.num_rows, batch_rows):
        piece = batch.slice(start, batch_rows)
        chunk = ArrowChunk("spark", start + 1, piece, tuple(carry))
        columns, decided = screen_columns(pipeline, chunk, chunk.decode())
        table = encode_arrow(columns.ids, decided, columns.carried)
        table = table.append_column("reject", pa.nulls(table.num_rows, pa.string()))
        yield from table.cast(schema).to_batches()
        if columns.rejects:
            yield _rejected_rows(pa, piece, columns.rejects, start, schema)


def _rejected_rows(pa: Any, piece: Any, rejects: Sequence[Any], start: int, schema: Any) -> Any:
    rows = [reject.line - start - 1 for reject in rejects]
    taken = piece.take(pa.array(rows, pa.int64()))
    ids = [None if value is None else str(value) for value in taken.column("id").to_pylist()]
    arrays = []
    for field in schema:
        if field.name == "id":
            arrays.append(pa.array(ids, pa.string()))
        elif field.name == "reject":
            arrays.append(pa.array([reject.reason for reject in rejects], pa.string()))
        elif field.name in piece.schema.names:
            arrays.append(taken.column(field.name).cast(field.type))
        else:
            arrays.append(pa.nulls(len(rows), field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def screen(
    df: DataFrame,
    pack: str | Sequence[str] | None = None,
    *,
    model: str | Path | None = None,
    carry: Sequence[str] = (),
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> DataFrame:
    """Screen `df` (columns `id`, `text`, and any to `carry`) on the cluster; lazy, like any
    DataFrame transformation."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
    from pyspark.sql.types import StructType

    from redline.run.encode import DECISION_KEYS

    carry = tuple(carry)
    missing = [c for c in ("id", "text", *carry) if c not in df.columns]
    if missing:
        raise ValueError(f"the DataFrame has no {', '.join(missing)} column")
    clash = [c for c in carry if c in (*DECISION_KEYS, "reject")]
    if clash:
        raise ValueError(f"cannot carry {', '.join(clash)}: the output has its own")
    packs = [pack] if isinstance(pack, str) else list(pack or ())
    shipped = df.sparkSession.sparkContext.broadcast(ShippedPipeline.from_driver(packs, model))
    selected = df.select("id", "text", *carry)
    carried_arrow = to_arrow_schema(StructType([selected.schema[c] for c in carry]))
    schema = output_arrow_schema(list(carried_arrow))
    spark_schema = from_arrow_schema(schema, prefer_timestamp_ntz=False)

    def screen_batches(batches: Iterator[Any]) -> Iterator[Any]:
        pipeline = pipeline_for(shipped.value)
        for batch in batches:
            yield from screen_record_batch(pipeline, batch, carry, schema, batch_rows)

    return selected.mapInArrow(screen_batches, spark_schema)
