"""French number and date formatting for every visible figure.

Why hand-written: the app must never depend on the server's locale (CI and Streamlit Cloud run
in C/en_US), and the rules are few: non-breaking space between thousands, decimal comma,
non-breaking space before units and "%".
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

NBSP = "\u00a0"  # also what French Excel writes as thousands separator
MISSING_LABEL = "non disponible"
SECRET_LABEL = "secret statistique"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def format_number(value: object, decimals: int = 0, missing: str = MISSING_LABEL) -> str:
    """``1234.5`` → ``"1 234,5"`` (non-breaking spaces), ``-0.04`` at 1 decimal → ``"0,0"``."""
    if is_missing(value):
        return missing
    x = float(value)  # type: ignore[arg-type]
    if math.isinf(x):
        return missing
    text = f"{abs(x):,.{decimals}f}"
    integer, _, frac = text.partition(".")
    integer = integer.replace(",", NBSP)
    out = f"{integer},{frac}" if frac else integer
    negative = x < 0 and any(c not in "0," + NBSP for c in out)
    return ("−" if negative else "") + out


def format_value(
    value: object, unit: str = "", decimals: int = 0, missing: str = MISSING_LABEL
) -> str:
    """A number with its unit, French style: ``"12,4 %"``, ``"1 234 hab."``."""
    if is_missing(value):
        return missing
    number = format_number(value, decimals)
    return f"{number}{NBSP}{unit}" if unit else number


def format_percent(value: object, decimals: int = 1, missing: str = MISSING_LABEL) -> str:
    return format_value(value, "%", decimals, missing)


def format_signed(value: object, unit: str = "", decimals: int = 1) -> str:
    """A gap with an explicit sign: ``"+2,3 pts"``, ``"−1,0 %"``."""
    if is_missing(value):
        return MISSING_LABEL
    text = format_value(value, unit, decimals)
    return text if text.startswith("−") else "+" + text


def format_date(value: date | datetime) -> str:
    """``date(2026, 11, 3)`` → ``"3 novembre 2026"`` (1er for the first day)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_month(year: int, month: int) -> str:
    """``(2022, 1)`` → ``"janvier 2022"`` (an edition date, where the day means nothing)."""
    return f"{MONTHS[month - 1]} {year}"


_NUMBER_RE = re.compile(r"^[+-−]?\d+(,\d+)?$")


def parse_number(text: str) -> float:
    """Read a number typed by a French user: ``"1 234,5"``, ``"12.5"``, ``"−3"``.

    Raises ValueError with a French message; the caller shows it and keeps the previous value.
    """
    raw = str(text).strip()
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", raw).replace("−", "-")
    if cleaned.count(".") == 1 and "," not in cleaned:
        cleaned = cleaned.replace(".", ",")
    if not _NUMBER_RE.match(cleaned):
        raise ValueError(f"« {raw} » n'est pas un nombre (exemple attendu : 1 234,5).")
    return float(cleaned.replace(",", "."))
