"""Named items of one kind, under ids that cannot collide, in whichever store is in use.

Why one implementation for site lists, district sets, imported datasets and IRIS contours:
each must keep names as typed, ask before replacing an item of the same name
(``carto.common.identity.name_key``), write all or nothing, refuse without the edit code,
and behave the same whether the items live in files or in the database
(``carto.common.backends``). A save holds the kind's lock from the name check to the write,
so two sessions, of one server or of two, saving « Secteurs » at once cannot both create it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from carto.common import backends
from carto.common.authorisation import Grant
from carto.common.documents import CollectionError, Entry, check_kind
from carto.common.files import WriteFailed
from carto.common.identity import (
    NameTaken,
    clean_name,
    is_stored_id,
    name_taken,
    new_id,
    same_name,
)


@dataclass(frozen=True)
class Content:
    """What a save stores: the item's JSON document and, for tables, its payload bytes."""

    document: dict
    payload: bytes | None = None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Collection:
    """The items of one kind (``kind`` may be a function: a department's district sets)."""

    def __init__(
        self,
        kind: str | Callable[[], str],
        what: str,
        name_field: str = "name",
        what_name: str = "",
        payload_suffix: str = ".parquet",
    ) -> None:
        self._kind = kind
        self.what = what  # « Une liste de sites », as the sentences of refusals begin
        self.what_name = what_name or "à l'élément"  # « à la liste » in « Donnez un nom … »
        self.name_field = name_field
        self.payload_suffix = payload_suffix

    @property
    def kind(self) -> str:
        return check_kind(self._kind() if callable(self._kind) else self._kind)

    # --- reading ------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """Every item, by id (a corrupt document raises with its name, never vanishes)."""
        return backends.current().entries(self.kind, self.name_field)

    def _one(self, entries: list[Entry], item_id: str) -> Entry:
        if not is_stored_id(item_id):
            raise CollectionError(f"Identifiant « {str(item_id)[:40]} » invalide.")
        found = next((e for e in entries if e.id == item_id), None)
        if found is None:
            raise CollectionError(f"{self.what} n'existe plus (identifiant {item_id}).")
        return found

    def get(self, item_id: str) -> Entry:
        return self._one(self.entries(), item_id)

    def find(self, name: str) -> Entry | None:
        """The item of that name (compared as people would), if any."""
        return same_name(self.entries(), name)

    def payload(self, entry: Entry) -> bytes:
        """The payload stored with ``entry`` (a table's bytes)."""
        return backends.current().payload(self.kind, entry)

    def legacy_exists(self, file_name: str) -> bool:
        """Whether a file of an earlier version lies among the items' files (files only)."""
        return backends.current().legacy_exists(self.kind, file_name)

    # --- writing ------------------------------------------------------------------------

    def _entry(self, item_id: str, name: str, document: dict) -> Entry:
        saved_at = now_iso()
        body = {**document, "id": item_id, self.name_field: name, "saved_at": saved_at}
        return Entry(item_id, name, body, saved_at)

    def save(
        self,
        name: str,
        content: Content | dict | Callable[[str], Content],
        *,
        grant: Grant,
        replace: bool = False,
        item_id: str | None = None,
    ) -> Entry:
        """Store ``content`` under ``name``; an item of the same name is replaced only when
        ``replace`` is true (its id is kept), else :class:`NameTaken` is raised.

        ``content`` may be a function of the id chosen (a dataset's indicator ids carry it).
        ``item_id`` saves a known item again (an edited set keeps its id).
        """
        name = clean_name(name, self.what_name)
        with backends.current().writing(
            self.kind, self.name_field, grant, self.payload_suffix
        ) as writer:
            clash = same_name(writer.entries(), name, except_id=item_id)
            if clash is not None and not replace:
                raise name_taken(self.what, clash)
            target = clash.id if clash is not None else item_id or new_id()
            made = content(target) if callable(content) else content
            made = made if isinstance(made, Content) else Content(made)
            entry = self._entry(target, name, made.document)
            writer.put(entry, made.payload)
        return entry

    def rename(self, item_id: str, new_name: str, *, grant: Grant, replace: bool = False) -> Entry:
        """Rename one item (its id and content stay); the item already named so is removed
        only when ``replace`` is true."""
        new_name = clean_name(new_name, self.what_name)
        with backends.current().writing(
            self.kind, self.name_field, grant, self.payload_suffix
        ) as writer:
            entries = writer.entries()
            entry = self._one(entries, item_id)
            clash = same_name(entries, new_name, except_id=item_id)
            if clash is not None and not replace:
                raise name_taken(self.what, clash)
            renamed = self._entry(item_id, new_name, entry.document)
            writer.put(renamed, None)
            if clash is not None:
                writer.remove(clash)
        return renamed

    def delete(self, item_id: str, *, grant: Grant) -> Entry:
        """Remove one item; returns its last document."""
        with backends.current().writing(
            self.kind, self.name_field, grant, self.payload_suffix
        ) as writer:
            entry = self._one(writer.entries(), item_id)
            writer.remove(entry)
        return entry


__all__ = [
    "Collection",
    "CollectionError",
    "Content",
    "Entry",
    "NameTaken",
    "WriteFailed",
    "now_iso",
]
