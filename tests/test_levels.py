"""One French vocabulary for levels, and defaults that exist where they are used."""

from __future__ import annotations

from carto.diagnosis.model import LEVELS as OBSERVATION_LEVELS
from carto.indicators.catalogue import DEFAULT_INDICATOR, default_catalogue
from carto.indicators.national import read_national
from carto.map.choropleth import ID_COLUMNS
from carto.map.classify import DEFAULT_CLASSES, DEFAULT_METHOD, MAX_CLASSES, METHODS, MIN_CLASSES
from carto.territories.levels import LEVELS, level
from carto.viewstate.model import LEVELS as VIEW_LEVELS


def test_every_level_of_a_link_has_its_words() -> None:
    assert set(VIEW_LEVELS) <= set(LEVELS)
    assert set(OBSERVATION_LEVELS) <= set(LEVELS)


def test_titles_keep_acronyms_and_counts_agree() -> None:
    assert level("epci").title == "EPCI" and level("commune").title == "Commune"
    assert level("commune").count(1) == "1 commune"
    assert level("commune").count(3) == "3 communes"
    assert level("epci").count(2) == "2 EPCI"
    assert level("district").count(4) == "4 territoires d'action sociale"
    assert level("district").with_article == "un territoire d'action sociale"


def test_unknown_level_reads_as_a_zone() -> None:
    assert level("canton").noun == "zone" and level("canton").count(2) == "2 zones"


def test_the_district_level_has_one_name() -> None:
    district = level("district")
    assert OBSERVATION_LEVELS["district"] == district.title
    assert district.title in ID_COLUMNS


def test_defaults_exist() -> None:
    national = {i.id for i in read_national().indicators}
    assert DEFAULT_INDICATOR in national and DEFAULT_INDICATOR not in default_catalogue()
    assert DEFAULT_METHOD in METHODS
    assert MIN_CLASSES <= DEFAULT_CLASSES <= MAX_CLASSES
