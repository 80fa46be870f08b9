import numpy as np
import pandas as pd
import pytest

from carto.common.fmt import NBSP
from carto.map.classify import (
    MISSING_COLOR,
    PALETTES,
    ClassificationError,
    classify,
    palette_colors,
)

VALUES = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan, 100.0], index=list("abcdefghijkl"))


@pytest.mark.parametrize("k", range(3, 10))
@pytest.mark.parametrize("method", ["quantiles", "egal", "jenks"])
def test_every_value_in_exactly_one_class(method, k):
    rng = np.random.default_rng(k)
    values = pd.Series(rng.lognormal(4, 1, 300))
    cls = classify(values, method, k, "YlOrRd")
    assert cls.k == k
    assert sum(cls.counts) == 300
    assert cls.missing_count == 0
    assert list(cls.bounds) == sorted(cls.bounds)
    assert cls.bounds[0] == pytest.approx(values.min())
    assert cls.bounds[-1] == pytest.approx(values.max())


def test_missing_values_are_counted_apart_and_grey():
    cls = classify(VALUES, "quantiles", 4)
    assert cls.missing_count == 1
    assert sum(cls.counts) == 11
    assert cls.colors_for(VALUES)["k"] == MISSING_COLOR
    assert cls.class_index(VALUES)["k"] == -1


def test_equal_intervals_have_equal_width():
    cls = classify(pd.Series([0.0, 10, 20, 100]), "egal", 4)
    widths = np.diff(cls.bounds)
    assert np.allclose(widths, 25)
    assert cls.counts == (3, 0, 0, 1)


def test_jenks_separates_natural_groups():
    values = pd.Series([1, 2, 3, 50, 51, 52, 200, 201, 202.0])
    cls = classify(values, "jenks", 3)
    assert cls.counts == (3, 3, 3)
    assert cls.bounds[1:] == (3, 52, 202)


def test_upper_bound_belongs_to_its_class():
    cls = classify(pd.Series([1, 2, 3, 4, 5, 6.0]), "manuel", manual_bounds=[2, 4])
    assert cls.counts == (2, 2, 2)
    assert cls.labels(0) == ["1 – 2", "2 – 4", "4 – 6"]


def test_manual_bounds_above_data_keep_the_user_bounds():
    cls = classify(pd.Series([1, 2, 3.0]), "manuel", manual_bounds=[10, 20])
    assert cls.bounds == (1, 10, 20)
    assert cls.counts == (3, 0)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ([5, 2], "strictement croissantes"),
        ([1, 1], "strictement croissantes"),
        ([float("nan")], "nombres finis"),
        (list(range(1, 10)), "entre 1 et 8 bornes"),
        ([], "au moins une borne"),
    ],
)
def test_bad_manual_bounds_give_french_messages(bounds, message):
    with pytest.raises(ClassificationError, match=message):
        classify(VALUES, "manuel", manual_bounds=bounds)


@pytest.mark.parametrize(("method", "k"), [("quantiles", 2), ("quantiles", 10), ("inconnue", 5)])
def test_bad_parameters(method, k):
    with pytest.raises(ClassificationError):
        classify(VALUES, method, k)


def test_fewer_distinct_values_than_classes():
    cls = classify(pd.Series([1.0, 1, 2, 2]), "quantiles", 5)
    assert sum(cls.counts) == 4
    assert cls.k == 2


def test_all_missing():
    cls = classify(pd.Series([np.nan, np.nan]), "jenks", 5)
    assert cls.k == 0
    assert cls.missing_count == 2


def test_french_labels():
    cls = classify(pd.Series([1000.5, 2500.25, 12345.75]), "manuel", manual_bounds=[2000])
    assert cls.labels(1) == [f"1{NBSP}000,5 – 2{NBSP}000,0", f"2{NBSP}000,0 – 12{NBSP}345,8"]


@pytest.mark.parametrize("name", list(PALETTES))
@pytest.mark.parametrize("k", range(3, 10))
def test_palettes_have_k_distinct_sequential_colours(name, k):
    colors = palette_colors(name, k)
    assert len(colors) == k == len(set(colors))
    luminance = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colors]
    assert luminance == sorted(luminance, reverse=True)  # light to dark
