"""How sites are drawn: their popups, the map layer's GeoJSON and style, the legend.

Why every text is escaped here: names, addresses and hours come from imported files, and a
popup is HTML; the popup body is built escaped once, so the map only shows it as it is.
Presumed CCAS (a layer of their own) are drawn small, grey and hollow so that they never hide
the choropleth nor pass for real sites.
"""

from __future__ import annotations

import html

import pandas as pd

from carto.sites.categories import CATEGORIES, CATEGORY_BY_CODE, OTHER
from carto.sites.table import normalize_sites


def status_text(approximate: bool, presumed: bool) -> str:
    notes = []
    if presumed:
        notes.append(
            "CCAS obligatoire (commune de 1\u00a0500 habitants ou plus) qu'aucune liste "
            "importée ne situe : présumé à la mairie"
        )
    if approximate:
        notes.append("position approximative")
    return " ; ".join(notes)


def popup_html(row: dict) -> str:
    """Popup body; every value from data is escaped (a name may contain HTML)."""
    cat = CATEGORY_BY_CODE.get(row["category"], CATEGORY_BY_CODE[OTHER])
    esc = html.escape
    lines = [
        f"<b>{esc(row['name'])}</b>",
        f"<i>{esc(cat.label)}</i>" if not row["presumed"] else "",
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


PRESUMED_COLOR = "#6d6d6d"


def site_style(feature: dict) -> dict:
    """folium style_function for the CircleMarker layers: presumed CCAS small, grey, hollow."""
    props = feature["properties"]
    if props.get("presumed"):
        # discreet: a small grey dashed ring that never hides the choropleth
        return {"radius": 3, "color": PRESUMED_COLOR, "weight": 1, "dashArray": "2 2",
                "fill": True, "fillColor": PRESUMED_COLOR, "fillOpacity": 0.15}  # fmt: skip
    return {
        "radius": props.get("radius", 5),
        "color": "#ffffff",
        "weight": 1,
        "dashArray": "3 3" if props.get("approximate") else None,
        "fill": True,  # folium's CircleMarker() defaults to no fill: only the ring is clickable
        "fillColor": props.get("color", "#546e7a"),
        "fillOpacity": 0.9,
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
    items.append("<i>Contour pointillé : position approximative (mairie de la commune)</i>")
    return "<br>".join(items)
