"""Copy the documents of one store into another (``var/`` into PostgreSQL), never twice.

Why a copy and not a move: the files of a single-machine atlas stay where they are, as the
backup of what was there; the app servers read the database once ``ATLAS_DATABASE_URL``
names it. Why idempotent: an item is copied under its own id, so running the copy again finds
it and changes nothing; an item whose name is already taken in the target by another item is
left out and reported (the target's item is kept: it may have been edited since).
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.common.authorisation import authorise
from carto.common.documents import Backend, CollectionError, Entry
from carto.common.identity import same_name


@dataclass(frozen=True)
class KindCopy:
    """What the copy of one kind did (French reasons for the items left out)."""

    kind: str
    copied: int
    present: int
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extra:
    """An item the source holds outside its documents (a file of an earlier version)."""

    kind: str
    entry: Entry


def copy_documents(
    source: Backend,
    target: Backend,
    name_fields: dict[str, str],
    *,
    code: str | None = None,
    kinds: list[str] | None = None,
    extras: tuple[Extra, ...] = (),
    payload_suffix: str = ".parquet",
) -> list[KindCopy]:
    """Copy every kind of ``source`` into ``target``, one transaction per kind.

    ``name_fields`` gives the field holding the name for the kinds that do not use ``name``;
    ``kinds`` restricts the copy (default: every kind of the source); ``extras`` adds items
    the source holds outside its documents. Needs the edit code when one is configured.
    """
    grant = authorise(code)
    reports = []
    chosen = source.kinds() if kinds is None else kinds
    for kind in sorted({*chosen, *(e.kind for e in extras)}):
        name_field = name_fields.get(kind.split("/")[0], "name")
        try:
            entries = source.entries(kind, name_field)
        except CollectionError as exc:
            reports.append(KindCopy(kind, 0, 0, (str(exc),)))
            continue
        entries += [e.entry for e in extras if e.kind == kind]
        if not entries:
            continue
        copied = present = 0
        left_out = []
        with target.writing(kind, name_field, grant, payload_suffix) as writer:
            existing = writer.entries()
            for entry in entries:
                if any(e.id == entry.id for e in existing):
                    present += 1
                    continue
                clash = same_name(existing, entry.name)
                if clash is not None:
                    left_out.append(
                        f"« {entry.name} » non copié : la base a déjà « {clash.name} » "
                        f"(identifiant {clash.id})"
                    )
                    continue
                payload = source.payload(kind, entry) if "data_file" in entry.document else None
                document = {k: v for k, v in entry.document.items() if k != "data_file"}
                document["id"] = entry.id
                writer.put(Entry(entry.id, entry.name, document, entry.saved_at), payload)
                existing.append(entry)
                copied += 1
        reports.append(KindCopy(kind, copied, present, tuple(left_out)))
    return reports
