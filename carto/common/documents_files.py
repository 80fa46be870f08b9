"""User documents as files under ``var/`` (or ``ATLAS_DATA_DIR``): the default for one machine.

One folder per kind (``imports``, ``sites``, ``districts/54``…), one JSON document per item
named by its id, and, for items with a payload (parquet tables), a data file named by the
document (``data_file``). Why the payload is written first and the document last: replacing
the document with ``os.replace`` is atomic, so an item is either the old one or the new one,
never half written, even if the process dies mid-write; the previous payload is removed only
afterwards, and the payloads a killed write left behind are removed by a later write.

A write holds the folder's lock (``fcntl``) from the name check to the last file, so two
sessions of one server, or two processes on one machine, never both create « Secteurs ».
The revision of a kind is the list of its files with their sizes and modification times.
Documents of earlier versions (no ``id``) take their file name's stem, which was unique.
"""

from __future__ import annotations

import fcntl
import json
import re
import time
import uuid
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

from carto.common.authorisation import Grant, check_grant
from carto.common.documents import CollectionError, Entry, Writer, check_kind, note_write
from carto.common.files import atomic_write, remove_file, write_failed
from carto.common.identity import is_stored_id

LOCK_FILE = ".lock"
ORPHAN_AFTER_S = 3600.0  # a payload no document names, older than this, is a killed write's
_PAYLOAD_RE = re.compile(r"[a-z0-9][a-z0-9_\-]*-[0-9a-f]{10}\.[a-z0-9]+")


class FileBackend:
    """The documents under ``root()`` (called each time: tests move the data folder)."""

    def __init__(self, root: Callable[[], Path]) -> None:
        self._root = root

    @property
    def key(self) -> str:
        return f"files:{self._root()}"

    def folder(self, kind: str) -> Path:
        return self._root() / check_kind(kind)

    # --- reading ------------------------------------------------------------------------

    def _read(self, path: Path, name_field: str) -> Entry:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            name = document[name_field]
            if not isinstance(document, dict) or not isinstance(name, str):
                raise TypeError("document")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CollectionError(
                f"Fichier enregistré illisible : {path.name} ({type(exc).__name__}). Il est "
                "conservé tel quel ; supprimez-le ou restaurez-le depuis une sauvegarde."
            ) from exc
        item_id = document.get("id") if is_stored_id(document.get("id")) else path.stem
        return Entry(item_id, name, document, str(document.get("saved_at", "")))

    def entries(self, kind: str, name_field: str) -> list[Entry]:
        """Every item (a corrupt document raises with its file name, never vanishes)."""
        folder = self.folder(kind)
        if not folder.is_dir():
            return []
        return [self._read(p, name_field) for p in sorted(folder.glob("*.json"))]

    def _data_path(self, kind: str, entry: Entry) -> Path | None:
        data_file = entry.document.get("data_file")
        if isinstance(data_file, str) and data_file and Path(data_file).name == data_file:
            return self.folder(kind) / data_file
        return None

    def payload(self, kind: str, entry: Entry) -> bytes:
        path = self._data_path(kind, entry)
        try:
            if path is None:
                raise FileNotFoundError(entry.id)
            return path.read_bytes()
        except OSError as exc:
            raise CollectionError(
                f"Données de « {entry.name} » introuvables ({type(exc).__name__}) : "
                "supprimez cet élément et importez le fichier de nouveau."
            ) from exc

    def legacy_exists(self, kind: str, file_name: str) -> bool:
        return (self.folder(kind) / file_name).is_file()

    # --- revisions ----------------------------------------------------------------------

    def revision(self, kind: str) -> Hashable:
        folder = self.folder(kind)
        if not folder.is_dir():
            return ()
        found = []
        for path in folder.iterdir():
            if path.name.startswith("."):
                continue  # the lock and the temporaries: no content
            try:
                stat = path.stat()
            except OSError:
                continue  # removed meanwhile: the next rerun sees the folder as it is
            found.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(found))

    def kinds(self) -> list[str]:
        root = self._root()
        if not root.is_dir():
            return []
        found = []
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            found.append(folder.name)
            found += [f"{folder.name}/{sub.name}" for sub in sorted(folder.iterdir())
                      if sub.is_dir()]  # fmt: skip
        return [k for k in found if _kind_ok(k)]

    def revisions(self) -> dict[str, Hashable]:
        return {kind: self.revision(kind) for kind in self.kinds()}

    # --- writing ------------------------------------------------------------------------

    @contextmanager
    def writing(
        self, kind: str, name_field: str, grant: Grant, payload_suffix: str
    ) -> Iterator[Writer]:
        check_grant(grant)
        folder = self.folder(kind)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle = (folder / LOCK_FILE).open("a")
        except OSError as exc:
            raise write_failed(kind, exc) from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                writer = _FileWriter(self, kind, name_field, grant, payload_suffix)
                yield writer
                writer.finish()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        note_write()


