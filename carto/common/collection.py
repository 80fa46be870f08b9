"""A folder of named items, one JSON document each, under ids that cannot collide.

Why one implementation for site lists, district sets, imported datasets and IRIS contours:
each must keep names as typed, ask before replacing an item of the same name
(``carto.common.identity.name_key``), write atomically, refuse without the edit code, and keep
reading what earlier versions stored (a document without ``id`` takes its file name's stem,
which was unique in its folder). A save holds the folder's lock from the name check to the
write, so two sessions saving « Secteurs » at once cannot both create it.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from carto.common.authorisation import Grant, check_grant
from carto.common.files import WriteFailed, atomic_write, remove_file, write_failed
from carto.common.identity import (
    Named,
    NameTaken,
    clean_name,
    is_stored_id,
    name_taken,
    new_id,
    same_name,
)

LOCK_FILE = ".lock"


class CollectionError(ValueError):
    """A stored document cannot be read, or an item does not exist; the message is French."""


@dataclass(frozen=True)
class Entry(Named):
    """One stored item: its id, its name as typed, and its whole document."""

    document: dict = field(default_factory=dict, compare=False, hash=False)
    saved_at: str = ""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class JsonCollection:
    """The items of one folder (``folder()`` is called each time: tests move the data)."""

    def __init__(
        self,
        folder: Callable[[], Path],
        what: str,
        name_field: str = "name",
        what_name: str = "",
    ) -> None:
        self._folder = folder
        self.what = what  # « Une liste de sites », as the sentences of refusals begin
        self.what_name = what_name or "à l'élément"  # « à la liste » in « Donnez un nom … »
        self.name_field = name_field

    # --- reading ------------------------------------------------------------------------

    def _read(self, path: Path) -> Entry:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            name = document[self.name_field]
            if not isinstance(document, dict) or not isinstance(name, str):
                raise TypeError("document")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CollectionError(
                f"Fichier enregistré illisible : {path.name} ({type(exc).__name__}). Il est "
                "conservé tel quel ; supprimez-le ou restaurez-le depuis une sauvegarde."
            ) from exc
        item_id = document.get("id") if is_stored_id(document.get("id")) else path.stem
        return Entry(item_id, name, document, str(document.get("saved_at", "")))

    def entries(self) -> list[Entry]:
        """Every item (a corrupt document raises with its file name, never vanishes)."""
        return [self._read(p) for p in sorted(self._folder().glob("*.json"))]

    def path(self, item_id: str) -> Path:
        if not is_stored_id(item_id):
            raise CollectionError(f"Identifiant « {str(item_id)[:40]} » invalide.")
        return self._folder() / f"{item_id}.json"

    def get(self, item_id: str) -> Entry:
        path = self.path(item_id)
        if not path.exists():
            raise CollectionError(f"{self.what} n'existe plus (identifiant {item_id}).")
        return self._read(path)

    def find(self, name: str) -> Entry | None:
        """The item of that name (compared as people would), if any."""
        return same_name(self.entries(), name)

    # --- writing ------------------------------------------------------------------------

    @contextmanager
    def locked(self, grant: Grant) -> Iterator[Path]:
        """The folder, held against concurrent saves of this collection."""
        check_grant(grant)
        folder = self._folder()
        try:
            handle = (folder / LOCK_FILE).open("a")
        except OSError as exc:
            raise write_failed(self.what.lower(), exc) from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write(self, item_id: str, name: str, document: dict, grant: Grant) -> Entry:
        saved_at = now_iso()
        body = {**document, "id": item_id, self.name_field: name, "saved_at": saved_at}
        text = json.dumps(body, ensure_ascii=False, indent=1)
        atomic_write(self.path(item_id), text, grant=grant)
        return Entry(item_id, name, body, saved_at)

    def save(
        self,
        name: str,
        document: dict | Callable[[str], dict],
        *,
        grant: Grant,
        replace: bool = False,
        item_id: str | None = None,
        on_replaced: Callable[[Entry], None] | None = None,
    ) -> Entry:
        """Store ``document`` under ``name``; an item of the same name is replaced only when
        ``replace`` is true (its id is kept), else :class:`NameTaken` is raised.

        ``document`` may be a function of the id chosen (to write data files named by it
        first). ``item_id`` saves a known item again (an edited set keeps its id);
        ``on_replaced`` gets the previous document once the new one is written (to drop its
        data files).
        """
        name = clean_name(name, self.what_name)
        with self.locked(grant):
            entries = self.entries()
            clash = same_name(entries, name, except_id=item_id)
            if clash is not None and not replace:
                raise name_taken(self.what, clash)
            target = clash.id if clash is not None else item_id or new_id()
            previous = next((e for e in entries if e.id == target), None)
            body = document(target) if callable(document) else document
            entry = self._write(target, name, body, grant)
        if previous is not None and on_replaced is not None:
            on_replaced(previous)
        return entry

    def rename(
        self,
        item_id: str,
        new_name: str,
        *,
        grant: Grant,
        replace: bool = False,
        on_replaced: Callable[[Entry], None] | None = None,
    ) -> Entry:
        """Rename one item (its id and content stay); the item already named so is removed
        only when ``replace`` is true (``on_replaced`` then gets its document)."""
        new_name = clean_name(new_name, self.what_name)
        with self.locked(grant):
            entry = self.get(item_id)
            clash = same_name(self.entries(), new_name, except_id=item_id)
            if clash is not None and not replace:
                raise name_taken(self.what, clash)
            renamed = self._write(item_id, new_name, entry.document, grant)
            if clash is not None:
                remove_file(self.path(clash.id), grant=grant)
        if clash is not None and on_replaced is not None:
            on_replaced(clash)
        return renamed

    def delete(self, item_id: str, *, grant: Grant) -> Entry:
        """Remove one item; returns its last document (to drop its data files)."""
        with self.locked(grant):
            entry = self.get(item_id)
            remove_file(self.path(item_id), grant=grant)
        return entry


__all__ = ["CollectionError", "Entry", "JsonCollection", "NameTaken", "WriteFailed", "now_iso"]
