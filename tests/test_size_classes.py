"""Commune size classes: contiguous, labelled in French, looked up by their stable id."""

from __future__ import annotations

import itertools

import pytest

from carto.common.fmt import NBSP
from carto.territories.size_classes import (
    POPULATION_CLASSES,
    SizeClassError,
    population_class,
)


def test_population_classes_are_contiguous_and_labelled() -> None:
    for low, high in itertools.pairwise(POPULATION_CLASSES):
        assert low.high == high.low
    assert POPULATION_CLASSES[0].low == 0 and POPULATION_CLASSES[-1].high is None
    labels = [c.label for c in POPULATION_CLASSES]
    assert labels == [
        f"moins de 1{NBSP}500 habitants (CCAS facultatif)",
        f"1{NBSP}500 à 4{NBSP}999 habitants",
        f"5{NBSP}000 à 19{NBSP}999 habitants",
        f"20{NBSP}000 habitants et plus",
    ]
    with pytest.raises(SizeClassError):
        population_class("tiny")
