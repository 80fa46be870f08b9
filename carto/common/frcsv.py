"""CSV files that French Excel opens correctly: ``;`` separator, decimal comma, UTF-8 with BOM.

Why a module of its own: observations, portraits and tables are all exported this way, and
the two traps (numbers written with a dot become text in French Excel; a cell starting with
``=`` is run as a formula) must be handled once, the same way everywhere: every cell goes
through :func:`csv_cell`, the header's cells too (a partner's indicator label becomes a
column heading).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd

# Cells starting with these are read as formulas by spreadsheets (CSV injection, OWASP).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One cell as French Excel reads it; user text that looks like a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        text = f"{value:.10f}".rstrip("0").rstrip(".")
        return ("0" if text in ("", "-0") else text).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def to_french_csv(
    table: pd.DataFrame | Sequence[str], rows: Iterable[Sequence[object]] = ()
) -> bytes:
    """Bytes of a whole CSV file (BOM included), ready for ``st.download_button``.

    ``table`` is either a DataFrame (its columns are the header, missing cells stay empty) or
    a header given with its ``rows``; codes stay text ("01001" keeps its zero).
    """
    if isinstance(table, pd.DataFrame):
        header: Sequence[str] = [str(c) for c in table.columns]
        rows = table.astype(object).where(table.notna(), None).itertuples(index=False, name=None)
    else:
        header = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
