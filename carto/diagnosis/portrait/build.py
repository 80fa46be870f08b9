"""Assemble a ``PortraitData`` for a commune, an EPCI or a district from the atlas's data.

Why a separate step: the exporters take plain data; this is the one place that knows which
communes make up the territory, which neighbours frame the map, which sites and notes belong
to it, and that says (in the portrait's notes) what could not be counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd
import shapely

from carto.diagnosis.model import LEVELS, Observation
from carto.diagnosis.portrait.model import IndicatorRow, MapShape, PortraitData, SiteRow
from carto.indicators.aggregation import single_zone_total
from carto.indicators.catalogue import Indicator, Kind
from carto.indicators.cells import group_text
from carto.indicators.reference import ReferenceValue, reference_value
from carto.sites.categories import category_label
from carto.territories import levels

MAP_MARGIN = 0.25  # neighbours within a quarter of the territory's extent frame the map
NO_SITE_LIST = (
    "Aucune liste réelle de sites n'a été importée : les lieux d'accueil du territoire ne sont "
    "pas connus (les CCAS présumés à la mairie ne sont pas des sites et ne sont pas comptés)."
)


def members_of(
    communes: pd.DataFrame, level: str, code: str, districts: pd.Series | None = None
) -> list[str]:
    """Commune codes of a territory: itself, the EPCI's members, or the district's members.

    ``districts`` maps CODGEO → district name (``DistrictSet.zones()``) for level "district".
    """
    if level == "commune":
        return [code]
    if level == "epci":
        return sorted(communes.loc[communes["EPCI"] == code, "CODGEO"].astype(str))
    if level == "district":
        if districts is None:
            return []
        return sorted(str(c) for c in districts.index[districts == code])
    raise ValueError(f"Niveau de territoire « {level} » inconnu (attendu : {', '.join(LEVELS)}).")


def build_portrait(
    *,
    level: str,
    code: str,
    name: str,
    department_name: str,
    members: Sequence[str],
    zones: pd.DataFrame,
    measures: pd.DataFrame,
    france_measures: pd.DataFrame,
    indicators: Iterable[Indicator],
    sites: pd.DataFrame | None = None,
    observations: Sequence[Observation] = (),
    markers: pd.DataFrame | None = None,
) -> PortraitData:
    """The portrait of ``members`` (commune codes) within a department.

    ``zones``/``measures``: the department's communes (``Territory.zones`` / ``.measures``,
    indexed by CODGEO); ``france_measures``: the same measures for every commune of France;
    ``sites``: the real sites (``None`` when no list was imported, which the notes say);
    ``markers``: why a commune's value is missing (any communes including those), so that
    the portrait says « secret statistique » or « au moins … » as the map does.
    Members outside the department are named in the notes, never silently dropped.
    """
    inside = [c for c in members if c in measures.index]
    outside = [c for c in members if c not in measures.index]
    notes = []
    if outside:
        listed = ", ".join(outside[:10]) + (" …" if len(outside) > 10 else "")
        notes.append(
            f"{len(outside)} commune(s) du territoire hors du département ne sont ni comptées "
            f"dans les indicateurs ni dessinées : {listed}."
        )
    if not inside:
        notes.append("Aucune commune du territoire n'a été trouvée dans le département.")
    rows = indicator_rows(
        indicators,
        measures.loc[inside],
        measures,
        france_measures,
        levels.level(level).scale,
        markers,
    )
    shapes = ()
    if inside:
        west, south, east, north = zones.loc[inside].total_bounds
        dx, dy = (east - west) * MAP_MARGIN, (north - south) * MAP_MARGIN
        frame = zones.cx[west - dx : east + dx, south - dy : north + dy]
        shapes = shapes_from_frame(frame, highlight=inside)
    site_rows = ()
    if sites is None:
        notes.append(NO_SITE_LIST)
    elif len(sites):
        site_rows = sites_from_frame(sites[sites["CODGEO"].astype(str).isin(set(members))])
    return PortraitData(
        territory_name=name,
        territory_level=LEVELS.get(level, level),
        territory_code=code,
        department_name=department_name,
        indicators=rows,
        sites=site_rows,
        observations=tuple(observations),
        shapes=shapes,
        notes=tuple(notes),
    )


# --- rows of the portrait ----------------------------------------------------------------


def _sum(measures: pd.DataFrame, column: str) -> float:
    return float(measures[column].sum(min_count=1)) if column in measures else math.nan


def indicator_rows(
    indicators: Iterable[Indicator],
    territory: pd.DataFrame,
    department: pd.DataFrame,
    france: pd.DataFrame,
    level_label: str = "du territoire",
    markers: pd.DataFrame | None = None,
) -> tuple[IndicatorRow, ...]:
    """Indicator values of the territory, its department and France, from commune measures.

    Rates are Σ numerators / Σ denominators over each level; a share is taken of the next
    level (territory in the department, department in France); a value that cannot be
    re-aggregated (median…) is shown only for a single commune, with the reason otherwise.
    The department and France columns follow ``carto.indicators.reference``: over every
    commune of each (``department`` and ``france`` hold them all), or empty, and the note
    says what an incomplete column covers.
    """
    rows = []
    for ind in indicators:
        note = ""
        dep_ref = reference_value(ind, department, department.index, "Département")
        fr_ref = reference_value(ind, france, france.index, "France")
        if ind.kind is Kind.SHARE:
            num = ind.numerator or ""
            dep_total = _sum(department, num) if dep_ref.shown else math.nan
            fr_total = _sum(france, num) if fr_ref.shown else math.nan
            values = (
                _sum(territory, num) / dep_total * ind.scale if dep_total else math.nan,
                dep_total / fr_total * ind.scale if fr_total else math.nan,
                math.nan,
            )
            note = _with_references(
                "Part du territoire dans le département, et du département en France.",
                ind,
                (dep_ref, fr_ref),
            )
        elif ind.kind is Kind.VALUE:
            single = len(territory) == 1 and ind.column in territory
            value = float(territory[ind.column].iloc[0]) if single else math.nan  # type: ignore[index]
            values = (value, math.nan, math.nan)
            note = published_value_note(ind, None if single else level_label)
        else:
            values = (single_zone_total(ind, territory), dep_ref.value, fr_ref.value)
            note = _with_references("", ind, (dep_ref, fr_ref))
        texts: tuple[str, str, str] | tuple[()] = ()
        if ind.kind is not Kind.SHARE and markers is not None:
            # the territory's own cell, marker or « au moins » included; the references as
            # carto.indicators.reference shows them
            texts = (group_text(ind, territory, markers), dep_ref.text(ind), fr_ref.text(ind))
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
                texts=texts,
            )
        )
    return tuple(rows)


def published_value_note(indicator: Indicator, level_label: str | None) -> str:
    """The caveat of a published value, the same words for every such indicator, so that a
    portrait can write it once (``model.footnotes``). ``level_label`` is the territory's
    scale when it groups several communes (None for a single commune)."""
    published = ", ".join(levels.level(code).scale for code in indicator.published_levels)
    where = ["pour le département", "pour la France"]
    if level_label is not None:
        where.insert(0, f"à l'échelle {level_label}")
    return (
        f"Valeur publiée à l'échelle {published} : une médiane ou un taux publié ne se "
        f"recalcule pas en moyennant des communes ; elle n'est donc donnée ni "
        + ", ni ".join(where)
        + "."
    )


def _with_references(note: str, indicator: Indicator, refs: Iterable[ReferenceValue]) -> str:
    """The row's note, then what each incomplete reference column covers, or why it is empty."""
    parts = [note] if note else []
    parts += [f"{r.label} : {r.text(indicator)}." for r in refs if not r.complete]
    return " ".join(parts)


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
    """Site rows from the sites table (``carto.sites.table.SITE_COLUMNS``)."""
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
