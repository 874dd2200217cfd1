"""Batch I/O: read posts from files or stdin, write decisions and rejects.

An adapter around the core: it knows file formats, the core knows none.
"""

from redline.run.reader import (
    MAX_TEXT_CHARS,
    InputError,
    Reject,
    format_of,
    read_batches,
    read_records,
)
from redline.run.writer import (
    RejectWriter,
    RunSummary,
    output_format_of,
    rejects_path,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "InputError",
    "Reject",
    "RejectWriter",
    "RunSummary",
    "format_of",
    "output_format_of",
    "read_batches",
    "read_records",
    "rejects_path",
]
