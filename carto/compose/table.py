"""The zones' table under the map: every indicator in the CSV export, the view's on screen.

Why two tables: an import can bring sixty columns and each formatted cell costs on every rerun,
so the screen shows the identifier columns and the indicators the view uses (map, second map,
circles, filters), while the export keeps them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from carto.common.frcsv import to_french_csv
from carto.compose.keys import TerritoryKey
from carto.compose.parts import ZoneTable
from carto.compose.sources import Sources
from carto.indicators.catalogue import Catalogue, Indicator
from carto.indicators.cells import cell_notes
from carto.map.choropleth import ID_COLUMNS, table_column, zone_table
from carto.territories.zones import epci_names
from carto.viewstate.codec import ViewState


@dataclass(frozen=True)
class ShownTable:
    """The columns shown on screen, and the indicators whose values they hold."""

    frame: pd.DataFrame
    indicators: tuple[Indicator, ...]


def view_indicator_ids(state: ViewState) -> list[str]:
    """The mapped indicator first, then population and every other indicator the view shows
    (second map, circles, filters)."""
    ids = [state.indicator, "population"]
    ids += [i for i in (state.indicator2, state.circles) if i]
    ids += [r.indicator for r in state.filters.ranges]
    return ids


def zones_table(key: TerritoryKey, kept: tuple[str, ...] | None, src: Sources) -> ZoneTable:
    """The zones' table (kept communes only, when filtered), its notes and its CSV export."""
    terr, catalogue = src.territory(key), src.catalogue(key.imports)
    table = zone_table(terr, catalogue, epci_names(src.bundle()))
    indicators = catalogue.available(terr.measures)
    notes = cell_notes(indicators, terr).reindex(table["Code"].to_numpy())
    notes.columns = [table_column(i) for i in indicators]
    notes.index = table.index
    if kept is not None:
        keep = table["Code"].isin(kept)
        table, notes = table[keep], notes[keep]
    return ZoneTable(table, to_french_csv(export_frame(table, notes)), notes)


REMARKS = "Remarques"


def export_frame(table: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """The table as exported: a cell without a value says why (« secret statistique »…),
    never left empty; sums over communes not all published keep their number, and the row's
    « Remarques » column says « au moins … » for each of them."""
    out = table.astype(object)
    remarks = pd.Series("", index=table.index, dtype=object)
    for col in notes.columns:
        noted = notes[col].ne("")
        missing = noted & table[col].isna()
        out.loc[missing, col] = notes.loc[missing, col]
        partial = noted & ~missing
        remarks[partial] += col + " : " + notes.loc[partial, col] + " ; "
    if remarks.ne("").any():
        out[REMARKS] = remarks.str.rstrip("; ").str.strip()
    return out


def shown_indicator_ids(
    state: ViewState, catalogue: Catalogue, table: pd.DataFrame
) -> tuple[str, ...]:
    """The view's indicators that have a column in the table, each once, in order."""
    shown = [catalogue.get(i) for i in dict.fromkeys(view_indicator_ids(state)) if i in catalogue]
    return tuple(i.id for i in shown if table_column(i) in table.columns)


def code_width(table: pd.DataFrame) -> int:
    """Pixels the « Code » column needs to show its longest code whole (EPCI SIREN codes
    have 9 digits, IRIS codes 9 characters)."""
    longest = int(table["Code"].astype(str).str.len().max()) if len(table) else 5
    return 24 + 9 * max(longest, 4)


def shown_table(
    table: pd.DataFrame, catalogue: Catalogue, indicator_ids: tuple[str, ...]
) -> ShownTable:
    """Identifier columns, then one column per indicator of ``indicator_ids``."""
    shown = tuple(catalogue.get(i) for i in indicator_ids)
    columns = [c for c in table.columns if c in ID_COLUMNS] + [table_column(i) for i in shown]
    return ShownTable(table[columns], shown)
