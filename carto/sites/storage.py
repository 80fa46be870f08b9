"""Imported site lists kept under the user-data folder, one JSON file per list.

Why JSON files written atomically: a list is small, partners re-import it when it changes, and
a crash during a save must leave the previous list readable (``carto.common.files``). A
corrupt file is reported with its name, never skipped, so a list never silently disappears.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carto.common.files import atomic_write
from carto.common.paths import user_data_folder
from carto.common.text import normalize_text
from carto.sites.table import normalize_sites


def _sites_dir() -> Path:
    return user_data_folder("sites")


def save_site_list(name: str, sites: pd.DataFrame) -> Path:
    """Store an imported list under user_data_dir()/sites/ (replaces a list of the same name)."""
    if not name.strip():
        raise ValueError("Donnez un nom à la liste de sites.")
    path = _sites_dir() / f"{normalize_text(name).replace(' ', '-')[:60] or 'liste'}.json"
    records = normalize_sites(sites).astype(object).where(lambda f: f.notna(), None)
    payload = {"name": name.strip(), "sites": records.to_dict("records")}
    atomic_write(path, json.dumps(payload, ensure_ascii=False))
    return path


def load_site_lists() -> dict[str, pd.DataFrame]:
    """Every stored list, by name (a corrupt file raises with its name, never skipped)."""
    lists = {}
    for path in sorted(_sites_dir().glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            lists[payload["name"]] = normalize_sites(pd.DataFrame(payload["sites"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"Liste de sites illisible : {path.name} ({exc}).") from exc
    return lists


def delete_site_list(name: str) -> None:
    for path in _sites_dir().glob("*.json"):
        if json.loads(path.read_text(encoding="utf-8")).get("name") == name:
            path.unlink()
