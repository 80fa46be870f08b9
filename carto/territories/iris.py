"""Stored IRIS contours and the IRIS view of a city.

Why stored apart from the indicator imports: contours are geometry, imported once per IGN
edition, while Filosofi IRIS indicators come every year; the view joins them at display time
and says which IRIS lack one or the other (carto.territories.iris_contours.join_iris).

Why named sets under random ids: a city's contours imported after another's must not silently
replace them, and a set must be removable alone. Each import is a set (a JSON manifest naming
its parquet file); the view reads them all, the most recent set winning for an IRIS present
in several. Saving a set under a name already taken asks to replace it (``replace``). The
single ``contours.parquet`` of earlier versions is read as one set. Every write needs the
edit code (``carto.common.authorisation``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from carto.common.authorisation import Grant, authorise
from carto.common.collection import Entry, JsonCollection, NameTaken
from carto.common.files import atomic_write, remove_file
from carto.common.paths import user_data_folder
from carto.territories.bundle import Bundle
from carto.territories.zones import Territory, department_label

LEGACY_FILE = "contours.parquet"  # the one file of earlier versions
LEGACY_ID = "contours"
LEGACY_NAME = "Contours IRIS"


def _folder() -> Path:
    return user_data_folder("iris")


SETS = JsonCollection(_folder, "Un jeu de contours IRIS", what_name="aux contours IRIS")


@dataclass(frozen=True)
class ContourSet:
    """One stored set of contours: id, name as typed, file imported, number of IRIS."""

    id: str
    name: str
    file_name: str
    count: int
    saved_at: str
    data_file: str


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


def contour_sets() -> list[ContourSet]:
    """The stored sets, most recent first (the legacy file last, as the oldest)."""
    sets = sorted((_set(e) for e in SETS.entries()), key=lambda c: c.saved_at, reverse=True)
    legacy = _folder() / LEGACY_FILE
    if legacy.exists() and all(c.data_file != LEGACY_FILE for c in sets):
        sets.append(ContourSet(LEGACY_ID, LEGACY_NAME, LEGACY_FILE, -1, "", LEGACY_FILE))
    return sets


def _read(data_file: str) -> gpd.GeoDataFrame:
    frame = gpd.read_parquet(_folder() / data_file)
    frame.index = frame.index.astype("str")
    return frame


def load_contours() -> gpd.GeoDataFrame | None:
    """Every stored set as one frame; an IRIS in several sets keeps the most recent contour."""
    frames = [_read(c.data_file) for c in contour_sets()]
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
    ``replace``, else ``NameTaken``). Atomic: old files or new, never half.

    Returns the number of IRIS stored in all.
    """
    grant = authorise(code)
    _adopt_legacy(grant)
    written: list[str] = []

    def document(set_id: str) -> dict:
        data_file = f"{set_id}-{uuid.uuid4().hex[:10]}.parquet"
        atomic_write(_folder() / data_file, contours.to_parquet, grant=grant)
        written.append(data_file)
        return {"file_name": file_name, "count": len(contours), "data_file": data_file}

    def drop_previous(previous: Entry) -> None:
        if previous.document.get("data_file") not in written:
            _drop_data(previous, grant)

    try:
        SETS.save(name, document, grant=grant, replace=replace, on_replaced=drop_previous)
    except BaseException:
        for data_file in written:
            remove_file(_folder() / data_file, grant=grant)
        raise
    merged = load_contours()
    return 0 if merged is None else len(merged)


def _adopt_legacy(grant: Grant) -> None:
    """Give the file of earlier versions its manifest, so that it is a set like the others."""
    if (_folder() / LEGACY_FILE).exists() and not SETS.path(LEGACY_ID).exists():
        count = len(_read(LEGACY_FILE))
        document = {"file_name": "", "count": count, "data_file": LEGACY_FILE}
        try:
            SETS.save(LEGACY_NAME, document, grant=grant, item_id=LEGACY_ID)
        except NameTaken:
            SETS.save(f"{LEGACY_NAME} (ancien)", document, grant=grant, item_id=LEGACY_ID)


def _drop_data(entry: Entry, grant: Grant) -> None:
    data_file = entry.document.get("data_file")
    if isinstance(data_file, str) and Path(data_file).name == data_file:
        remove_file(_folder() / data_file, grant=grant)


def rename_contours(
    set_id: str, new_name: str, *, code: str | None = None, replace: bool = False
) -> str:
    """Rename a set; a set already named so is removed only if ``replace``. Returns the name."""
    grant = authorise(code)
    _adopt_legacy(grant)
    renamed = SETS.rename(
        set_id, new_name, grant=grant, replace=replace, on_replaced=lambda e: _drop_data(e, grant)
    )
    return renamed.name


def delete_contours(set_id: str = LEGACY_ID, *, code: str | None = None) -> None:
    """Remove one set (the file of earlier versions is the set ``contours``)."""
    grant = authorise(code)
    _adopt_legacy(grant)
    _drop_data(SETS.delete(set_id, grant=grant), grant)


def departments_with_iris(contours: gpd.GeoDataFrame | None, bundle: Bundle) -> set[str]:
    if contours is None or contours.empty:
        return set()
    dep_of = bundle.communes.set_index("CODGEO")["DEP"]
    return set(contours["INSEE_COM"].astype("str").map(dep_of).dropna())


def iris_territory(
    bundle: Bundle,
    dep: str,
    contours: gpd.GeoDataFrame,
    values: pd.DataFrame,
    secret: pd.DataFrame | None,
) -> Territory:
    """The IRIS of a department's cities that have contours, with their IRIS indicators."""
    com = bundle.communes.set_index("CODGEO")
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
