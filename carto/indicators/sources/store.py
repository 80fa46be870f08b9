"""Persistence of imported datasets under ``user_data_dir()/imports`` (parquet + JSON).

Why a JSON manifest that names a uniquely named parquet file: replacing the manifest with
``os.replace`` is atomic, so a dataset is either the old one or the new one, never half
written, even if the app stops mid-import; the previous parquet is removed only afterwards.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from carto.common.files import atomic_write
from carto.common.markers import MARKER_DTYPE, as_markers
from carto.common.paths import user_data_folder
from carto.indicators.catalogue import Indicator, indicator_from_json, indicator_to_json
from carto.indicators.sources.imports import ImportedDataset

SECRET_PREFIX = "__secret__"


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


def save_dataset(dataset: ImportedDataset) -> StoredDataset:
    """Store (or replace) a dataset atomically; the previous version stays until the switch."""
    folder = imports_dir()
    manifest = folder / f"{dataset.id}.json"
    previous = _read_manifest(manifest) if manifest.exists() else None
    data_file = f"{dataset.id}-{uuid.uuid4().hex[:10]}.parquet"
    frame = dataset.values.copy()
    for col in dataset.secret.columns:
        frame[SECRET_PREFIX + col] = dataset.secret[col].to_numpy(dtype=MARKER_DTYPE)
    frame.index = frame.index.astype("str")
    try:
        atomic_write(folder / data_file, lambda p: frame.to_parquet(p))
        stored = StoredDataset(
            id=dataset.id,
            title=dataset.title,
            kind=dataset.kind,
            level=dataset.level,
            file_name=dataset.report.file_name,
            imported_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            rows=len(frame),
            summary=dataset.report.summary_fr(),
            indicators=tuple(dataset.indicators),
            data_file=data_file,
        )
        payload = asdict(stored)
        payload["indicators"] = [indicator_to_json(i) for i in stored.indicators]
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        atomic_write(manifest, text)
    except OSError as exc:
        (folder / data_file).unlink(missing_ok=True)
        raise StoreError(
            f"Enregistrement de l'import impossible ({exc}) : rien n'a changé."
        ) from exc
    if previous is not None and previous.data_file != data_file:
        (folder / previous.data_file).unlink(missing_ok=True)
    return stored


def _read_manifest(path: Path) -> StoredDataset:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["indicators"] = tuple(indicator_from_json(i) for i in payload["indicators"])
        return StoredDataset(**payload)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"Description d'import illisible : {path.name} ({exc}).") from exc


def list_datasets() -> list[StoredDataset]:
    """Stored datasets, most recent first (unreadable manifests raise, never vanish)."""
    folder = imports_dir()
    found = [_read_manifest(p) for p in sorted(folder.glob("*.json"))]
    return sorted(found, key=lambda d: d.imported_at, reverse=True)


def delete_dataset(dataset_id: str) -> None:
    manifest = imports_dir() / f"{dataset_id}.json"
    if not manifest.exists():
        raise StoreError(f"Aucun import nommé « {dataset_id} ».")
    stored = _read_manifest(manifest)
    manifest.unlink()
    (imports_dir() / stored.data_file).unlink(missing_ok=True)


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
