"""Departmental social-action districts (circonscriptions, territoires d'action sociale, MDS).

Why a district set is only a mapping CODGEO → district name: every other view of it (geometry,
indicators through ``zones``, tables, exports) derives from that mapping, so the editor works
on plain data with pure functions and a saved set is a small JSON file. Storage lives in
``carto.districts.storage``, importers in ``carto.districts.importers``, geometries in
``carto.districts.geometry``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from carto.common.text import normalize_text

CIAS_SET_NAME = "Territoires des CIAS (EPCI)"


class DistrictError(ValueError):
    """An editor operation or a stored set is invalid; the message is French."""


@dataclass(frozen=True)
class DistrictIssue:
    """One validation finding. ``kind``: double, repeated, other_department, unknown,
    left_out, no_name, partial (GeoJSON overlap)."""

    kind: str
    message: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DistrictSet:
    department: str
    name: str
    mapping: dict[str, str] = field(default_factory=dict)  # CODGEO → district name
    origin: str = "éditeur"  # "CSV", "GeoJSON", "éditeur", "EPCI"

    @property
    def districts(self) -> list[str]:
        return sorted(set(self.mapping.values()), key=normalize_text)

    def members(self, district: str) -> list[str]:
        return sorted(code for code, name in self.mapping.items() if name == district)

    def zones(self) -> pd.Series:
        """CODGEO → district name, for ``carto.indicators.catalogue.compute(..., zones=...)``."""
        series = pd.Series(self.mapping, dtype="str", name="DISTRICT")
        series.index = series.index.astype("str").rename("CODGEO")
        return series.sort_index()

    def to_dict(self) -> dict:
        return {
            "department": self.department,
            "name": self.name,
            "origin": self.origin,
            "mapping": dict(sorted(self.mapping.items())),
        }

    @classmethod
    def from_dict(cls, data: dict) -> DistrictSet:
        try:
            mapping = {str(k): str(v) for k, v in data["mapping"].items()}
            return cls(str(data["department"]), str(data["name"]), mapping, data.get("origin", ""))
        except (KeyError, AttributeError, TypeError) as exc:
            raise DistrictError(f"Jeu de districts illisible (champ manquant : {exc}).") from exc


# --- validation ---------------------------------------------------------------------------------


def department_communes(communes: pd.DataFrame, dep: str) -> pd.DataFrame:
    """The department's communes (not the Paris/Lyon/Marseille arrondissements)."""
    rows = communes[communes["DEP"] == dep]
    return rows[rows["TYPE"] == "COM"] if "TYPE" in rows else rows


def _names(communes: pd.DataFrame, codes: list[str], limit: int = 30) -> str:
    labels = communes.set_index("CODGEO")["LIBGEO"]
    shown = [f"{labels.get(c, '?')} ({c})" if c in labels.index else c for c in codes[:limit]]
    more = f" et {len(codes) - limit} autre(s)" if len(codes) > limit else ""
    return ", ".join(shown) + more


def mapping_from_pairs(
    pairs: list[tuple[str, str]], communes: pd.DataFrame
) -> tuple[dict[str, str], list[DistrictIssue]]:
    """Build a mapping from (code, district) rows; a commune given twice keeps its first district
    and is reported (never silently overwritten)."""
    mapping: dict[str, str] = {}
    doubles: dict[str, list[str]] = {}
    repeated: list[str] = []
    no_name: list[str] = []
    for code, district in pairs:
        if not district.strip():
            no_name.append(code)
            continue
        if code not in mapping:
            mapping[code] = district.strip()
        elif mapping[code] != district.strip():
            doubles.setdefault(code, [mapping[code]]).append(district.strip())
        else:
            repeated.append(code)
    issues = []
    for code, districts in doubles.items():
        issues.append(
            DistrictIssue(
                "double",
                f"La commune {_names(communes, [code])} figure dans plusieurs districts "
                f"({', '.join(districts)}) : elle est conservée dans « {districts[0]} », "
                "corrigez le fichier ou l'affectation si ce n'est pas le bon.",
                (code,),
            )
        )
    if repeated:
        issues.append(
            DistrictIssue(
                "repeated",
                f"{len(repeated)} ligne(s) répétée(s) à l'identique (sans effet) : "
                + _names(communes, repeated),
                tuple(repeated),
            )
        )
    if no_name:
        issues.append(
            DistrictIssue(
                "no_name",
                f"{len(no_name)} commune(s) sans nom de district, non affectée(s) : "
                + _names(communes, no_name),
                tuple(no_name),
            )
        )
    return mapping, issues


