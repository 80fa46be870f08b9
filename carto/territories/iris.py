"""Stored IRIS contours and the IRIS view of a city.

Why stored apart from the indicator imports: contours are geometry, imported once per IGN
edition, while Filosofi IRIS indicators come every year; the view joins them at display time
and says which IRIS lack one or the other (carto.territories.iris_contours.join_iris).

Why named sets under random ids: a city's contours imported after another's must not silently
replace them, and a set must be removable alone. Each import is a set (a JSON manifest with
its parquet table, as files or in the database: ``carto.common.backends``); the view reads
them all, the most recent set winning for an IRIS present in several. Saving a set under a
name already taken asks to replace it (``replace``). The single ``contours.parquet`` of
earlier versions is read as one set. Every write needs the edit code
(``carto.common.authorisation``).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from carto.common.authorisation import Grant, authorise
from carto.common.collection import Collection, Content, Entry, NameTaken
from carto.common.payloads import parquet_bytes, read_geoparquet_bytes
from carto.territories.bundle import Bundle
from carto.territories.history import department_of
from carto.territories.zones import Territory, department_label

LEGACY_FILE = "contours.parquet"  # the one file of earlier versions
LEGACY_ID = "contours"
LEGACY_NAME = "Contours IRIS"
KIND = "iris"

SETS = Collection(KIND, "Un jeu de contours IRIS", what_name="aux contours IRIS")


@dataclass(frozen=True)
class ContourSet:
    """One stored set of contours: id, name as typed, file imported, number of IRIS."""

    id: str
    name: str
    file_name: str
    count: int
    saved_at: str
    data_file: str  # the parquet file's name when stored as files ("" in a database)


def _set(entry: Entry) -> ContourSet:
    doc = entry.document
    return ContourSet(
        entry.id,
        entry.name,
        str(doc.get("file_name", "")),
        int(doc.get("count", 0)),
        entry.saved_at,
        str(doc.get("data_file", "")),
    )


def _legacy() -> ContourSet:
    return ContourSet(LEGACY_ID, LEGACY_NAME, LEGACY_FILE, -1, "", LEGACY_FILE)


def contour_sets() -> list[ContourSet]:
    """The stored sets, most recent first (the legacy file last, as the oldest)."""
    sets = sorted((_set(e) for e in SETS.entries()), key=lambda c: c.saved_at, reverse=True)
    if SETS.legacy_exists(LEGACY_FILE) and all(c.data_file != LEGACY_FILE for c in sets):
        sets.append(_legacy())
    return sets


def read_set(contours: ContourSet) -> gpd.GeoDataFrame:
    """The contours of one stored set."""
    data = SETS.payload(Entry(contours.id, contours.name, {"data_file": contours.data_file}))
    frame = read_geoparquet_bytes(data)
    frame.index = frame.index.astype("str")
    return frame


def load_contours() -> gpd.GeoDataFrame | None:
    """Every stored set as one frame; an IRIS in several sets keeps the most recent contour."""
    frames = [read_set(c) for c in contour_sets()]
    if not frames:
        return None
    crs = frames[0].crs
    merged = pd.concat([f.to_crs(crs) for f in frames])
    return merged[~merged.index.duplicated(keep="first")]


def save_contours(
    contours: gpd.GeoDataFrame,
    name: str = LEGACY_NAME,
    *,
    file_name: str = "",
    code: str | None = None,
    replace: bool = False,
) -> int:
    """Store ``contours`` as the set ``name`` (a set of the same name is replaced only if
    ``replace``, else ``NameTaken``). All or nothing: old data or new, never half.

    Returns the number of IRIS stored in all.
    """
    grant = authorise(code)
    _adopt_legacy(grant)
    document = {"file_name": file_name, "count": len(contours)}
    SETS.save(name, Content(document, parquet_bytes(contours)), grant=grant, replace=replace)
    merged = load_contours()
    return 0 if merged is None else len(merged)


def _adopt_legacy(grant: Grant) -> None:
    """Give the file of earlier versions its manifest, so that it is a set like the others."""
    if not SETS.legacy_exists(LEGACY_FILE):
        return
    if any(e.document.get("data_file") == LEGACY_FILE for e in SETS.entries()):
        return
    count = len(read_set(_legacy()))
    document = {"file_name": "", "count": count, "data_file": LEGACY_FILE}
    try:
        SETS.save(LEGACY_NAME, document, grant=grant, item_id=LEGACY_ID)
    except NameTaken:
        SETS.save(f"{LEGACY_NAME} (ancien)", document, grant=grant, item_id=LEGACY_ID)


def rename_contours(
    set_id: str, new_name: str, *, code: str | None = None, replace: bool = False
) -> str:
    """Rename a set; a set already named so is removed only if ``replace``. Returns the name."""
    grant = authorise(code)
    _adopt_legacy(grant)
    return SETS.rename(set_id, new_name, grant=grant, replace=replace).name


def delete_contours(set_id: str = LEGACY_ID, *, code: str | None = None) -> None:
    """Remove one set (the file of earlier versions is the set ``contours``)."""
    grant = authorise(code)
    _adopt_legacy(grant)
    SETS.delete(set_id, grant=grant)


def departments_with_iris(contours: gpd.GeoDataFrame | None, bundle: Bundle) -> set[str]:
    """Departments with a contour of one of their communes; read department by department (a
    commune's code starts with its department's), never all of France."""
    if contours is None or contours.empty:
        return set()
    codes = set(contours["INSEE_COM"].astype("str"))
    candidates = {department_of(code) for code in codes} & set(bundle.department_codes)
    return {d for d in candidates if not codes.isdisjoint(bundle.department(d).communes["CODGEO"])}


def iris_territory(
    bundle: Bundle,
    dep: str,
    contours: gpd.GeoDataFrame,
    values: pd.DataFrame,
    secret: pd.DataFrame | None,
) -> Territory:
    """The IRIS of a department's cities that have contours, with their IRIS indicators."""
    com = bundle.department(dep).communes.set_index("CODGEO")
    in_dep = contours["INSEE_COM"].astype("str").map(com["DEP"]) == dep
    zones = contours[in_dep].sort_index()
    names = zones["INSEE_COM"].astype("str").map(com["LIBGEO"]).fillna(zones["INSEE_COM"])
    zones = zones.assign(LIBGEO=zones["NOM_IRIS"].astype(str) + " (" + names + ")")
    zones["CODGEO"] = zones.index
    measures = values.reindex(zones.index).astype(float)
    sec = None if secret is None else secret.reindex(zones.index, fill_value=0)
    return Territory(
        code=dep,
        label=department_label(bundle, dep),
        level="iris",
        zones=zones,
        measures=measures,
        secret=sec,
    )
