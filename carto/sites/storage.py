"""Imported site lists, one JSON document per list (a file under the user-data folder, or a
row of the database when ``ATLAS_DATABASE_URL`` is set: ``carto.common.backends``).

Why one document written all or nothing under a random id: a list is small, partners
re-import it when it changes, and a crash during a save must leave the previous list readable.
The document is named by the list's id, never by its name, so two names cannot land in one
place; saving under a name already taken (« CCAS du Grand Nancy » and « ccas du grand-nancy
! ») is refused unless the caller confirms the replacement. Lists saved by earlier versions
(``<name folded>.json`` without an id) are read as they are. A corrupt document is reported
with its name, never skipped, so a list never silently disappears. Every write needs the edit
code (``carto.common.authorisation``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carto.common.authorisation import authorise
from carto.common.collection import Collection, CollectionError, Entry
from carto.common.text import sort_key
from carto.sites.table import normalize_sites

KIND = "sites"
LISTS = Collection(KIND, "Une liste de sites", what_name="à la liste de sites")


@dataclass(frozen=True)
class SiteList:
    """One stored list: its id (kept for life), its name as typed, its sites."""

    id: str
    name: str
    sites: pd.DataFrame
    saved_at: str = ""


def _site_list(entry: Entry) -> SiteList:
    try:
        sites = normalize_sites(pd.DataFrame(entry.document["sites"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CollectionError(
            f"Liste de sites illisible : « {entry.name} », identifiant {entry.id} "
            f"({type(exc).__name__})."
        ) from exc
    return SiteList(entry.id, entry.name, sites, entry.saved_at)


def save_site_list(
    name: str,
    sites: pd.DataFrame,
    *,
    code: str | None = None,
    replace: bool = False,
) -> SiteList:
    """Store a list under ``name``; a list of the same name is replaced only if ``replace``
    (``NameTaken`` otherwise). Needs the edit code when one is configured."""
    grant = authorise(code)
    records = normalize_sites(sites).astype(object).where(lambda f: f.notna(), None)
    entry = LISTS.save(name, {"sites": records.to_dict("records")}, grant=grant, replace=replace)
    return _site_list(entry)


def list_site_lists() -> list[SiteList]:
    """Every stored list, by name (a corrupt file raises with its name, never skipped)."""
    lists = [_site_list(e) for e in LISTS.entries()]
    return sorted(lists, key=lambda s: (sort_key(s.name), s.name, s.id))


def load_site_lists() -> dict[str, pd.DataFrame]:
    """The sites of every stored list, by list id."""
    return {s.id: s.sites for s in list_site_lists()}


def rename_site_list(
    list_id: str, new_name: str, *, code: str | None = None, replace: bool = False
) -> SiteList:
    """Rename a list; a list already named so is removed only if ``replace``."""
    grant = authorise(code)
    return _site_list(LISTS.rename(list_id, new_name, grant=grant, replace=replace))


def delete_site_list(list_id: str, *, code: str | None = None) -> None:
    grant = authorise(code)
    LISTS.delete(list_id, grant=grant)
