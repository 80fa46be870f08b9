"""The zones' table on screen: numbers in French, sortable, and not re-formatted on every rerun.

Why a pandas Styler: French display values ("1 234,5") need one (Streamlit's own number formats
follow the browser's locale). Marshalling a Styler formats every cell again on each rerun; the
Styler built for one view is cached (``carto.ui.cache``) and marked, so that its marshalled
display values are kept (``carto.ui.hooks``) and a rerun only copies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pandas.io.formats.style import Styler

from carto.indicators.catalogue import Indicator
from carto.map.choropleth import table_formatters
from carto.ui import hooks


@dataclass(frozen=True)
class StyledTable:
    """The table shown on screen, and the columns it keeps (the CSV export has them all)."""

    styler: Styler
    columns: tuple[str, ...]


def french_styler(
    table: pd.DataFrame, indicators: list[Indicator], notes: pd.DataFrame | None = None
) -> Styler:
    """A Styler showing the indicators' columns in French; marked for the memo.

    ``notes`` (``ZoneTable.notes``): a cell with a note shows it instead of its number, so a
    secret cell reads « secret statistique » and a partial sum « au moins … », while sorting
    still uses the numbers.
    """
    styler = table.style.format(table_formatters(indicators))
    if notes is not None:
        for col in [c for c in notes.columns if c in table.columns]:
            noted = notes[col][notes[col].ne("")]
            for text, rows in noted.groupby(noted).groups.items():
                styler = styler.format(lambda _v, t=text: t, subset=(list(rows), [col]))
    return hooks.memoisable(styler)
