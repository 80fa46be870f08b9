"""Territory portrait: the document partners take away from a diagnosis meeting.

Why plain data first: the same portrait (key indicators against the department and France,
a static map, the sites, the observations) is written as PDF, standalone HTML, XLSX and CSV;
building it once as ``PortraitData`` keeps the four files in agreement and lets the UI build it
only when a button is pressed. The map is a hand-drawn SVG (no rendering dependency, opens
offline); the PDF draws the same projected polygons. Every user text is escaped in HTML/SVG
and only ever drawn as text in the PDF.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import shapely

from carto.common.fmt import format_date, format_value, is_missing
from carto.common.frcsv import to_french_csv
from carto.diagnosis.model import Observation
from carto.indicators.catalogue import Indicator, Kind, compute
from carto.sites.model import category_label

HIGHLIGHT_FILL = "#1f4e96"
CONTEXT_FILL = "#e4e4e4"
TABLE_HEADER = (
    "Indicateur",
    "Territoire",
    "Département",
    "France",
    "Unité",
    "Source",
    "Millésime",
    "Remarque",
)


class PortraitError(Exception):
    """A portrait cannot be produced (missing font…); the French message says what to do."""


@dataclass(frozen=True)
class IndicatorRow:
    label: str
    unit: str
    decimals: int
    value: float | None
    department_value: float | None
    france_value: float | None
    source: str
    vintage: str
    note: str = ""

    def text(self, value: float | None) -> str:
        return format_value(value, self.unit, self.decimals)

    def rounded(self, value: float | None) -> float | None:
        return None if is_missing(value) else round(float(value), self.decimals)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SiteRow:
    name: str
    category: str
    address: str = ""
    contact: str = ""


@dataclass(frozen=True)
class MapShape:
    """One zone in lon/lat: polygons as lists of rings (the first ring of each is the outside)."""

    code: str
    label: str
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    highlight: bool = True


@dataclass(frozen=True)
class PortraitData:
    territory_name: str
    territory_level: str  # French label: "Commune", "Intercommunalité (EPCI)", …
    territory_code: str
    department_name: str
    indicators: tuple[IndicatorRow, ...] = ()
    sites: tuple[SiteRow, ...] = ()
    observations: tuple[Observation, ...] = ()
    shapes: tuple[MapShape, ...] = ()
    generated_on: date = field(default_factory=date.today)
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"Portrait de territoire : {self.territory_name}"

    @property
    def subtitle(self) -> str:
        return (
            f"{self.territory_level} {self.territory_code} — {self.department_name} — "
            f"édité le {format_date(self.generated_on)}"
        )

    @property
    def map_svg(self) -> str:
        return map_svg(self.shapes)


# --- building the data --------------------------------------------------------------------------


def _sum(measures: pd.DataFrame, column: str) -> float:
    return float(measures[column].sum(min_count=1)) if column in measures else math.nan


def _aggregate(indicator: Indicator, measures: pd.DataFrame) -> float:
    if measures.empty or any(c not in measures for c in indicator.columns):
        return math.nan  # e.g. an imported measure that France's table does not have
    one_zone = pd.Series("T", index=measures.index)
    return float(compute(indicator, measures, one_zone).iloc[0])


def indicator_rows(
    indicators: Iterable[Indicator],
    territory: pd.DataFrame,
    department: pd.DataFrame,
    france: pd.DataFrame,
    level_label: str = "du territoire",
) -> tuple[IndicatorRow, ...]:
    """Indicator values of the territory, its department and France, from commune measures.

    Rates are Σ numerators / Σ denominators over each level; a share is taken of the next
    level (territory in the department, department in France); a value that cannot be
    re-aggregated (median…) is shown only for a single commune, with the reason otherwise.
    """
    rows = []
    for ind in indicators:
        note = ""
        if ind.kind is Kind.SHARE:
            num = ind.numerator or ""
            dep_total, fr_total = _sum(department, num), _sum(france, num)
            values = (
                _sum(territory, num) / dep_total * ind.scale if dep_total else math.nan,
                dep_total / fr_total * ind.scale if fr_total else math.nan,
                math.nan,
            )
            note = "Part du territoire dans le département, et du département en France."
        elif ind.kind is Kind.VALUE:
            single = len(territory) == 1 and ind.column in territory
            value = float(territory[ind.column].iloc[0]) if single else math.nan  # type: ignore[index]
            values = (value, math.nan, math.nan)
            note = ind.not_aggregable_reason(level_label if not single else "départementale")
        else:
            values = tuple(_aggregate(ind, m) for m in (territory, department, france))
        rows.append(
            IndicatorRow(
                label=ind.label,
                unit=ind.unit,
                decimals=ind.decimals,
                value=values[0],
                department_value=values[1],
                france_value=values[2],
                source=ind.source + (" (données simulées)" if ind.simulated else ""),
                vintage=ind.vintage,
                note=note,
            )
        )
    return tuple(rows)


def shapes_from_frame(
    zones: pd.DataFrame,
    highlight: Iterable[str] | None = None,
    label_column: str = "LIBGEO",
    tolerance: float = 0.0005,
) -> tuple[MapShape, ...]:
    """Map shapes from a GeoDataFrame in EPSG:4326 indexed by zone code.

    ``highlight`` lists the territory's zones; the others are drawn in grey as context.
    Simplified (≈50 m) to keep the HTML and PDF small.
    """
    chosen = None if highlight is None else {str(c) for c in highlight}
    shapes = []
    for code, row in zones.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
        parts = getattr(geom, "geoms", [geom])
        polygons = tuple(
            tuple(
                tuple((round(x, 5), round(y, 5)) for x, y in ring.coords)
                for ring in (part.exterior, *part.interiors)
            )
            for part in parts
            if part.geom_type == "Polygon"
        )
        label = str(row[label_column]) if label_column in row else str(code)
        is_in = chosen is None or str(code) in chosen
        shapes.append(MapShape(str(code), label, polygons, is_in))
    return tuple(shapes)


def sites_from_frame(sites: pd.DataFrame) -> tuple[SiteRow, ...]:
    """Site rows from the sites table (``carto.sites.model.SITE_COLUMNS``)."""
    rows = []
    for site in sites.to_dict("records"):
        contact = " — ".join(str(site[c]) for c in ("phone", "email") if site.get(c))
        rows.append(
            SiteRow(
                name=str(site.get("name") or ""),
                category=category_label(str(site.get("category") or "")),
                address=str(site.get("address") or ""),
                contact=contact,
            )
        )
    return tuple(rows)


# --- map projection and SVG ----------------------------------------------------------------------


def project(
    shapes: Sequence[MapShape], width: float, height: float, margin: float = 4.0
) -> list[tuple[MapShape, list[list[tuple[float, float]]]]]:
    """Shapes as rings of (x, y) in a width × height box, y downwards, aspect kept.

    Why equirectangular scaled by cos(latitude): at the scale of a department it is
    indistinguishable from Lambert-93, and needs no projection library.
    """
    points = [p for s in shapes for poly in s.polygons for ring in poly for p in ring]
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    span_x = max((max(xs) - min(xs)) * k, 1e-9)
    span_y = max(max(ys) - min(ys), 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2
    x0, y1 = min(xs), max(ys)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (off_x + (lon - x0) * k * scale, off_y + (y1 - lat) * scale)

    return [(s, [[xy(*p) for p in ring] for poly in s.polygons for ring in poly]) for s in shapes]


def map_svg(
    shapes: Sequence[MapShape], width: int = 480, height: int = 360, standalone: bool = True
) -> str:
    """SVG of the zones; labels are escaped ``<title>`` tooltips.

    ``standalone=False`` drops the XML namespace, which HTML5 does not need, so that an HTML
    page holds no ``http://`` at all.
    """
    xmlns = 'xmlns="http://www.w3.org/2000/svg" ' if standalone else ""
    parts = [
        f'<svg {xmlns}viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="Carte du territoire">'
    ]
    ordered = sorted(project(shapes, width, height), key=lambda item: item[0].highlight)
    for shape, rings in ordered:
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in rings
        )
        fill = HIGHLIGHT_FILL if shape.highlight else CONTEXT_FILL
        parts.append(
            f'<path d="{path}" fill="{fill}" fill-opacity="0.75" fill-rule="evenodd" '
            f'stroke="#ffffff" stroke-width="0.6"><title>{html.escape(shape.label)} '
            f"({html.escape(shape.code)})</title></path>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- exports --------------------------------------------------------------------------------------


def table_rows(data: PortraitData) -> list[tuple[object, ...]]:
    """The key-indicator table with numbers (rounded as displayed) for CSV and XLSX."""
    return [
        (
            r.label,
            r.rounded(r.value),
            r.rounded(r.department_value),
            r.rounded(r.france_value),
            r.unit,
            r.source,
            r.vintage,
            r.note,
        )
        for r in data.indicators
    ]


def to_csv(data: PortraitData) -> bytes:
    """The indicator table for French Excel (``;``, decimal comma, UTF-8 BOM)."""
    return to_french_csv(TABLE_HEADER, table_rows(data))


def to_xlsx(data: PortraitData) -> bytes:
    """Workbook with the indicators (numeric cells), the sites and the observations."""
    from carto.diagnosis.portrait.files import xlsx_bytes

    return xlsx_bytes(data)


def to_html(data: PortraitData) -> str:
    """One standalone HTML file: inline CSS and SVG, no external resource, no script."""
    from carto.diagnosis.portrait.files import html_document

    return html_document(data)


def to_pdf(data: PortraitData) -> bytes:
    """PDF drawn with fpdf2 and a Unicode font (DejaVu Sans, Debian fonts-dejavu-core)."""
    from carto.diagnosis.portrait.pdf import pdf_bytes

    return pdf_bytes(data)


def observation_line(obs: Observation) -> str:
    """Heading of one observation in the documents (the text itself follows)."""
    return (
        f"{obs.observed_on:%d/%m/%Y} — {obs.theme} — {obs.organisation} ({obs.author}), "
        f"{obs.territory_code}"
    )


__all__ = [
    "IndicatorRow",
    "MapShape",
    "PortraitData",
    "PortraitError",
    "SiteRow",
    "indicator_rows",
    "map_svg",
    "shapes_from_frame",
    "sites_from_frame",
    "to_csv",
    "to_html",
    "to_pdf",
    "to_xlsx",
]
