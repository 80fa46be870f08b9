"""Which store of user documents this process uses, and the revisions a rerun reads once.

Why the choice follows ``ATLAS_DATABASE_URL``: an atlas served by several app servers must
keep nothing a user creates on one server's disk, so when the database is named, the
documents live in it beside the observations and saved views; without it, one machine keeps
its files under ``var/`` as before. Read at each call: tests and deployments set it late.

Why revisions are pinned per rerun: the caches of a view are keyed by the revisions of the
kinds it reads (``carto.compose.keys``). A rerun reads every kind's revision in one query at
its start (:func:`pin_revisions`) and answers the later questions of the same rerun from that
snapshot; a write committed by this process since then makes the next question read again,
so a session sees its own save at once and every other server sees it at its next rerun.
When the database cannot be reached, the rerun is pinned as *unavailable*: the map is built
without stored data, under keys of their own, and the page says why.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from carto.common.database import DATABASE_URL_ENV
from carto.common.documents import Backend, StorageUnavailable, write_generation
from carto.common.documents_files import FileBackend
from carto.common.documents_sql import SqlBackend
from carto.common.paths import user_data_dir

UNAVAILABLE = "indisponible"  # the revision of every kind while the database is unreachable

_FILES = FileBackend(user_data_dir)
_SQL: dict[str, SqlBackend] = {}
_SQL_LOCK = threading.Lock()
_LOCAL = threading.local()


def database_url() -> str | None:
    """The database holding the documents, or None (files under the user-data folder)."""
    return os.environ.get(DATABASE_URL_ENV) or None


def sql_backend(url: str) -> SqlBackend:
    """One backend (one connection pool) per process and database."""
    with _SQL_LOCK:
        if url not in _SQL:
            _SQL[url] = SqlBackend(url)
        return _SQL[url]


def close_all() -> None:
    """Close the databases' connection pools (a test drops its tables; a command ends)."""
    with _SQL_LOCK:
        for backend in _SQL.values():
            backend.close()
        _SQL.clear()
    unpin()


def current() -> Backend:
    url = database_url()
    return sql_backend(url) if url else _FILES


def files_backend() -> FileBackend:
    return _FILES


@dataclass(frozen=True)
class Pinned:
    """The revisions read at a rerun's start (``None``: the database was unreachable)."""

    key: str
    generation: int
    revisions: Mapping[str, Hashable] | None


def pin_revisions() -> StorageUnavailable | None:
    """Read every kind's revision for this thread's rerun, in one query; return the French
    error when the database cannot be reached (the rerun then goes on without stored data)."""
    backend = current()
    generation = write_generation()
    try:
        found = dict(backend.revisions())
    except StorageUnavailable as exc:
        _LOCAL.pinned = Pinned(backend.key, generation, None)
        return exc
    _LOCAL.pinned = Pinned(backend.key, generation, found)
    return None


def unpin() -> None:
    """Forget this thread's snapshot (each later question reads the store again)."""
    _LOCAL.pinned = None


def _pinned(backend: Backend) -> Pinned | None:
    pinned: Pinned | None = getattr(_LOCAL, "pinned", None)
    if pinned is None or pinned.key != backend.key:
        return None
    if pinned.revisions is not None and pinned.generation != write_generation():
        pin_revisions()  # this process wrote since: its sessions see their own writes at once
        pinned = getattr(_LOCAL, "pinned", None)
    return pinned


def revision(kind: str) -> Hashable:
    """The kind's revision: from this rerun's snapshot when there is one, else read now."""
    backend = current()
    pinned = _pinned(backend)
    if pinned is None:
        return backend.revision(kind)
    if pinned.revisions is None:
        return UNAVAILABLE
    return pinned.revisions.get(kind)


def unavailable() -> bool:
    """Whether this rerun found the database unreachable (its views go without stored data)."""
    pinned = _pinned(current())
    return pinned is not None and pinned.revisions is None
