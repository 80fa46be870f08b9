"""Persistence of imported datasets: a JSON manifest and a parquet table per dataset, as files
under ``user_data_dir()/imports`` or as rows of the database when ``ATLAS_DATABASE_URL`` is
set (``carto.common.backends``).

Why the table is stored with its manifest in one write: a dataset is either the old one or the
new one, never half written, even if the app stops mid-import (in files, the parquet is
written first and the manifest replaced last; in the database, one transaction).

Why a random id and a title compared as people would: two partners uploading ``export.csv``
under the default title must not replace each other's data; saving under a title already
taken (case, accents and punctuation aside) is refused unless ``replace`` is given, and the
replaced dataset keeps its id, so the links to its indicators keep working. Manifests of
earlier versions (ids made from the title) are read as they are. Every write needs the edit
code (``carto.common.authorisation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carto.common.authorisation import authorise
from carto.common.collection import Collection, CollectionError, Content, Entry, now_iso
from carto.common.files import WriteFailed
from carto.common.markers import MARKER_DTYPE, as_markers
from carto.common.paths import user_data_folder
from carto.common.payloads import parquet_bytes, read_parquet_bytes
from carto.indicators.catalogue import Indicator, indicator_from_json, indicator_to_json
from carto.indicators.sources.dataset_ids import with_id
from carto.indicators.sources.imports import ImportedDataset

SECRET_PREFIX = "__secret__"
KIND = "imports"


class StoreError(RuntimeError):
    """A stored dataset cannot be read or written; the message is French."""


@dataclass(frozen=True)
class StoredDataset:
    id: str
    title: str
    kind: str
    level: str
    file_name: str
    imported_at: str  # ISO 8601, UTC
    rows: int
    summary: str
    indicators: tuple[Indicator, ...]
    data_file: str  # the parquet file's name when stored as files ("" in a database)


def imports_dir() -> Path:
    """The folder of the datasets stored as files (the default, without a database)."""
    return user_data_folder(KIND)


DATASETS = Collection(
    KIND, "Un jeu de données importé", name_field="title", what_name="au jeu de données"
)


def _table(dataset: ImportedDataset) -> bytes:
    frame = dataset.values.copy()
    for col in dataset.secret.columns:
        frame[SECRET_PREFIX + col] = dataset.secret[col].to_numpy(dtype=MARKER_DTYPE)
    frame.index = frame.index.astype("str")
    return parquet_bytes(frame)


def _manifest(dataset: ImportedDataset) -> dict:
    return {
        "kind": dataset.kind,
        "level": dataset.level,
        "file_name": dataset.report.file_name,
        "imported_at": now_iso(),
        "rows": len(dataset.values),
        "summary": dataset.report.summary_fr(),
        "indicators": [indicator_to_json(i) for i in dataset.indicators],
    }


def save_dataset(
    dataset: ImportedDataset, *, code: str | None = None, replace: bool = False
) -> StoredDataset:
    """Store a dataset under its title; a dataset of the same title is replaced (keeping its
    id) only if ``replace``, else ``NameTaken``. All or nothing."""
    grant = authorise(code)

    def content(target_id: str) -> Content:
        keyed = with_id(dataset, target_id)
        return Content(_manifest(keyed), _table(keyed))

    try:
        entry = DATASETS.save(dataset.title, content, grant=grant, replace=replace)
    except WriteFailed as exc:
        raise StoreError(f"{exc}") from exc
    return _stored(entry)


def _stored(entry: Entry) -> StoredDataset:
    try:
        fields = [k for k in StoredDataset.__dataclass_fields__ if k not in ("id", "data_file")]
        payload = {k: entry.document[k] for k in fields}
        payload["data_file"] = str(entry.document.get("data_file", ""))
        payload["indicators"] = tuple(indicator_from_json(i) for i in payload["indicators"])
        return StoredDataset(id=entry.id, **payload)
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"Description de l'import « {entry.name} » illisible (identifiant {entry.id} : {exc})."
        ) from exc


def list_datasets() -> list[StoredDataset]:
    """Stored datasets, most recent first (unreadable manifests raise, never vanish)."""
    try:
        found = [_stored(e) for e in DATASETS.entries()]
    except CollectionError as exc:
        raise StoreError(str(exc)) from exc
    return sorted(found, key=lambda d: d.imported_at, reverse=True)


def delete_dataset(dataset_id: str, *, code: str | None = None) -> None:
    """Remove a dataset: its manifest first (readers stop seeing it), then its data."""
    grant = authorise(code)
    try:
        DATASETS.delete(dataset_id, grant=grant)
    except WriteFailed as exc:
        raise StoreError(f"{exc}") from exc
    except CollectionError as exc:
        raise StoreError(f"Aucun import d'identifiant « {dataset_id} » : {exc}") from exc


def read_dataset(stored: StoredDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and marker codes of one stored dataset (older imports stored a boolean
    secrecy mask: read as « secret statistique », as they were shown then)."""
    entry = Entry(stored.id, stored.title, {"data_file": stored.data_file})
    try:
        data = DATASETS.payload(entry)
    except CollectionError as exc:
        raise StoreError(str(exc)) from exc
    try:
        frame = read_parquet_bytes(data)
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise StoreError(
            f"Données de l'import « {stored.title} » illisibles ({type(exc).__name__}) : "
            "supprimez-le et importez le fichier de nouveau."
        ) from exc
    frame.index = frame.index.astype("str")
    secret_cols = [c for c in frame.columns if c.startswith(SECRET_PREFIX)]
    secret = as_markers(frame[secret_cols].rename(columns=lambda c: c[len(SECRET_PREFIX) :]))
    values = frame.drop(columns=secret_cols).astype(float)
    return values, secret


def load_imported_measures(
    codes: pd.Index, level: str = "commune"
) -> tuple[pd.DataFrame, pd.DataFrame, list[Indicator]]:
    """Measures of every stored dataset of ``level`` for ``codes``, merged column-wise.

    A column present in several datasets (``MED19`` in Filosofi 2019 and in the comparateur)
    is taken from the most recent import, completed by older ones where it is missing.
    Codes absent from a dataset get NaN (not secret: simply not in that file).
    """
    index = pd.Index(codes, dtype="str", name="CODGEO" if level == "commune" else "IRIS")
    values = pd.DataFrame(index=index)
    secret = pd.DataFrame(index=index)
    indicators: dict[str, Indicator] = {}
    for stored in list_datasets():  # most recent first
        if stored.level != level:
            continue
        vals, sec = read_dataset(stored)
        vals, sec = vals.reindex(index), sec.reindex(index, fill_value=0)
        new = [c for c in vals.columns if c not in values.columns]
        for col in vals.columns.intersection(values.columns):
            gap = values[col].isna() & secret[col].eq(0)
            values.loc[gap, col] = vals.loc[gap, col]
            secret.loc[gap, col] = sec.loc[gap, col]
        values = pd.concat([values, vals[new]], axis=1)
        secret = pd.concat([secret, sec[new].astype(MARKER_DTYPE)], axis=1)
        for ind in stored.indicators:
            indicators.setdefault(ind.id, ind)
    return values, secret.astype(MARKER_DTYPE), list(indicators.values())
