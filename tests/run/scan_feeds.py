"""Feeds and runs shared by the scan tests of this folder (imported as `scan_feeds`, like
`web_service` in tests/web)."""

from __future__ import annotations

import json
from pathlib import Path

from redline.run.scan import ScanJob, run_scan
from redline.run.writer import rejects_path


def awkward_feed(path: Path) -> bytes:
    """Everything that moves line numbers: a byte-order mark, blank and whitespace lines, CRLF
    endings, bad lines, a line far longer than a probe window, no final newline."""
    lines = []
    for index in range(240):
        record = {"id": f"p{index}", "text": f"帖子 {index} 香港验血查男女" * (index % 3)}
        if index == 50:
            record["text"] = "长" * 5_000  # 15 KB, over the 4 KiB first probe
        lines.append(json.dumps(record, ensure_ascii=False).encode())
        if index % 7 == 3:
            lines.append(b"")
        if index % 11 == 5:
            lines.append(b"not json")
        if index % 13 == 6:
            lines.append(b"   \t")
        if index == 140:  # only a file's first line may carry a byte-order mark
            lines.append('\ufeff{"id": "bom", "text": "x"}'.encode())
    lines[0] = "\ufeff".encode() + lines[0]
    data = b"".join(line + (b"\r\n" if i % 5 == 2 else b"\n") for i, line in enumerate(lines))
    data = data.removesuffix(b"\n").removesuffix(b"\r")
    path.write_bytes(data)
    return data


def written_by_one_and_two_workers(
    source: Path, tmp_path: Path, model: Path, suffix: str = ".jsonl", batch_size: int = 4
) -> dict[int, tuple[bytes, bytes]]:
    """The output and rejects files a scan of `source` writes with 1 and with 2 workers."""
    written = {}
    for workers in (1, 2):
        output = tmp_path / f"out{workers}{suffix}"
        job = ScanJob(
            inputs=(str(source),),
            output=str(output),
            model=str(model),
            workers=workers,
            batch_size=batch_size,
        )
        assert run_scan(job).summary.balanced
        written[workers] = (output.read_bytes(), Path(rejects_path(str(output))).read_bytes())
    return written
