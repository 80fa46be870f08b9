"""The table of sites: one fixed schema, and the presumed CCAS that fill the gaps.

Why a fixed schema (``SITE_COLUMNS``): sites travel between importers, storage, the map, the
coverage and the portraits as a plain DataFrame; enforcing column types once (codes as text,
coordinates as floats, flags as booleans) keeps every consumer free of defensive checks.
Why presumed CCAS apart from the sites: few lists of CCAS are published, so a commune that must
have a CCAS and has none known may show one presumed at its town hall, on a layer of its own,
off by default. Presumed CCAS are never sites: coverage and portraits count real sites only.
"""

from __future__ import annotations

import pandas as pd

from carto.common.fmt import format_number

SITE_COLUMNS = (
    "id",
    "name",
    "category",
    "address",
    "CODGEO",
    "lon",
    "lat",
    "phone",
    "email",
    "hours",
    "source",
    "approximate",
    "presumed",
)
PRESUMED_NAME = "CCAS présumé (mairie)"
PRESUMED_SOURCE = "adresse de la mairie, annuaire Service-Public"
CCAS_COMPULSORY_POPULATION = 1500  # NOTRe law (2015): below, a commune may do without a CCAS


def empty_sites() -> pd.DataFrame:
    return normalize_sites(pd.DataFrame(columns=list(SITE_COLUMNS)))


def normalize_sites(frame: pd.DataFrame) -> pd.DataFrame:
    """Enforce the schema: text columns as strings (CODGEO never numeric), floats, booleans."""
    out = frame.reindex(columns=list(SITE_COLUMNS)).copy()
    for col in ("id", "name", "category", "address", "phone", "email", "hours", "source"):
        out[col] = out[col].map(lambda v: "" if _missing(v) else str(v)).astype("str")
    out["CODGEO"] = out["CODGEO"].map(lambda v: None if _missing(v) or v == "" else str(v))
    out["CODGEO"] = out["CODGEO"].astype("str")
    for col in ("lon", "lat"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for col in ("approximate", "presumed"):
        out[col] = out[col].map(lambda v: bool(v) if not _missing(v) else False).astype(bool)
    return out.reset_index(drop=True)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def real_sites(imported: list[pd.DataFrame]) -> pd.DataFrame:
    """The sites of the imported lists, as one table (empty when nothing was imported)."""
    return normalize_sites(pd.concat(imported, ignore_index=True)) if imported else empty_sites()


def covered_communes(communes: pd.DataFrame, real: pd.DataFrame) -> set[str]:
    """Communes with a known CCAS or CIAS: one in the commune, or a CIAS in its EPCI."""
    social = real[real["category"].isin(["ccas", "cias"])]
    covered = set(social["CODGEO"].dropna())
    if "EPCI" in communes:
        epci = communes.set_index("CODGEO")["EPCI"]
        cias_codes = social.loc[social["category"] == "cias", "CODGEO"]
        cias_epci = set(epci.reindex(cias_codes).dropna())
        covered |= set(epci.index[epci.isin(cias_epci)])
    return covered


def presumed_ccas(communes: pd.DataFrame, real: pd.DataFrame | None = None) -> pd.DataFrame:
    """A CCAS presumed at the town hall of each commune that must have one and has none known.

    A commune of ``CCAS_COMPULSORY_POPULATION`` inhabitants or more must have a CCAS (unless
    its EPCI runs a CIAS); below, a CCAS is optional and nothing is presumed. Communes with a
    real CCAS or CIAS in ``real`` are left out. Only the town hall's position and address are
    given: no phone nor name is invented for a structure nobody has listed.
    """
    com = communes[communes["TYPE"] == "COM"] if "TYPE" in communes else communes
    com = com[pd.to_numeric(com["P_POP"], errors="coerce") >= CCAS_COMPULSORY_POPULATION]
    if real is not None and len(real):
        com = com[~com["CODGEO"].isin(covered_communes(communes, real))]
    lon = com["MAIRIE_LON"].astype(float)
    lat = com["MAIRIE_LAT"].astype(float)
    approx = lon.isna() | lat.isna()
    if approx.any() and "geometry" in com:
        points = com.loc[approx, "geometry"].representative_point()
        lon = lon.where(~approx, points.x)
        lat = lat.where(~approx, points.y)
    population = com["P_POP"].map(format_number).astype(str)
    frame = pd.DataFrame(
        {
            "id": "presume-" + com["CODGEO"].astype(str),
            "name": PRESUMED_NAME,
            "category": "ccas",
            "address": "Commune : "
            + com["LIBGEO"].astype(str)
            + " ("
            + population
            + " habitants)\nMairie : "
            + com["MAIRIE_ADRESSE"].fillna("").str.replace("\n", ", "),
            "CODGEO": com["CODGEO"].astype(str),
            "lon": lon,
            "lat": lat,
            "phone": "",
            "email": "",
            "hours": "",
            "source": PRESUMED_SOURCE,
            "approximate": approx,
            "presumed": True,
        }
    )
    return normalize_sites(frame.dropna(subset=["lon", "lat"]))


def filter_sites(sites: pd.DataFrame, categories: list[str] | None) -> pd.DataFrame:
    return sites if categories is None else sites[sites["category"].isin(categories)]
