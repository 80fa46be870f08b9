"""Exports that French Excel opens as they are: ``;`` separator, decimal comma, UTF-8 with BOM."""

from __future__ import annotations

import pandas as pd

BOM = "\ufeff"


def to_french_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for Excel (fr-FR). Codes stay text: "01001" keeps its leading zero."""
    text = frame.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return (BOM + text).encode("utf-8")
