"""Sites of the local social network (CCAS, CIAS, MDS, CAF, PMI…): categories, table, map layer.

Why categories are data: the legend, the filter, the map style, the importers' label matching
and the tests all read the same declarations. Sites travel as a plain DataFrame with a fixed
schema (``SITE_COLUMNS``); importers live in ``carto.sites.importers``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carto.common.files import atomic_write
from carto.common.paths import user_data_folder
from carto.common.text import normalize_text
from carto.territories.town_halls import format_hours


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # French, shown in the legend and the filter
    color: str
    symbol: str  # letter shown in the legend and the popup badge
    radius: int  # CircleMarker radius: the main actors are drawn larger


CATEGORIES: tuple[Category, ...] = (
    Category("ccas", "CCAS", "#c0392b", "C", 7),
    Category("cias", "CIAS", "#e67e22", "I", 8),
    Category("mds", "Maison départementale des solidarités (MDS)", "#1f4e96", "D", 8),
    Category("caf", "CAF", "#1e8449", "F", 6),
    Category("pmi", "PMI", "#c2185b", "P", 5),
    Category("clic", "CLIC", "#6d4c41", "L", 5),
    Category("mdph", "MDPH", "#7b1fa2", "H", 6),
    Category("france_services", "France services / MSAP", "#00838f", "S", 6),
    Category("mission_locale", "Mission locale", "#9e9d24", "M", 5),
    Category("centre_social", "Centre social", "#f9a825", "Z", 5),
    Category("autre", "Autre structure", "#546e7a", "A", 4),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
OTHER = "autre"

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


_ALIASES = {
    "ccas": "ccas",
    "c c a s": "ccas",
    "centre communal d action sociale": "ccas",
    "cias": "cias",
    "c i a s": "cias",
    "centre intercommunal d action sociale": "cias",
    "mds": "mds",
    "maison departementale des solidarites": "mds",
    "maison du departement solidarite": "mds",
    "circonscription d action sociale": "mds",
    "circonscription": "mds",
    "territoire d action sociale": "mds",
    "cg": "mds",
    "conseil departemental": "mds",
    "caf": "caf",
    "caisse d allocations familiales": "caf",
    "pmi": "pmi",
    "protection maternelle et infantile": "pmi",
    "centre de protection maternelle et infantile": "pmi",
    "clic": "clic",
    "mdph": "mdph",
    "maison handicapees": "mdph",
    "maison departementale des personnes handicapees": "mdph",
    "france services": "france_services",
    "france service": "france_services",
    "msap": "france_services",
    "maison de services au public": "france_services",
    "mission locale": "mission_locale",
    "missions locales": "mission_locale",
    "centre social": "centre_social",
    "centres sociaux": "centre_social",
    "autre": OTHER,
    "autres": OTHER,
    "autre structure": OTHER,
}
_ALIASES.update({normalize_text(c.label): c.code for c in CATEGORIES})
_ALIASES.update({c.code.replace("_", " "): c.code for c in CATEGORIES})


def category_code(label: object) -> str | None:
    """Category code for a code or a French label ("Centres sociaux", "MSAP"); None if unknown."""
    return _ALIASES.get(normalize_text(label))


def category_label(code: str) -> str:
    cat = CATEGORY_BY_CODE.get(code)
    return cat.label if cat else str(code)


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


def status_text(approximate: bool, presumed: bool) -> str:
    notes = []
    if presumed:
        notes.append("présumé à la mairie (liste réelle non importée)")
    if approximate:
        notes.append("position approximative")
    return " ; ".join(notes)


def popup_html(row: dict) -> str:
    """Popup body; every value from data is escaped (a name may contain HTML)."""
    cat = CATEGORY_BY_CODE.get(row["category"], CATEGORY_BY_CODE[OTHER])
    esc = html.escape
    lines = [
        f"<b>{esc(row['name'])}</b>",
        f"<i>{esc(cat.label)}</i>",
        esc(row["address"]).replace("\n", "<br>"),
        f"Tél. : {esc(row['phone'])}" if row["phone"] else "",
        f"Horaires : {esc(row['hours'])}" if row["hours"] else "",
        f"Source : {esc(row['source'])}" if row["source"] else "",
        f"<i>{esc(status_text(row['approximate'], row['presumed']))}</i>"
        if row["approximate"] or row["presumed"]
        else "",
    ]
    return "<br>".join(line for line in lines if line)


def sites_geojson(sites: pd.DataFrame) -> dict:
    """FeatureCollection for one ``folium.GeoJson`` layer (marker=CircleMarker, style below).

    Text properties are already HTML-escaped, and ``popup`` is a ready, escaped HTML body:
    use ``GeoJsonPopup(fields=["popup"], labels=False)`` or ``GeoJsonTooltip(["name"])``.
    """
    features = []
    for row in normalize_sites(sites).dropna(subset=["lon", "lat"]).to_dict("records"):
        cat = CATEGORY_BY_CODE.get(row["category"], CATEGORY_BY_CODE[OTHER])
        props = {
            key: html.escape(str(row[key]))
            for key in ("name", "address", "phone", "email", "hours", "source")
        }
        props.update(
            id=html.escape(row["id"]),
            category=html.escape(cat.label),
            category_code=cat.code,
            symbol=cat.symbol,
            color=cat.color,
            radius=cat.radius,
            presumed=row["presumed"],
            approximate=row["approximate"],
            status=html.escape(status_text(row["approximate"], row["presumed"])),
            popup=popup_html(row),
        )
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def site_style(feature: dict) -> dict:
    """folium style_function for the CircleMarker layer: presumed sites are hollow and dashed."""
    props = feature["properties"]
    presumed = bool(props.get("presumed"))
    return {
        # presumed CCAS (one per town hall) stay small so they do not hide the choropleth
        "radius": 3 if presumed else props.get("radius", 5),
        "color": "#ffffff" if not presumed else props.get("color", "#546e7a"),
        "weight": 1 if not presumed else 1.5,
        "dashArray": "3 3" if presumed or props.get("approximate") else None,
        "fill": True,  # folium's CircleMarker() defaults to no fill: only the ring is clickable
        "fillColor": props.get("color", "#546e7a"),
        "fillOpacity": 0.9 if not presumed else 0.25,
    }


def legend_html(codes: list[str] | None = None) -> str:
    """HTML legend (static labels, escaped anyway) for the categories shown."""
    items = []
    for cat in CATEGORIES:
        if codes is not None and cat.code not in codes:
            continue
        items.append(
            f'<span style="display:inline-block;width:14px;height:14px;border-radius:50%;'
            f"background:{cat.color};color:#fff;font-size:10px;text-align:center;"
            f'line-height:14px;margin-right:4px">{html.escape(cat.symbol)}</span>'
            f"{html.escape(cat.label)}"
        )
    items.append("<i>Contour pointillé : CCAS présumé à la mairie ou position approximative</i>")
    return "<br>".join(items)


# --- persistence of imported lists ------------------------------------------------------------


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
