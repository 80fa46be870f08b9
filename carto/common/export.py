"""Exports that French Excel opens as they are: ``;`` separator, decimal comma, UTF-8 with BOM."""

from __future__ import annotations

import pandas as pd

from carto.common import frcsv


def to_french_csv(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel (fr-FR); codes stay text ("01001" keeps its zero) and a cell
    that looks like a formula is neutralised (carto.common.frcsv)."""
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    return frcsv.to_french_csv([str(c) for c in frame.columns], rows)
