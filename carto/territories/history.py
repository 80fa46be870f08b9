"""Match imported commune codes to the atlas geography and explain every code that fails.

Why explain rather than count: the geography changes every 1 January (93059 Pierrefitte-sur-Seine
joined 93066 Saint-Denis in 2025; 95282 Gouzangrez was absorbed by 95169 Commeny), so an INSEE
file of an older vintage always has a few codes the map does not know. The coordinator must see
which ones and why, to judge whether the figures of the absorbing commune are complete.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from carto.territories.bundle import read_history


@dataclass(frozen=True)
class UnmatchedCode:
    code: str
    reason: str  # "fusion", "ancien_code", "absente", "autre_departement", "inconnu"
    detail: str  # French explanation shown in the report


# History rows typed ``COM`` are not former communes: they are a whole commune's former code
# (its chef-lieu moved: 49069 → 49126 Orée d'Anjou), found by checking the bundle against
# INSEE's files (``carto.territories.codes``).
WHOLE_COMMUNE = "COM"


@functools.lru_cache(maxsize=1)
def _bundled_history() -> pd.DataFrame:
    return read_history()


def delegated_communes(history: pd.DataFrame | None = None) -> dict[str, tuple[str, str]]:
    """Former communes (delegated, associated or absorbed): old code → (current code, old name).

    ``history`` is the bundle's table (``Bundle.history``: CODGEO_ANCIEN, LIBGEO_ANCIEN, TYPE,
    CODGEO); without it the bundled file is read once. A missing bundle file raises
    BundleError (French, with the build command) rather than quietly explaining less.
    """
    table = _bundled_history() if history is None else history
    table = table[table["TYPE"].ne(WHOLE_COMMUNE)]
    return {
        str(old): (str(new), str(name))
        for old, new, name in zip(
            table["CODGEO_ANCIEN"], table["CODGEO"], table["LIBGEO_ANCIEN"], strict=True
        )
    }


def former_codes(history: pd.DataFrame | None = None) -> dict[str, str]:
    """Former codes of whole communes → their current code (49069 → 49126)."""
    table = _bundled_history() if history is None else history
    table = table[table["TYPE"].eq(WHOLE_COMMUNE)]
    return dict(zip(table["CODGEO_ANCIEN"].astype(str), table["CODGEO"].astype(str), strict=True))


def renamed_codes(codes: pd.Index, history: pd.DataFrame | None = None) -> dict[str, str]:
    """The codes of a file that are a whole commune's former code, → its current code.

    Only when the file does not also have the current code (then it is of a newer geography,
    and the former code is a delegated commune's row).
    """
    present = set(codes)
    return {
        old: new
        for old, new in former_codes(history).items()
        if old in present and new not in present
    }


def former_communes(history: pd.DataFrame | None = None) -> dict[str, tuple[str, str, str]]:
    """Every former commune: old code → (absorbing commune's code, old name, TYPE).

    TYPE is COMD (now a delegated commune), COMA (associated) or FUS (absorbed outright, old
    name unknown to the bundle: see ``carto.territories.fusions``). A whole commune's former
    code (``WHOLE_COMMUNE``) is not a former commune: see ``former_codes``.
    """
    table = _bundled_history() if history is None else history
    table = table[table["TYPE"].ne(WHOLE_COMMUNE)]
    return {
        str(old): (str(new), str(name), str(kind))
        for old, new, name, kind in zip(
            table["CODGEO_ANCIEN"],
            table["CODGEO"],
            table["LIBGEO_ANCIEN"],
            table["TYPE"],
            strict=True,
        )
    }


_BECAME = {
    "COMD": "aujourd'hui commune déléguée de",
    "COMA": "aujourd'hui commune associée de",
    "FUS": "absorbée par",
}


def merged_detail(code: str, parent: str, parent_name: str, old_name: str, kind: str) -> str:
    """« 95282 : commune fusionnée, absorbée par 95169 Commeny ; … » (French, for reports)."""
    named = f"{code} {old_name}".strip()
    became = _BECAME.get(kind, "aujourd'hui rattachée à")
    return (
        f"{named} : commune fusionnée, {became} {parent} {parent_name}".rstrip()
        + f" ; ses valeurs ne sont pas reportées sur {parent}, dont les chiffres publiés "
        "portent sur l'ancien périmètre."
    )


def department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def match_codes(
    codes: pd.Index,
    communes: pd.DataFrame,
    departments: set[str] | None = None,
    history: pd.DataFrame | None = None,
) -> tuple[pd.Index, list[UnmatchedCode]]:
    """Codes of ``codes`` found in ``communes`` (CODGEO, LIBGEO, DEP), and the others explained.

    ``departments`` restricts the expected territory: codes elsewhere are reported as belonging
    to another department rather than as errors. ``history`` is ``Bundle.history`` (the
    bundled table is read when it is not given).
    """
    known = pd.Index(communes["CODGEO"].astype("str"))
    names = dict(zip(communes["CODGEO"], communes["LIBGEO"], strict=False))
    all_deps = set(communes["DEP"].astype("str"))
    matched = codes[codes.isin(known)]
    merged = former_communes(history)
    whole = former_codes(history)
    unmatched: list[UnmatchedCode] = []
    for code in codes[~codes.isin(known)]:
        dep = department_of(code)
        if code in whole:
            new = whole[code]
            unmatched.append(
                UnmatchedCode(
                    code,
                    "ancien_code",
                    f"{code} : ancien code de {new} {names.get(new, '')}, changé quand son "
                    f"chef-lieu a été déplacé ; la ligne porte sur toute la commune {new}.",
                )
            )
        elif code in merged:
            parent, old_name, kind = merged[code]
            detail = merged_detail(code, parent, names.get(parent, ""), old_name, kind)
            unmatched.append(UnmatchedCode(code, "fusion", detail))
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
