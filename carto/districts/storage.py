"""Saved district sets: one JSON document per set, a kind per department (``districts/54``:
a folder under the user-data folder, or rows of the database, ``carto.common.backends``).

Why documents named by a random id, not by the set's name: a folded name (« Secteurs Nord »
→ ``secteurs-nord``) turned every name in another script into one empty name and let two
names share a file. The name is kept as typed; two names people would confuse (« Secteurs
Nord » and « secteurs nord ») are the same name, so saving the second asks to replace the
first (``replace``) instead of writing over it. Sets saved by earlier versions (no id, file
named by the folded name) are read as they are. Writes are all or nothing and need the edit
code (``carto.common.authorisation``).
"""

from __future__ import annotations

from carto.common.authorisation import authorise
from carto.common.collection import Collection, CollectionError, Entry
from carto.common.identity import Named, same_name
from carto.common.text import normalize_text, sort_key
from carto.districts.model import DistrictError, DistrictSet


def kind(dep: str) -> str:
    """The kind of a department's sets (the folder ``districts/2a`` on disk)."""
    return "districts/" + normalize_text(dep).replace(" ", "")


def _sets(dep: str) -> Collection:
    return Collection(kind(dep), "Un jeu de districts", what_name="au jeu de districts")


def _district_set(entry: Entry) -> DistrictSet:
    try:
        return DistrictSet.from_dict(entry.document)
    except DistrictError as exc:
        raise DistrictError(f"{exc} (jeu « {entry.name} », identifiant {entry.id})") from exc


def _entries(dep: str) -> list[Entry]:
    try:
        return _sets(dep).entries()
    except CollectionError as exc:
        raise DistrictError(str(exc)) from exc


def save_district_set(
    ds: DistrictSet,
    *,
    code: str | None = None,
    replace: bool = False,
    set_id: str | None = None,
) -> Named:
    """Store ``ds``; a set of the same name is replaced only if ``replace`` (``NameTaken``
    otherwise). ``set_id`` saves a stored set again under its id (the editor's set)."""
    grant = authorise(code)
    entry = _sets(ds.department).save(
        ds.name, ds.to_dict(), grant=grant, replace=replace, item_id=set_id
    )
    return Named(entry.id, entry.name)


def district_sets(dep: str) -> list[Named]:
    """The department's sets (id and name as typed), in French alphabetical order."""
    named = [Named(e.id, e.name) for e in _entries(dep)]
    return sorted(named, key=lambda n: (sort_key(n.name), n.name, n.id))


def list_district_sets(dep: str) -> list[str]:
    return [n.name for n in district_sets(dep)]


def load_district_set(dep: str, name: str) -> DistrictSet:
    """The set of that name (compared as people would, so a link keeps working)."""
    entries = _entries(dep)
    exact = next((e for e in entries if e.name == name), None)
    found = exact or same_name(entries, name)
    if found is None:
        raise DistrictError(f"Aucun jeu de districts « {name} » pour le département {dep}.")
    return _district_set(found)


def district_set_id(dep: str, name: str) -> str | None:
    entries = _entries(dep)
    found = next((e for e in entries if e.name == name), None) or same_name(entries, name)
    return None if found is None else found.id


def rename_district_set(
    dep: str, set_id: str, new_name: str, *, code: str | None = None, replace: bool = False
) -> Named:
    """Rename a set (its districts stay); a set already named so goes only if ``replace``."""
    grant = authorise(code)
    renamed = _sets(dep).rename(set_id, new_name, grant=grant, replace=replace)
    return Named(renamed.id, renamed.name)


def delete_district_set(dep: str, set_id: str, *, code: str | None = None) -> None:
    grant = authorise(code)
    _sets(dep).delete(set_id, grant=grant)
