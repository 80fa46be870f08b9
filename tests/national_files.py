"""The official national INSEE files of ``../shared/sources``, read in place (never copied).

Why a helper rather than a fixture: several test modules read these files once per module,
and each must skip with the same clear reason when the folder is absent.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

SOURCES_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
FILOSOFI_2021 = "cc_filosofi_2021_COM.csv"
COMPARATEUR_2022 = "base_cc_comparateur_csv.zip"


def national_file(name: str) -> Path:
    """The path of an official national file, or a skip saying why it is absent."""
    path = SOURCES_DIR / name
    if not path.is_file():
        pytest.skip(
            f"../shared/sources/{name} absent : les tests sur le fichier national officiel "
            "sont ignorés"
        )
    return path


def comparateur_rows(columns: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Raw cells of the comparateur 2022, CODGEO → {column: text}, read with the csv module
    (independently of the importer under test)."""
    with zipfile.ZipFile(national_file(COMPARATEUR_2022)) as archive:
        text = archive.read("base_cc_comparateur.CSV").decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return {row["CODGEO"]: {c: row[c] for c in columns} for row in reader}
