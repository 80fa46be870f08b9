"""Persistence of imported datasets under ``user_data_dir()/imports`` (parquet + JSON).

Why a JSON manifest that names a uniquely named parquet file: replacing the manifest with
``os.replace`` is atomic, so a dataset is either the old one or the new one, never half
written, even if the app stops mid-import; the previous parquet is removed only afterwards.

Why a random id and a title compared as people would: two partners uploading ``export.csv``
under the default title must not replace each other's data; saving under a title already
taken (case, accents and punctuation aside) is refused unless ``replace`` is given, and the
replaced dataset keeps its id, so the links to its indicators keep working. Manifests of
earlier versions (ids made from the title) are read as they are. Every write needs the edit
code (``carto.common.authorisation``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carto.common.authorisation import Grant, authorise
from carto.common.collection import CollectionError, Entry, JsonCollection, now_iso
from carto.common.files import WriteFailed, atomic_write, remove_file
from carto.common.markers import MARKER_DTYPE, as_markers
from carto.common.paths import user_data_folder
from carto.indicators.catalogue import Indicator, indicator_from_json, indicator_to_json
from carto.indicators.sources.dataset_ids import with_id
from carto.indicators.sources.imports import ImportedDataset

SECRET_PREFIX = "__secret__"
ORPHAN_AFTER_S = 3600.0  # a parquet no manifest names, older than this, is a killed import's


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
    data_file: str


def imports_dir() -> Path:
    return user_data_folder("imports")


DATASETS = JsonCollection(
    imports_dir, "Un jeu de données importé", name_field="title", what_name="au jeu de données"
)


def _write_frame(dataset: ImportedDataset, grant: Grant) -> str:
    folder = imports_dir()
    data_file = f"{dataset.id}-{uuid.uuid4().hex[:10]}.parquet"
    frame = dataset.values.copy()
    for col in dataset.secret.columns:
        frame[SECRET_PREFIX + col] = dataset.secret[col].to_numpy(dtype=MARKER_DTYPE)
    frame.index = frame.index.astype("str")
    atomic_write(folder / data_file, lambda p: frame.to_parquet(p), grant=grant)
    return data_file


def _manifest(dataset: ImportedDataset, data_file: str) -> dict:
    return {
        "kind": dataset.kind,
        "level": dataset.level,
        "file_name": dataset.report.file_name,
        "imported_at": now_iso(),
        "rows": len(dataset.values),
        "summary": dataset.report.summary_fr(),
        "indicators": [indicator_to_json(i) for i in dataset.indicators],
        "data_file": data_file,
    }


def save_dataset(
    dataset: ImportedDataset, *, code: str | None = None, replace: bool = False
) -> StoredDataset:
    """Store a dataset atomically under its title; a dataset of the same title is replaced
    (keeping its id) only if ``replace``, else ``NameTaken``. The previous parquet stays
    until the new manifest is in place."""
    grant = authorise(code)
    written: list[str] = []

    def document(target_id: str) -> dict:
        keyed = with_id(dataset, target_id)
        written.append(_write_frame(keyed, grant))
        return _manifest(keyed, written[-1])

    def drop_previous(previous: Entry) -> None:
        old = previous.document.get("data_file")
        if isinstance(old, str) and old not in written and Path(old).name == old:
            remove_file(imports_dir() / old, grant=grant)

    try:
        entry = DATASETS.save(
            dataset.title, document, grant=grant, replace=replace, on_replaced=drop_previous
        )
    except WriteFailed as exc:
        for name in written:
            remove_file(imports_dir() / name, grant=grant)
        raise StoreError(f"{exc}") from exc
    except BaseException:
        for name in written:
            remove_file(imports_dir() / name, grant=grant)
        raise
    remove_orphans(grant)
    return _stored(entry)


def remove_orphans(grant: Grant, older_than_s: float = ORPHAN_AFTER_S) -> list[str]:
    """Remove the parquet files no manifest names (an import killed between its two writes)."""
    try:
        named = {e.document.get("data_file") for e in DATASETS.entries()}
    except CollectionError:
        return []  # a manifest is unreadable: keep every file until it is repaired
    limit = time.time() - older_than_s
    removed = []
    for path in imports_dir().glob("*.parquet"):
        if path.name not in named and path.exists() and path.stat().st_mtime < limit:
            remove_file(path, grant=grant)
            removed.append(path.name)
    return removed


def _stored(entry: Entry) -> StoredDataset:
    try:
        payload = {k: entry.document[k] for k in StoredDataset.__dataclass_fields__ if k != "id"}
        payload["indicators"] = tuple(indicator_from_json(i) for i in payload["indicators"])
        return StoredDataset(id=entry.id, **payload)
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"Description d'import illisible : {entry.id}.json ({exc}).") from exc


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
        entry = DATASETS.delete(dataset_id, grant=grant)
    except CollectionError as exc:
        raise StoreError(f"Aucun import d'identifiant « {dataset_id} » : {exc}") from exc
    data_file = entry.document.get("data_file")
    if isinstance(data_file, str) and Path(data_file).name == data_file:
        remove_file(imports_dir() / data_file, grant=grant)


def read_dataset(stored: StoredDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and marker codes of one stored dataset (older imports stored a boolean
    secrecy mask: read as « secret statistique », as they were shown then)."""
    try:
        frame = pd.read_parquet(imports_dir() / stored.data_file)
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
