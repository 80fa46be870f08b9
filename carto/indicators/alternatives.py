"""What is published for a zone when the indicator shown is not.

Why: the poverty rate is published for about one commune in eight; a coordinator who clicks a
small commune and reads « secret statistique » must be told what can be read instead — its
median standard of living, the shares of benefits in its income, which INSEE publishes much
more often — and that counts and rates recomputed from counts are complete at the EPCI level,
where a median or a published rate is not recomputed.
"""

from __future__ import annotations

from carto.common.markers import REASONS, Marker
from carto.common.markers import label as marker_label
from carto.indicators.catalogue import Catalogue, Indicator
from carto.indicators.cells import indicator_cells
from carto.territories import levels
from carto.territories.zones import Territory

MAX_SHOWN = 5


def published_instead(
    indicator: Indicator, territory: Territory, catalogue: Catalogue, code: str
) -> str | None:
    """A French paragraph for the click panel, or None when the zone has a value."""
    cells = indicator_cells(indicator, territory)
    if code not in cells.values.index or cells.values.notna().get(code, True):
        return None
    marker = cells.marker_of(code)
    why = marker_label(marker) or "non disponible"
    name = str(territory.zones.at[code, "LIBGEO"]) if code in territory.zones.index else code
    reason = f" : {REASONS[marker]}" if marker in REASONS else ""
    parts = [f"« {indicator.display_label} » : {why} pour {name}{reason}."]
    instead = []
    for other in catalogue.available(territory.measures):
        if other.id == indicator.id or other.theme != indicator.theme:
            continue
        other_cells = indicator_cells(other, territory)
        if other_cells.values.notna().get(code, False):
            instead.append(f"{other.display_label} : {other_cells.text(code)}")
        if len(instead) == MAX_SHOWN:
            break
    if instead:
        parts.append("Publié pour ce territoire : " + " ; ".join(instead) + ".")
    if territory.level in ("commune", "arrondissement") and marker != Marker.NOT_COVERED:
        epci = levels.level("epci")
        if indicator.is_aggregable():
            parts.append(
                f"À l'échelle {epci.scale}, ce total est recalculé à partir des communes "
                "(somme des communes publiées, signalée « au moins » quand il en manque)."
            )
        else:
            parts.append(
                f"Une médiane, un décile ou un taux publié ne se recalcule pas à l'échelle "
                f"{epci.scale} ; les effectifs et les taux recalculables du même thème, eux, "
                "y sont additionnés."
            )
    return " ".join(parts)
