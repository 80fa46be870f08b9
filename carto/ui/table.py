"""The zones' table on screen: numbers in French, sortable, and not re-formatted on every rerun.

Why a memo around Streamlit's Styler marshalling: French display values ("1 234,5") need a
pandas Styler (Streamlit's own number formats follow the browser's locale), and marshalling a
Styler formats every cell again on each rerun, about half of a warm rerun for one department.
The Styler built for one view is cached (``carto.ui.cache``) and marked; its marshalled
display values are kept (bounded), so a rerun only copies them. Pinned Streamlit version: if
the private hook moves, the table still shows, merely slower (see ``install``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
from pandas.io.formats.style import Styler

from carto.indicators.catalogue import Indicator
from carto.map.choropleth import table_formatters

_MEMO: OrderedDict[int, tuple[Styler, bytes]] = OrderedDict()
_MEMO_SIZE = 16
_LOCK = threading.Lock()
MARK = "_atlas_memo"


@dataclass(frozen=True)
class StyledTable:
    """The table shown on screen, and the columns it keeps (the CSV export has them all)."""

    styler: Styler
    columns: tuple[str, ...]


def french_styler(table: pd.DataFrame, indicators: list[Indicator]) -> Styler:
    """A Styler showing the indicators' columns in French; marked for the memo."""
    styler = table.style.format(table_formatters(indicators))
    setattr(styler, MARK, True)
    return styler


def install() -> None:
    """Wrap Streamlit's Styler marshalling once (idempotent)."""
    try:
        from streamlit.elements import arrow
    except ImportError:  # another Streamlit layout: keep the plain behaviour
        return
    original = arrow.marshall_styler
    if getattr(original, MARK, False):
        return

    def memoised(proto, styler, default_uuid):  # type: ignore[no-untyped-def]
        if not getattr(styler, MARK, False):
            return original(proto, styler, default_uuid)
        key = id(styler)
        with _LOCK:
            hit = _MEMO.get(key)
            if hit is not None and hit[0] is styler:
                _MEMO.move_to_end(key)
                proto.MergeFromString(hit[1])
                return None
            original(proto, styler, default_uuid)
            # The entry keeps the Styler alive, so its id cannot be reused by another one.
            _MEMO[key] = (styler, proto.SerializeToString())
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
        return None

    setattr(memoised, MARK, True)
    arrow.marshall_styler = memoised


install()
