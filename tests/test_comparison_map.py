"""Comparison mode: symmetric diverging classes, polarity-aware colours, French signed texts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carto.common.fmt import NBSP
from carto.indicators.catalogue import Indicator, Kind, Polarity
from carto.indicators.compare import compare_to_reference
from carto.map.classify import ClassificationError, palette_colors
from carto.map.diverging import diverging_classification, gap_labels, gap_map

POVERTY = Indicator(
    "chom",
    "Taux de chômage",
    "d",
    "%",
    "s",
    "2021",
    Kind.RATE,
    numerator="CHOM",
    denominator="ACT",
    scale=100.0,
    decimals=1,
    polarity=Polarity.HIGHER_WORSE,
)
MEDIAN = Indicator(
    "med",
    "Niveau de vie médian",
    "d",
    "€",
    "s",
    "2021",
    Kind.VALUE,
    column="MED",
    polarity=Polarity.HIGHER_BETTER,
)
MEASURES = pd.DataFrame(
    {
        # rates 10 %, 30 %, 25 %, 20 %, secret; department = 130 / 545 = 23.9 %
        "CHOM": [10.0, 90.0, 5.0, 25.0, np.nan],
        "ACT": [100.0, 300.0, 20.0, 125.0, np.nan],
        "MED": [20000.0, 15000.0, 22000.0, 18000.0, np.nan],
        # the secret commune is a small one: the department's rate stands for the whole
        "P_POP": [2000.0, 6000.0, 400.0, 2500.0, 40.0],
    },
    index=pd.Index(["54001", "54002", "54003", "54004", "54005"], dtype="str"),
)
RED, BLUE = "#ca0020", "#0571b0"  # ends of RdBu with 5 classes


def _comparison(indicator=POVERTY, published=None):
    return compare_to_reference(
        indicator, MEASURES, MEASURES.index, "Meurthe-et-Moselle", None, published
    )


def test_bounds_are_symmetric_odd_and_centred_on_zero():
    gm = gap_map(_comparison(), k=5)
    b = np.array(gm.classification.bounds)
    assert gm.classification.k == 5 and len(b) == 6
    np.testing.assert_allclose(b, -b[::-1])
    assert b[2] < 0 < b[3]  # the central class straddles the reference
    assert gm.classification.colors[2] == "#f7f7f7"  # neutral middle
    assert sum(gm.classification.counts) == 4 and gm.classification.missing_count == 1


def test_higher_worse_positive_gap_is_warm():
    comp = _comparison()
    gm = gap_map(comp, k=5)
    ref = 130 / 545 * 100
    assert comp.reference == pytest.approx(ref)
    assert comp.gap["54002"] == pytest.approx(30 - ref)  # largest positive gap
    assert gm.colors["54002"] == RED
    assert gm.colors["54001"] == BLUE  # 10 % against 23.9 %: far below, cool
    assert gm.colors["54005"] == gm.classification.missing_color
    assert "rouge : valeur supérieure" in gm.reading and "moins favorable" in gm.reading


def test_higher_better_positive_gap_is_cool():
    gm = gap_map(_comparison(MEDIAN, published=19000.0), k=5)
    assert gm.unit == "%"
    assert gm.gap["54003"] == pytest.approx((22000 - 19000) / 19000 * 100)
    assert gm.colors["54003"] == BLUE  # richer than the reference: favourable, cool
    assert gm.colors["54002"] == RED
    assert "bleu : valeur supérieure" in gm.reading


def test_neutral_polarity_keeps_palette_order():
    neutral = replace(POVERTY, polarity=Polarity.NEUTRAL)
    gm = gap_map(_comparison(neutral), k=3, palette="PuOr_r")
    assert gm.classification.colors == tuple(palette_colors("PuOr_r", 3))
    assert gm.colors["54002"] == gm.classification.colors[-1]
    assert "orange : valeur supérieure" in gm.reading and "favorable" not in gm.reading


def test_texts_are_signed_french():
    gm = gap_map(_comparison(), k=3)
    ref = 130 / 545 * 100
    assert gm.texts["54002"] == f"+{30 - ref:.1f}".replace(".", ",") + f"{NBSP}pts"
    assert gm.texts["54001"].startswith("−") and gm.texts["54001"].endswith(f"{NBSP}pts")
    assert gm.texts["54005"] == "non disponible"
    med = gap_map(_comparison(MEDIAN, published=20000.0), k=3)
    assert med.texts["54002"] == f"−25,0{NBSP}%"
    assert med.texts["54001"] == f"+0,0{NBSP}%"
    assert "en points" in gm.title and "Meurthe-et-Moselle" in gm.title


def test_labels_are_signed_and_cover_the_classes():
    gm = gap_map(_comparison(), method="manuel", manual_bounds=[2, 5])
    assert gm.classification.bounds[:3] == (-gm.classification.bounds[-1], -5.0, -2.0)
    assert gm.labels[2] == f"−2,0 à +2,0{NBSP}pts"
    assert gm.labels[3] == f"+2,0 à +5,0{NBSP}pts"
    assert len(gm.labels) == gm.classification.k == 5


def test_equal_intervals_split_the_largest_gap():
    gap = pd.Series([-10.0, 1.0, 3.0, 9.0])
    cls = diverging_classification(gap, method="egal", k=5, decimals=1)
    assert cls.bounds == (-10.0, -6.0, -2.0, 2.0, 6.0, 10.0)
    assert cls.counts == (1, 0, 1, 1, 1)


def test_bounds_are_rounded_to_the_displayed_decimals():
    gap = pd.Series([0.123, -0.456, 1.789, -2.345, 0.05])
    cls = diverging_classification(gap, k=5, decimals=1)
    assert all(round(b, 1) == b for b in cls.bounds)
    assert cls.bounds[-1] >= 2.345  # the largest gap stays inside the last bound


def test_all_equal_to_reference_is_one_neutral_class():
    cls = diverging_classification(pd.Series([0.0, 0.0, 0.01]), k=5, decimals=1)
    assert cls.k == 1 and cls.counts == (3,)
    assert cls.colors == ("#f7f7f7",)


def test_no_value_at_all():
    cls = diverging_classification(pd.Series([np.nan, np.nan]), k=5)
    assert cls.k == 0 and cls.missing_count == 2
    assert gap_labels(cls, "pts") == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 4}, "impair"),
        ({"k": 11}, "impair"),
        ({"palette": "YlOrRd"}, "Palette"),
        ({"method": "jenks"}, "inconnue"),
        ({"method": "manuel"}, "au moins une borne"),
        ({"method": "manuel", "manual_bounds": [-1, 2]}, "positifs"),
        ({"method": "manuel", "manual_bounds": [3, 2]}, "croissantes"),
        ({"method": "manuel", "manual_bounds": [1, 2, 3, 4, 5]}, "au plus 4"),
    ],
)
def test_bad_parameters_get_french_messages(kwargs, message):
    with pytest.raises(ClassificationError, match=message):
        diverging_classification(pd.Series([-1.0, 2.0]), **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-50, 50, allow_nan=False) | st.just(float("nan")), min_size=1, max_size=40),
    st.sampled_from([3, 5, 7, 9]),
    st.sampled_from(["quantiles", "egal"]),
)
def test_symmetry_and_sign_properties(values, k, method):
    gap = pd.Series(values)
    cls = diverging_classification(gap, Polarity.HIGHER_WORSE, method, k, decimals=1)
    present = gap.dropna()
    assert cls.missing_count == gap.isna().sum()
    if present.empty:
        assert cls.k == 0
        return
    b = np.array(cls.bounds)
    np.testing.assert_allclose(b, -b[::-1])
    assert cls.k % 2 == 1 and cls.k <= k and sum(cls.counts) == len(present)
    idx = cls.class_index(present)
    middle = cls.k // 2
    # A positive gap is never drawn on the cool side, a negative one never on the warm side.
    assert (idx[present > 0] >= middle).all() and (idx[present < 0] <= middle).all()
    # Opposite gaps get mirrored classes (ties on a bound aside).
    on_bound = present.abs().round(9).isin(np.round(np.abs(b), 9))
    mirrored = cls.class_index(-present)
    assert ((idx + mirrored)[~on_bound] == cls.k - 1).all()