def _kind_ok(kind: str) -> bool:
    try:
        check_kind(kind)
    except CollectionError:
        return False
    return True


class _FileWriter:
    """The files of one locked write; ``finish`` drops what the write replaced."""

    def __init__(
        self, backend: FileBackend, kind: str, name_field: str, grant: Grant, suffix: str
    ) -> None:
        self._backend = backend
        self._kind = kind
        self._name_field = name_field
        self._grant = grant
        self._suffix = suffix
        self._folder = backend.folder(kind)
        self._dropped: list[Path] = []  # payloads replaced or removed: gone once all is done

    def entries(self) -> list[Entry]:
        return self._backend.entries(self._kind, self._name_field)

    def _path(self, item_id: str) -> Path:
        if not is_stored_id(item_id):
            raise CollectionError(f"Identifiant « {str(item_id)[:40]} » invalide.")
        return self._folder / f"{item_id}.json"

    def _current(self, item_id: str) -> Entry | None:
        path = self._path(item_id)
        return self._backend._read(path, self._name_field) if path.exists() else None

    def put(self, entry: Entry, payload: bytes | None) -> None:
        previous = self._current(entry.id)
        document = dict(entry.document)
        written = None
        if payload is not None:
            written = self._folder / f"{entry.id}-{uuid.uuid4().hex[:10]}{self._suffix}"
            atomic_write(written, payload, grant=self._grant)
            document["data_file"] = written.name
        elif previous is not None and "data_file" in previous.document:
            document.setdefault("data_file", previous.document["data_file"])
        text = json.dumps(document, ensure_ascii=False, indent=1)
        try:
            atomic_write(self._path(entry.id), text, grant=self._grant)
        except BaseException:
            if written is not None:
                remove_file(written, grant=self._grant)
            raise
        old = None if previous is None else self._backend._data_path(self._kind, previous)
        if old is not None and old.name != document.get("data_file"):
            self._dropped.append(old)

    def remove(self, entry: Entry) -> None:
        remove_file(self._path(entry.id), grant=self._grant)
        data = self._backend._data_path(self._kind, entry)
        if data is not None:
            self._dropped.append(data)

    def finish(self) -> None:
        for path in self._dropped:
            remove_file(path, grant=self._grant)
        self._remove_orphans()

    def _remove_orphans(self) -> None:
        """Remove the payloads no document names (a write killed between its two files)."""
        try:
            named = {e.document.get("data_file") for e in self.entries()}
        except CollectionError:
            return  # a document is unreadable: keep every file until it is repaired
        limit = time.time() - ORPHAN_AFTER_S
        for path in self._folder.glob(f"*{self._suffix}"):
            if path.suffix == ".json" or path.name in named or not _PAYLOAD_RE.fullmatch(path.name):
                continue
            try:
                old = path.stat().st_mtime < limit
            except OSError:
                continue
            if old:
                remove_file(path, grant=self._grant)
