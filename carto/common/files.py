"""Writing and removing user data so that a crash never leaves half a file.

Why one module for every store (imports, IRIS contours, site lists, district sets): the
temporary file must sit in the target's folder (``os.replace`` is only atomic within one file
system) and carry a name that the stores' own globs (``*.json``, ``*.parquet``) never match,
so that a reader running during a write sees the old file or the new one, nothing else.

Every primitive here takes a :class:`~carto.common.authorisation.Grant`: a store can only
write what the edit code allowed. A full disk or a read-only folder becomes a French
:class:`WriteFailed`; the temporary files a killed process left behind are removed by the next
write to the same folder (never the fresh ones another process may be writing).
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from carto.common.authorisation import Grant, check_grant

TMP_SUFFIX = ".tmp"
STALE_AFTER_S = 3600.0  # a temporary file this old belongs to no running write

_REASONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "le quota de disque est atteint",
    errno.EACCES: "droits d'écriture insuffisants",
    errno.EPERM: "droits d'écriture insuffisants",
    errno.EROFS: "le dossier est en lecture seule",
}


class WriteFailed(RuntimeError):
    """The system refused the write (full disk, rights…); the message is French."""


def failure_reason(exc: OSError) -> str:
    """A French reason for a system error (its own text is in the server's language)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"erreur du système n° {exc.errno}" if exc.errno else "erreur d'écriture du système"


def write_failed(what: str, exc: OSError) -> WriteFailed:
    return WriteFailed(
        f"Enregistrement impossible ({what}) : {failure_reason(exc)}. Rien n'a changé."
    )


def atomic_write(
    path: Path, content: str | bytes | Callable[[Path], object], *, grant: Grant
) -> None:
    """Write ``content`` (text as UTF-8, bytes, or a writer given a path) then rename.

    Raises :class:`WriteFailed` when the system refuses; the previous file is then intact.
    """
    check_grant(grant)
    remove_stale_temporaries(path.parent, grant=grant)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    except OSError as exc:
        raise write_failed(path.name, exc) from exc
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
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise write_failed(path.name, exc) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_file(path: Path, *, grant: Grant) -> None:
    """Remove one stored file (absent is fine: a concurrent removal already did it)."""
    check_grant(grant)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise write_failed(f"suppression de {path.name}", exc) from exc


def remove_stale_temporaries(
    folder: Path, *, grant: Grant, older_than_s: float = STALE_AFTER_S
) -> list[Path]:
    """Remove the temporary files of writes killed mid-way; return what was removed."""
    check_grant(grant)
    limit = time.time() - older_than_s
    removed = []
    for path in folder.glob(f".*{TMP_SUFFIX}"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # removed meanwhile, or not ours to remove: the write goes on
    return removed
