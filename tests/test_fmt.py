from datetime import date

import pytest

from carto.common.fmt import (
    NBSP,
    format_date,
    format_number,
    format_percent,
    format_signed,
    format_value,
    parse_number,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, f"1{NBSP}234,5"),
        (1234567, 0, f"1{NBSP}234{NBSP}567"),
        (0.049, 1, "0,0"),
        (-0.04, 1, "0,0"),
        (-1234.56, 2, f"−1{NBSP}234,56"),
        (999.96, 1, f"1{NBSP}000,0"),
        (12, 0, "12"),
        (None, 0, "non disponible"),
        (float("nan"), 1, "non disponible"),
        (float("inf"), 1, "non disponible"),
        ("s", 1, "non disponible"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_units_and_percent():
    assert format_percent(12.44) == f"12,4{NBSP}%"
    assert format_value(1234, "hab.") == f"1{NBSP}234{NBSP}hab."
    assert format_signed(2.31, "pts") == f"+2,3{NBSP}pts"
    assert format_signed(-1, "%") == f"−1,0{NBSP}%"


def test_dates():
    assert format_date(date(2026, 11, 3)) == "3 novembre 2026"
    assert format_date(date(2026, 8, 1)) == "1er août 2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1 234,5", 1234.5), ("1\u00a0234", 1234), ("12.5", 12.5), ("−3", -3), ("+4,25", 4.25)],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12 %", "1.234,5", "<b>1</b>"])
def test_parse_number_rejects_with_french_message(text):
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        parse_number(text)
