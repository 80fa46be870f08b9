"""Commune filters: AND across kinds, OR within, unknown values reported, French summary."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carto.common.fmt import NBSP
from carto.indicators.catalogue import Indicator, Kind
from carto.viewstate.codec import Filters, RangeFilter
from carto.viewstate.filters import FilterError, apply_filters, criteria

POVERTY = Indicator("pauvrete", "Taux de pauvreté", "", "%", "INSEE", "2021", Kind.VALUE, "TP60")

CODES = ["54001", "54002", "54003", "54004", "54005", "2A004"]


@pytest.fixture
def zones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "EPCI": ["E1", "E1", "E2", "E2", "E3", "E3"],
            "P_POP": [800, 1500, 4999, 5000, 120_000, math.nan],
        },
        index=pd.Index(CODES, name="CODGEO"),
    )


@pytest.fixture
def values() -> dict[str, pd.Series]:
    return {
        "pauvrete": pd.Series([25.0, 10.0, 20.0, math.nan, 22.5, 30.0], index=CODES),
        # given in another order and missing one commune: must be aligned, not positional
        "part75": pd.Series([15.0, 11.0, 12.0, 13.0, 9.0], index=CODES[::-1][:5]),
    }


def kept(mask: pd.Series) -> list[str]:
    return [code for code, keep in mask.items() if keep]


def test_no_filter_keeps_everything(zones, values) -> None:
    mask, summary = apply_filters(Filters(), zones, values)
    assert mask.index.equals(zones.index) and mask.dtype == bool and mask.all()
    assert (summary.communes_kept, summary.communes_total) == (6, 6)
    assert summary.inhabitants_kept == summary.inhabitants_total == 132_299
    assert not summary.active and summary.missing == {}


@pytest.mark.parametrize(
    ("rng", "expected"),
    [
        (RangeFilter("pauvrete", 20.0, None), ["54001", "54003", "54005", "2A004"]),
        (RangeFilter("pauvrete", None, 20.0), ["54002", "54003"]),  # bounds are inclusive
        (RangeFilter("pauvrete", 21.0, 26.0), ["54001", "54005"]),
        (RangeFilter("pauvrete", 100.0, None), []),
    ],
)
def test_range_filters(zones, values, rng, expected) -> None:
    mask, summary = apply_filters(Filters(ranges=(rng,)), zones, values)
    assert kept(mask) == expected
    assert summary.missing == {"pauvrete": 1}  # 54004 has no value: excluded and counted


def test_two_ranges_combine_with_and_and_align_on_codes(zones, values) -> None:
    filters = Filters(ranges=(RangeFilter("pauvrete", 20.0), RangeFilter("part75", 12.0)))
    mask, summary = apply_filters(filters, zones, values)
    # part75: 2A004→15, 54005→11, 54004→12, 54003→13, 54002→9, 54001 missing
    assert kept(mask) == ["54003", "2A004"]
    assert summary.missing == {"pauvrete": 1, "part75": 1}


def test_epci_and_population_classes(zones, values) -> None:
    mask, _ = apply_filters(Filters(epci=("E1", "E3")), zones, values)
    assert kept(mask) == ["54001", "54002", "54005", "2A004"]
    mask, summary = apply_filters(
        Filters(population_classes=("lt1500", "1500_4999")), zones, values
    )
    assert kept(mask) == ["54001", "54002", "54003"]  # 1 500 is in "1 500 à 4 999"
    assert summary.missing == {"population": 1}
    mask, _ = apply_filters(Filters(population_classes=("ge20000",)), zones, values)
    assert kept(mask) == ["54005"]
    mask, _ = apply_filters(
        Filters(epci=("E2",), population_classes=("5000_19999",)), zones, values
    )
    assert kept(mask) == ["54004"]


def test_districts(zones, values) -> None:
    districts = pd.Series(["Nord", "Nord", "Sud", None, "Sud"], index=CODES[:5])
    mask, summary = apply_filters(Filters(districts=("Sud",)), zones, values, districts)
    assert kept(mask) == ["54003", "54005"]
    assert summary.missing == {"territoire d'action sociale": 2}


def test_summary_sentence_in_french(zones, values) -> None:
    _mask, summary = apply_filters(Filters(epci=("E1",)), zones, values)
    assert summary.active
    assert summary.sentence == f"2 communes sur 6 — 2{NBSP}300 habitants sur 132{NBSP}299"
    _, summary = apply_filters(Filters(population_classes=("ge20000",)), zones, values)
    assert summary.sentence == f"1 commune sur 6 — 120{NBSP}000 habitants sur 132{NBSP}299"
    _, summary = apply_filters(Filters(epci=("E9",)), zones, values)
    assert summary.sentence == f"0 commune sur 6 — 0 habitant sur 132{NBSP}299"


def test_missing_sentences(zones, values) -> None:
    _, summary = apply_filters(Filters(ranges=(RangeFilter("pauvrete", 0.0),)), zones, values)
    assert summary.missing_sentences == [
        "1 commune sans valeur pour « pauvrete », donc hors du filtre."
    ]


def test_banner_states_the_criteria_and_the_secret_communes(zones, values) -> None:
    values["pauvrete"] = pd.Series([25.0, 10.0, math.nan, math.nan, 22.5, math.nan], index=CODES)
    secret = pd.Series([False, False, True, True, False, False], index=CODES)
    filters = Filters(ranges=(RangeFilter("pauvrete", 15.0),), population_classes=("ge20000",))
    _, summary = apply_filters(
        Filters(ranges=(RangeFilter("pauvrete", 15.0),)),
        zones,
        values,
        secret={"pauvrete": secret},
        indicators={"pauvrete": POVERTY},
    )
    assert summary.criteria == (f"taux de pauvreté ≥ 15{NBSP}%",)
    assert summary.banner == (
        f"Filtres : taux de pauvreté ≥ 15{NBSP}% : 2 communes sur 6 — 120{NBSP}800 habitants "
        f"sur 132{NBSP}299. 2 communes hors du filtre car leur valeur de « Taux de pauvreté » "
        "est couverte par le secret statistique. 1 commune sans valeur pour « Taux de "
        "pauvreté », donc hors du filtre."
    )
    assert criteria(filters, {"pauvrete": POVERTY}) == (
        f"taux de pauvreté ≥ 15{NBSP}%",
        f"communes de 20{NBSP}000 habitants et plus",
    )
    both = Filters(ranges=(RangeFilter("pauvrete", 12.5, 30.0),), epci=("E1",))
    assert criteria(both, {}, {"E1": "Métropole du Grand Nancy"}) == (
        "pauvrete entre 12,5 et 30",
        "EPCI : Métropole du Grand Nancy",
    )


def test_filter_on_missing_data_is_an_error_not_a_silent_pass(zones, values) -> None:
    with pytest.raises(FilterError, match="« chomage »"):
        apply_filters(Filters(ranges=(RangeFilter("chomage", 1.0),)), zones, values)
    with pytest.raises(FilterError, match="territoires d'action sociale"):
        apply_filters(Filters(districts=("Nord",)), zones, values)
    with pytest.raises(FilterError, match="P_POP"):
        apply_filters(Filters(), zones.drop(columns="P_POP"), values)


def test_a_commune_left_out_by_another_filter_is_not_counted_as_secret(zones, values) -> None:
    values["pauvrete"] = pd.Series([math.nan] * 6, index=CODES)
    secret = pd.Series(True, index=CODES)
    filters = Filters(ranges=(RangeFilter("pauvrete", 15.0),), epci=("E1",))
    _, summary = apply_filters(filters, zones, values, secret={"pauvrete": secret})
    assert summary.secret == {"pauvrete": 2} and summary.missing == {"pauvrete": 2}
