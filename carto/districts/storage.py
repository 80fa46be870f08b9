"""Saved district sets: one JSON file per set, in a folder per department.

Why the file name is the folded set name: two names that differ only by accents or case
(« Secteurs Nord » and « secteurs nord ») would be confused by people too, so the second one
is refused rather than silently written over the first. Writes are atomic
(``carto.common.files``): a crash leaves the previous version readable.
"""

from __future__ import annotations

import json
from pathlib import Path

from carto.common.files import atomic_write
from carto.common.paths import user_data_folder
from carto.common.text import normalize_text
from carto.districts.model import DistrictError, DistrictSet


def _dir(dep: str) -> Path:
    return user_data_folder("districts", normalize_text(dep).replace(" ", ""))


def _path(dep: str, name: str) -> Path:
    slug = normalize_text(name).replace(" ", "-")[:80]
    if not slug:
        raise DistrictError("Donnez un nom au jeu de districts.")
    return _dir(dep) / f"{slug}.json"


def save_district_set(ds: DistrictSet, overwrite: bool = True) -> Path:
    """Atomic write under user_data_dir()/districts/<dep>/; refuses a clashing name."""
    path = _path(ds.department, ds.name)
    if path.exists():
        stored = load_path(path)
        if stored.name != ds.name:
            raise DistrictError(
                f"Le nom « {ds.name} » est trop proche du jeu existant « {stored.name} »."
            )
        if not overwrite:
            raise DistrictError(f"Un jeu « {ds.name} » existe déjà.")
    atomic_write(path, json.dumps(ds.to_dict(), ensure_ascii=False, indent=1))
    return path


def load_path(path: Path) -> DistrictSet:
    try:
        return DistrictSet.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise DistrictError(f"Jeu de districts illisible : {path.name} ({exc.msg}).") from exc


def list_district_sets(dep: str) -> list[str]:
    return sorted((load_path(p).name for p in _dir(dep).glob("*.json")), key=normalize_text)


def load_district_set(dep: str, name: str) -> DistrictSet:
    path = _path(dep, name)
    if not path.exists():
        raise DistrictError(f"Aucun jeu de districts « {name} » pour le département {dep}.")
    return load_path(path)
