"""The legend, drawn as HTML beside the map (a branca colormap would pull d3 from a CDN)."""

from __future__ import annotations

from collections.abc import Sequence

from carto.common.markers import Marker
from carto.indicators.catalogue import Indicator
from carto.map.choropleth import MissingGroup
from carto.map.classify import Classification
from carto.map.geojson import escape
from carto.territories import levels


def legend_html(
    indicator: Indicator,
    classification: Classification,
    large: bool = False,
    level: str = "commune",
    labels: tuple[str, ...] | None = None,
    title: str | None = None,
    missing: Sequence[MissingGroup] = (),
    incomplete: int = 0,
    notes: Sequence[str] = (),
) -> str:
    """Class bounds in French format, each class's count, missing values counted apart.

    ``level`` is the code of the zones counted (``carto.territories.levels``): « 3 communes »,
    « 2 EPCI », « 4 territoires d'action sociale ». ``missing``: one entry per reason a zone
    has no value (secret statistique, non disponible…), each with its count and colour, so
    that secrecy reads as information; ``incomplete``: zones whose sum leaves out communes
    without a value; ``notes``: what the source does not cover.
    """
    zones = levels.level(level)
    size = "1.35rem" if large else "0.9rem"
    rows = []
    labels = list(labels) if labels is not None else classification.labels(indicator.decimals)
    for color, label, count in zip(
        classification.colors, labels, classification.counts, strict=True
    ):
        rows.append(
            f'<div class="atlas-legend-row"><span class="atlas-swatch" style="background:{color}">'
            f"</span><span>{escape(label)}</span>"
            f'<span class="atlas-count">{zones.count(count)}</span></div>'
        )
    if missing:
        rows.extend(_missing_row(g.label, g.color, g.count, g.marker, zones) for g in missing)
    elif classification.missing_count:
        rows.append(
            _missing_row(
                "Non disponible",
                classification.missing_color,
                classification.missing_count,
                0,
                zones,
            )
        )
    if incomplete:
        rows.append(
            f'<div class="atlas-legend-note">{escape(zones.count(incomplete))} : somme des '
            "seules communes publiées, affichée « au moins … » (les autres sont sous secret "
            "ou sans valeur).</div>"
        )
    if not classification.colors and not classification.missing_count:
        rows.append("<div>Aucune valeur à représenter.</div>")
    rows.extend(f'<div class="atlas-legend-note">{escape(n)}</div>' for n in notes)
    simulated = '<div class="atlas-simulated">Données simulées</div>' if indicator.simulated else ""
    return (
        f'<div class="atlas-legend" style="font-size:{size}">'
        f'<div class="atlas-legend-title">{escape(indicator.label)} '
        f"({escape(indicator.unit)})</div>"
        + (f'<div class="atlas-legend-subtitle">{escape(title)}</div>' if title else "")
        + "".join(rows)
        + simulated
        + f'<div class="atlas-source">{escape(indicator.source_line())}</div></div>'
    )


def _missing_row(text: str, color: str, count: int, marker: int, zones: levels.Level) -> str:
    hatch = " atlas-secret" if marker == Marker.SECRET else ""
    return (
        f'<div class="atlas-legend-row"><span class="atlas-swatch atlas-missing{hatch}" '
        f'style="background-color:{color}"></span><span>{escape(text)}</span>'
        f'<span class="atlas-count">{escape(zones.count(count))}</span></div>'
    )


LEGEND_CSS = """
<style>
.atlas-legend{line-height:1.5;margin:.25rem 0 .75rem 0}
.atlas-legend-title{font-weight:600;margin-bottom:.25rem}
.atlas-legend-row{display:flex;align-items:center;gap:.5rem}
.atlas-swatch{display:inline-block;width:1.6em;height:1em;border:1px solid #999;flex:none}
.atlas-secret{background-image:
  repeating-linear-gradient(45deg,#666 0 2px,transparent 2px 5px)!important}
.atlas-legend-note{color:#444;font-size:.85em;margin-top:.2rem}
.atlas-count{color:#555;margin-left:auto;font-size:.85em}
.atlas-source{color:#555;font-size:.8em;margin-top:.35rem}
.atlas-simulated{color:#a00;font-weight:600}
</style>
"""
