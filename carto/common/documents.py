"""What a store of user documents is: items by kind and stable id, each with a name, a JSON
document and optional payload bytes, and a revision per kind.

Why one small interface with two implementations: imported datasets, site lists, district
sets and IRIS contours live as files under ``var/`` on one machine
(``carto.common.documents_files``) and in PostgreSQL when several app servers share one atlas
(``carto.common.documents_sql``). Each domain keeps its own serialisation and talks to
``carto.common.collection``, which holds the one set of naming rules on top of whichever
backend is in use (``carto.common.backends`` chooses it).

Why a revision per kind: the caches of every app server are keyed by it. Each write bumps its
kind's revision together with the write, so a change made through one server is seen by every
other at its next rerun, by one small read of the revisions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from carto.common.authorisation import Grant
from carto.common.identity import Named

# A kind is a folder name on disk and a key in the database: ``imports``, ``districts/54``.
_KIND_RE = re.compile(r"[a-z0-9_]{1,40}(/[a-z0-9_]{1,40})?")


class CollectionError(ValueError):
    """A stored document cannot be read, or an item does not exist; the message is French."""


class StorageUnavailable(CollectionError):
    """The database holding the documents cannot be reached; the message is French."""


@dataclass(frozen=True)
class Entry(Named):
    """One stored item: its id, its name as typed, and its whole document."""

    document: dict = field(default_factory=dict, compare=False, hash=False)
    saved_at: str = ""


def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or not _KIND_RE.fullmatch(kind):
        raise CollectionError(f"Catégorie de documents « {str(kind)[:40]} » invalide.")
    return kind


class Writer(Protocol):
    """What a backend offers inside one locked write (one transaction in a database)."""

    def entries(self) -> list[Entry]:
        """The kind's items as they are now, under the lock."""
        ...

    def put(self, entry: Entry, payload: bytes | None) -> None:
        """Store ``entry`` (replacing the item of its id). ``payload`` None keeps the
        item's stored payload, if any."""
        ...

    def remove(self, entry: Entry) -> None:
        """Remove the item and its payload."""
        ...


class Backend(Protocol):
    """A store of documents; the rules (names, replacement) are ``Collection``'s."""

    key: str  # tells two backends apart (the folder, or the database's address)

    def entries(self, kind: str, name_field: str) -> list[Entry]: ...

    def payload(self, kind: str, entry: Entry) -> bytes: ...

    def writing(
        self, kind: str, name_field: str, grant: Grant, payload_suffix: str
    ) -> AbstractContextManager[Writer]:
        """Hold the kind against other writers (of every process) until the block ends;
        the revision is bumped with the changes, all of them or none."""
        ...

    def revision(self, kind: str) -> Hashable:
        """A value that changes with every change of the kind (falsy: nothing ever stored)."""
        ...

    def revisions(self) -> Mapping[str, Hashable]:
        """Every kind's revision, in one read."""
        ...

    def kinds(self) -> list[str]:
        """The kinds that hold (or held) items."""
        ...

    def legacy_exists(self, kind: str, file_name: str) -> bool:
        """Whether a file of an earlier version sits among the kind's files (files only)."""
        ...


_GENERATION = [0]
_GENERATION_LOCK = threading.Lock()


def note_write() -> None:
    """Called by a backend once a write is committed: revisions pinned by this process's
    reruns are read again (``carto.common.backends``)."""
    with _GENERATION_LOCK:
        _GENERATION[0] += 1


def write_generation() -> int:
    """How many writes this process committed (a pinned revision older than this is stale)."""
    return _GENERATION[0]
