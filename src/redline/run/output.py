"""Where a scan's results go: files that can be made durable and picked up after a crash.

Each output can say how long its committed part is (`sync`) and can be reopened cut back to
that length, which is all the checkpoint protocol (see `redline.run.checkpoint`) needs. Line
formats append whole chunks; Parquet either streams row groups into `PATH.partial` (renamed
when the run completes) or, in a checkpointed run, writes one part file per commit and stitches
them together at the end, because a Parquet file cannot be appended to after a crash.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from redline.run.reader import load_parquet_module

ROW_GROUP_ROWS = 65_536


def fsync_directory(path: str | Path) -> None:
    """Make a rename or a new file in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LineOutput:
    """A file (or stdout) that whole chunks of lines are appended to.

    `resume_at` reopens an existing file cut back to that many bytes: whatever a killed run
    wrote after its last commit, torn lines included, is gone.
    """

    def __init__(self, path: str | None, *, header: bytes = b"", resume_at: int | None = None):
        self._stream: IO[bytes] | None = sys.stdout.buffer if path is None else None
        self._fd = -1
        self.length = 0
        if path is None:
            self.write(header)
            return
        if resume_at is None:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            self.write(header)
        else:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
            size = os.fstat(self._fd).st_size
            if size < resume_at:
                os.close(self._fd)
                raise ValueError(
                    f"{path} has {size:,} bytes, fewer than the {resume_at:,} committed: it was "
                    "changed after the run stopped; delete the checkpoint folder to start over"
                )
            os.ftruncate(self._fd, resume_at)
            os.lseek(self._fd, resume_at, os.SEEK_SET)
            self.length = resume_at

    def write(self, chunk: bytes) -> None:
        """Append `chunk` whole; a write that breaks off is cut back off the file."""
        if not chunk:
            return
        if self._fd < 0:
            assert self._stream is not None
            self._stream.write(chunk)
            self._stream.flush()
            return
        try:
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view) :]
        except BaseException:
            os.ftruncate(self._fd, self.length)
            os.lseek(self._fd, self.length, os.SEEK_SET)
            raise
        self.length += len(chunk)

    def sync(self) -> int:
        """Make everything written durable; return the durable length in bytes."""
        if self._fd >= 0:
            os.fsync(self._fd)
        return self.length

    def close(self, *, complete: bool = True) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class RejectOutput:
    """Rejects as JSON lines in `PATH` (created on the first reject) or on stderr.

    A fresh run removes a rejects file left by an earlier one; a resumed run keeps its
    committed part.
    """

    def __init__(self, path: str | None, *, resume_at: int | None = None):
        self.path = path
        self._out: LineOutput | None = None
        if path is None:
            return
        if resume_at:
            self._out = LineOutput(path, resume_at=resume_at)
        else:
            Path(path).unlink(missing_ok=True)

    @property
    def length(self) -> int:
        return self._out.length if self._out is not None else 0

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self.path is None:
            sys.stderr.write(chunk.decode("utf-8"))
            sys.stderr.flush()
            return
        if self._out is None:
            self._out = LineOutput(self.path)
            if Path(self.path).parent.exists():
                fsync_directory(Path(self.path).parent)
        self._out.write(chunk)

    def sync(self) -> int:
        return self._out.sync() if self._out is not None else 0

    def close(self, *, complete: bool = True) -> None:
        if self._out is not None:
            self._out.close()


class ParquetOutput:
    """Arrow tables streamed into `PATH.partial` in row groups; renamed to `PATH` on success.

    Memory holds at most one row group of decisions. Every table is cast to the schema of the
    first, so carried columns keep one type across inputs.
    """

    def __init__(self, path: str):
        self._parquet = load_parquet_module()
        self.path = path
        self.partial = path + ".partial"
        self.schema: Any = None
        self._writer: Any = None
        self._buffer: list[Any] = []
        self._buffered = 0

    def write(self, table: Any) -> None:
        if self.schema is None:
            self.schema = table.schema
            self._writer = self._parquet.ParquetWriter(self.partial, self.schema)
        self._buffer.append(conform(table, self.schema))
        self._buffered += table.num_rows
        if self._buffered >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        import pyarrow as pa

        self._writer.write_table(pa.concat_tables(self._buffer), row_group_size=ROW_GROUP_ROWS)
        self._buffer, self._buffered = [], 0

    def close(self, *, complete: bool = True) -> None:
        try:
            self.flush()
        finally:
            if self._writer is not None:
                self._writer.close()
        if complete:
            if self._writer is None:  # no input at all: still leave a valid, empty file
                from redline.run.encode import decision_schema

                self._parquet.ParquetWriter(self.partial, decision_schema()).close()
            os.replace(self.partial, self.path)


class ParquetParts:
    """A checkpointed run's Parquet output: one part file per commit in `folder`.

    A part is written to a temporary name, fsynced and renamed, so after a crash a part is
    either whole or absent; parts beyond the committed count are deleted on resume. `close`
    streams the parts, row group by row group, into `PATH`; the parts go only after the run's
    final commit (`discard_parts`), so a crash in between simply stitches them again.
    """

    def __init__(self, path: str, folder: Path, *, committed: int = 0):
        self._parquet = load_parquet_module()
        self.path = path
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.parts = committed
        for stale in self.folder.iterdir():
            if not (stale.suffix == ".parquet" and int(stale.stem) < committed):
                stale.unlink()
        self.schema: Any = self._first_schema()
        self._buffer: list[Any] = []

    def _first_schema(self) -> Any:
        if not self.parts:
            return None
        return self._parquet.read_schema(self._part(0))

    def _part(self, index: int) -> Path:
        return self.folder / f"{index:08d}.parquet"

    def write(self, table: Any) -> None:
        if self.schema is None:
            self.schema = table.schema
        self._buffer.append(conform(table, self.schema))
        if sum(t.num_rows for t in self._buffer) >= ROW_GROUP_ROWS:
            self.sync()

    def sync(self) -> int:
        """Write what is buffered as the next part, durably; return the number of parts."""
        if self._buffer:
            import pyarrow as pa

            target = self._part(self.parts)
            temporary = target.with_suffix(".tmp")
            with open(temporary, "wb") as stream:
                self._parquet.write_table(
                    pa.concat_tables(self._buffer), stream, row_group_size=ROW_GROUP_ROWS
                )
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
            fsync_directory(self.folder)
            self.parts += 1
            self._buffer = []
        return self.parts

    def close(self, *, complete: bool = True) -> None:
        if not complete:
            return
        self.sync()
        from redline.run.encode import decision_schema

        partial = self.path + ".partial"
        with self._parquet.ParquetWriter(partial, self.schema or decision_schema()) as writer:
            for index in range(self.parts):
                part = self._parquet.ParquetFile(self._part(index))
                for group in range(part.num_row_groups):
                    writer.write_table(part.read_row_group(group))
                part.close()
        os.replace(partial, self.path)
        fsync_directory(Path(self.path).resolve().parent)

    def discard_parts(self) -> None:
        """Delete the parts once the finished run is committed (they are in `PATH` now)."""
        for index in range(self.parts):
            self._part(index).unlink(missing_ok=True)


def conform(table: Any, schema: Any) -> Any:
    """`table` cast to `schema`, or a clear error when a carried column changed type."""
    if table.schema.equals(schema):
        return table
    try:
        return table.cast(schema)
    except (ValueError, TypeError, NotImplementedError) as exc:
        from redline.run.reader import InputError

        raise InputError(
            f"carried columns changed type between inputs ({exc}); carry columns of one type"
        ) from None
