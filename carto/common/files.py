"""Writing user data so that a crash never leaves half a file.

Why one function for every store (imports, IRIS contours, site lists, district sets): the
temporary file must sit in the target's folder (``os.replace`` is only atomic within one file
system) and carry a name that the stores' own globs (``*.json``, ``*.parquet``) never match,
so that a reader running during a write sees the old file or the new one, nothing else.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, content: str | bytes | Callable[[Path], object]) -> None:
    """Write ``content`` (text as UTF-8, bytes, or a writer given a path) then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(tmp)
    try:
        if isinstance(content, str):
            temporary.write_text(content, encoding="utf-8")
        elif isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            content(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
