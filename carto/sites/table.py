"""The table of sites: one fixed schema, and the presumed CCAS that fill the gaps.

Why a fixed schema (``SITE_COLUMNS``): sites travel between importers, storage, the map, the
coverage and the portraits as a plain DataFrame; enforcing column types once (codes as text,
coordinates as floats, flags as booleans) keeps every consumer free of defensive checks.
Why presumed CCAS: few lists of CCAS are published; until a real list is imported, each
commune's CCAS is shown at its town hall and marked presumed.
"""

from __future__ import annotations

import pandas as pd

from carto.territories.town_halls import format_hours

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
PRESUMED_SOURCE = "Annuaire Service-Public (adresse de la mairie) : CCAS présumé à la mairie"


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


def mairie_hours_text(raw: object) -> str:
    """The town hall's opening hours on one line (carto.territories.town_halls formats them)."""
    return " ; ".join(format_hours(str(raw) if raw else "").splitlines())


def presumed_ccas(communes: pd.DataFrame) -> pd.DataFrame:
    """One CCAS per commune, presumed at its town hall (bundle address, phone and hours).

    A commune without town-hall coordinates gets a point on its surface, marked approximate.
    """
    com = communes[communes["TYPE"] == "COM"] if "TYPE" in communes else communes
    lon = com["MAIRIE_LON"].astype(float)
    lat = com["MAIRIE_LAT"].astype(float)
    approx = lon.isna() | lat.isna()
    if approx.any() and "geometry" in com:
        points = com.loc[approx, "geometry"].representative_point()
        lon = lon.where(~approx, points.x)
        lat = lat.where(~approx, points.y)
    frame = pd.DataFrame(
        {
            "id": "presume-" + com["CODGEO"].astype(str),
            "name": "CCAS de " + com["LIBGEO"].astype(str),
            "category": "ccas",
            "address": com["MAIRIE_ADRESSE"].fillna(""),
            "CODGEO": com["CODGEO"].astype(str),
            "lon": lon,
            "lat": lat,
            "phone": com["MAIRIE_TEL"].fillna(""),
            "email": com["MAIRIE_EMAIL"].fillna(""),
            "hours": com["MAIRIE_HORAIRES"].map(mairie_hours_text),
            "source": PRESUMED_SOURCE,
            "approximate": approx,
            "presumed": True,
        }
    )
    return normalize_sites(frame.dropna(subset=["lon", "lat"]))


def site_layer(communes: pd.DataFrame, imported: list[pd.DataFrame]) -> pd.DataFrame:
    """Imported sites plus a presumed CCAS for every commune with no imported CCAS/CIAS."""
    real = normalize_sites(pd.concat(imported)) if imported else empty_sites()
    covered = set(real.loc[real["category"].isin(["ccas", "cias"]), "CODGEO"].dropna())
    presumed = presumed_ccas(communes)
    presumed = presumed[~presumed["CODGEO"].isin(covered)]
    return normalize_sites(pd.concat([real, presumed], ignore_index=True))


def filter_sites(sites: pd.DataFrame, categories: list[str] | None) -> pd.DataFrame:
    return sites if categories is None else sites[sites["category"].isin(categories)]