def validate(ds: DistrictSet, communes: pd.DataFrame) -> list[DistrictIssue]:
    """Unknown codes, communes of another department, communes left out — in French."""
    known = communes.set_index("CODGEO")
    codes = list(ds.mapping)
    unknown = sorted(c for c in codes if c not in known.index)
    other = sorted(c for c in codes if c in known.index and known.at[c, "DEP"] != ds.department)
    own = department_communes(communes, ds.department)["CODGEO"]
    left = sorted(set(own) - set(codes))
    issues = []
    if unknown:
        issues.append(
            DistrictIssue(
                "unknown",
                f"{len(unknown)} code(s) commune inconnu(s) de la géographie en vigueur "
                "(commune fusionnée ou code erroné), absents de la carte et des indicateurs : "
                + ", ".join(f"{c} ({ds.mapping[c]})" for c in unknown),
                tuple(unknown),
            )
        )
    if other:
        issues.append(
            DistrictIssue(
                "other_department",
                f"{len(other)} commune(s) d'un autre département que le {ds.department}, "
                "ignorée(s) pour la carte et les indicateurs : " + _names(communes, other),
                tuple(other),
            )
        )
    if left:
        issues.append(
            DistrictIssue(
                "left_out",
                f"{len(left)} commune(s) du département rattachée(s) à aucun district : "
                + _names(communes, left),
                tuple(left),
            )
        )
    return issues


# --- editor operations (pure: they return a new set) ---------------------------------------------


def _clean_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise DistrictError("Le nom du district est vide.")
    if len(text) > 120:
        raise DistrictError("Le nom du district est trop long (120 caractères au plus).")
    return text


def assign(ds: DistrictSet, codes: list[str], district: str) -> DistrictSet:
    """Put communes into a district (created if new); a commune leaves its former district."""
    name = _clean_name(district)
    if not codes:
        raise DistrictError("Aucune commune choisie.")
    mapping = dict(ds.mapping)
    mapping.update({str(code): name for code in codes})
    return DistrictSet(ds.department, ds.name, mapping, ds.origin)


def epci_members(communes: pd.DataFrame, dep: str, epci: str) -> list[str]:
    rows = department_communes(communes, dep)
    return sorted(rows.loc[rows["EPCI"] == epci, "CODGEO"])


def assign_epci(ds: DistrictSet, communes: pd.DataFrame, epci: str, district: str) -> DistrictSet:
    """Put every commune of an EPCI (within the set's department) into a district."""
    codes = epci_members(communes, ds.department, epci)
    if not codes:
        raise DistrictError(f"Aucune commune du département {ds.department} dans l'EPCI {epci}.")
    return assign(ds, codes, district)


def rename_district(ds: DistrictSet, old: str, new: str) -> DistrictSet:
    name = _clean_name(new)
    if old not in ds.districts:
        raise DistrictError(f"Le district « {old} » n'existe pas dans ce jeu.")
    if name != old and name in ds.districts:
        raise DistrictError(
            f"Un district « {name} » existe déjà : affectez-lui les communes pour fusionner."
        )
    mapping = {c: (name if d == old else d) for c, d in ds.mapping.items()}
    return DistrictSet(ds.department, ds.name, mapping, ds.origin)


def delete_district(ds: DistrictSet, district: str) -> DistrictSet:
    """Remove a district; its communes become unassigned (and are then reported as left out)."""
    if district not in ds.districts:
        raise DistrictError(f"Le district « {district} » n'existe pas dans ce jeu.")
    mapping = {c: d for c, d in ds.mapping.items() if d != district}
    return DistrictSet(ds.department, ds.name, mapping, ds.origin)


def epci_district_set(communes: pd.DataFrame, epci_names: pd.Series, dep: str) -> DistrictSet:
    """CIAS territories: each commune in its EPCI, named after it (a level like any set)."""
    rows = department_communes(communes, dep).dropna(subset=["EPCI"])
    names = rows["EPCI"].map(lambda e: str(epci_names.get(e, e)))
    mapping = dict(zip(rows["CODGEO"], names, strict=True))
    return DistrictSet(dep, CIAS_SET_NAME, mapping, "EPCI")
