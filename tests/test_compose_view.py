"""What one view is made of (carto.compose): scope, key, maps asked for, filters, layers, table."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plain_sources import PlainSources
from sites_fixtures import save_town_hall_sites

from carto.compose import layers, maps, table, territory
from carto.compose.filtering import KeptCommunes, kept_communes
from carto.compose.keys import Token
from carto.compose.offer import (
    SITE_CATEGORIES,
    chosen_categories,
    epci_choices,
    known_values,
    offer,
    references,
)
from carto.compose.scope import Pending, read_scope
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.indicators.catalogue import DEFAULT_INDICATOR, default_catalogue
from carto.map.classify import DEFAULT_CLASSES, DEFAULT_PALETTE, ClassificationError
from carto.sites.coverage import DISTANCE_COLUMN
from carto.viewstate.codec import Filters, RangeFilter, ViewState

NO_DATA = Token()


@pytest.fixture
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def _save_sets() -> None:
    save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nancy", "54099": "Brabois"}))


# --- scope and key ---------------------------------------------------------------------------
def test_scope_keeps_only_a_stored_set_and_a_city_by_arrondissement(src) -> None:
    _save_sets()
    scope = read_scope(Pending("54", True, "district", "Secteurs"), NO_DATA, src)
    assert scope.district_sets == ("Secteurs",) and scope.district_set == "Secteurs"
    assert not scope.by_arrondissement  # only Paris, Lyon, Marseille
    assert scope.districts != NO_DATA  # the stored set is in the token
    stale = read_scope(Pending("54", district_set="Effacé"), NO_DATA, src)
    assert stale.district_set is None
    assert read_scope(Pending("75", True), NO_DATA, src).by_arrondissement


def test_scope_of_france_has_no_set_no_coverage(src) -> None:
    scope = read_scope(Pending("FR", sites_layer=True), NO_DATA, src)
    assert scope.district_sets == () and scope.coverage is None and scope.districts == NO_DATA


def test_coverage_follows_the_site_layer_with_sorted_categories(src) -> None:
    assert read_scope(Pending("54"), NO_DATA, src).coverage is None
    scope = read_scope(Pending("54", sites_layer=True, site_categories=("cias", "ccas")),
                       NO_DATA, src)  # fmt: skip
    assert scope.coverage.categories == ("ccas", "cias")
    every = read_scope(Pending("54", sites_layer=True), NO_DATA, src)
    assert every.coverage.categories is None


def test_iris_level_needs_contours(src) -> None:
    scope = read_scope(Pending("54", level="iris"), NO_DATA, src)
    assert not scope.iris_available and not scope.iris_level


def test_territory_key_of_a_state(src) -> None:
    _save_sets()
    scope = read_scope(Pending("54", sites_layer=True), NO_DATA, src)
    key = scope.territory_key(ViewState(level="district"))
    assert key.level == "commune"  # a district level without a set draws communes
    key = scope.territory_key(ViewState(level="district", district_set="Secteurs"))
    assert (key.level, key.district_set, key.coverage) == ("district", "Secteurs", scope.coverage)
    assert not scope.territory_key(ViewState(by_arrondissement=True)).by_arrondissement
    paris = read_scope(Pending("75", True), NO_DATA, src)
    assert paris.territory_key(ViewState(department="75", by_arrondissement=True)).by_arrondissement


def test_offer_has_the_distance_only_with_the_site_layer(src) -> None:
    _save_sets()
    plain = offer(read_scope(Pending("54", district_set="Secteurs"), NO_DATA, src), src)
    ids = [i.id for i in plain.indicators]
    assert DEFAULT_INDICATOR in ids and not any(
        DISTANCE_COLUMN in i.columns for i in plain.indicators
    )
    assert plain.district_names == ("Brabois", "Nancy")
    save_town_hall_sites(src.bundle().communes, ["54395"])
    covered = offer(read_scope(Pending("54", sites_layer=True), NO_DATA, src), src)
    assert any(DISTANCE_COLUMN in i.columns for i in covered.indicators)
    assert covered.district_names is None


def test_known_values_of_a_link(bundle) -> None:
    known = known_values(bundle, territory.view_catalogue(NO_DATA, PlainSources(bundle)))
    assert {"FR", "54", "2A", "971"} <= known.departments
    assert DEFAULT_INDICATOR in known.indicators and DEFAULT_PALETTE in known.palettes
    assert "densite" in known.indicators  # what version-1 links open on
    assert "ccas" in known.site_categories


# --- maps asked for --------------------------------------------------------------------------
def test_map_requests_comparison_evolution_then_fallback() -> None:
    catalogue = default_catalogue()
    state = ViewState(reference="region")
    assert maps.map_requests(state, "densite", catalogue, None, False) == (
        maps.ComparisonMap("densite", "region", "quantiles", 5),
    )
    by_arr = maps.map_requests(state, "densite", catalogue, None, True)
    assert [type(r) for r in by_arr] == [maps.PlainMap, maps.PlainMap]  # no comparison there
    state = ViewState(indicator="densite", vintage2="2015", class_method="manuel",
                      bounds=(1.0, 2.0), palette="Blues")  # fmt: skip
    first, plain, fallback = maps.map_requests(state, "densite", catalogue, ("54395",), False)
    assert first == maps.EvolutionMap("densite", "2015", "manuel", 5)
    assert plain == maps.PlainMap("densite", "manuel", 5, "Blues", (1.0, 2.0), ("54395",))
    assert fallback == maps.PlainMap("densite", "quantiles", DEFAULT_CLASSES, "Blues", None,
                                     ("54395",))  # fmt: skip
    second = maps.map_requests(state, "population", catalogue, None, False)
    assert not any(isinstance(r, maps.EvolutionMap) for r in second)  # only the first map
    assert maps.map_requests(ViewState(), "densite", catalogue, None, False)[0].palette == (
        DEFAULT_PALETTE
    )


def test_requests_are_hashable_cache_keys() -> None:
    requests = maps.map_requests(ViewState(), "densite", default_catalogue(), None, False)
    assert len(set(requests)) == 1  # the default map is its own fallback: one cache entry


def test_built_map_and_its_fallback(src, bundle) -> None:
    scope = read_scope(Pending("54"), NO_DATA, src)
    key = scope.territory_key(ViewState())
    view = maps.build_map(key, maps.PlainMap("densite", "quantiles", 5, "Blues"), src)
    assert view.indicator.id == "densite" and len(view.collection["features"]) == 591
    bad = maps.PlainMap("densite", "manuel", 5, "Blues", bounds=tuple(range(1, 11)))
    with pytest.raises(ClassificationError):
        maps.build_map(key, bad, src)
    gap = maps.build_map(key, maps.ComparisonMap("densite", "france", "quantiles", 5), src)
    assert "France" in gap.legend_title


def test_older_vintages_of_a_built_in_indicator() -> None:
    assert maps.older_vintages(default_catalogue(), "densite") == []


# --- filters ---------------------------------------------------------------------------------
def test_kept_communes_apply_to_the_commune_level_only(src) -> None:
    scope = read_scope(Pending("54"), NO_DATA, src)
    key = scope.territory_key(ViewState())
    assert kept_communes(ViewState(), key, src) == KeptCommunes()
    state = ViewState(filters=Filters(ranges=(RangeFilter("population", 50_000, None),)))
    kept = kept_communes(state, key, src)
    assert kept.codes == ("54395",) and kept.summary.communes_total == 591
    assert kept.at("commune") == ("54395",) and kept.at("epci") is None


def test_district_filter_reads_the_stored_set(src) -> None:
    _save_sets()
    scope = read_scope(Pending("54", district_set="Secteurs"), NO_DATA, src)
    state = ViewState(district_set="Secteurs", filters=Filters(districts=("Nancy",)))
    assert kept_communes(state, scope.territory_key(state), src).codes == ("54395",)


# --- layers ----------------------------------------------------------------------------------
def test_layers_shown_and_drawn(src) -> None:
    assert layers.shown_layers(ViewState(department="FR")) == frozenset()
    state = ViewState(layers=("communes", "mairies", "observations"), circles="population")
    scope = read_scope(Pending("54"), NO_DATA, src)
    key = scope.territory_key(state)
    counted = []
    overlays = layers.overlays(
        state, key, src, NO_DATA, observation_counts=lambda: counted.append(1) or {"54395": 2}
    )
    assert overlays.epci is None and overlays.sites is None and overlays.mairies is not None
    assert counted == [1] and len(overlays.badges) == 1
    none = layers.overlays(replace(state, layers=("communes",)), key, src, NO_DATA,
                           observation_counts=lambda: counted.append(1) or {})  # fmt: skip
    assert counted == [1] and none.badges == ()  # not counted when the layer is off
    assert layers.circles_indicator(state, default_catalogue()) == "population"
    assert layers.circles_indicator(replace(state, circles="absent"), default_catalogue()) is None
    circles = layers.circles_part(key, "population", src)
    view = maps.build_map(key, maps.PlainMap("densite", "quantiles", 5, "Blues"), src)
    inputs = layers.layer_inputs(view, src.territory(key), replace(overlays, circles=circles))
    assert inputs.circles is circles.circles and inputs.circles_label == circles.label
    assert inputs.zone_label == "Commune" and inputs.mairies is overlays.mairies


# --- table -----------------------------------------------------------------------------------
def test_table_on_screen_keeps_the_view_indicators(src) -> None:
    state = ViewState(indicator="densite", circles="population",
                      filters=Filters(ranges=(RangeFilter("densite", 1.0, None),)))  # fmt: skip
    assert table.view_indicator_ids(state) == ["densite", "population", "population", "densite"]
    key = read_scope(Pending("54"), NO_DATA, src).territory_key(state)
    zones = table.zones_table(key, ("54395", "54547"), src)
    assert list(zones.frame["Code"]) == ["54395", "54547"]
    assert zones.csv.startswith(b"\xef\xbb\xbf") and b";" in zones.csv
    catalogue = src.catalogue(NO_DATA)
    ids = table.shown_indicator_ids(state, catalogue, zones.frame)
    assert ids == ("densite", "population")  # the mapped indicator first
    shown = table.shown_table(zones.frame, catalogue, ids)
    assert shown.frame.columns[0] == "Code" and len(shown.indicators) == 2
    assert len(shown.frame.columns) < len(zones.frame.columns)
    assert list(shown.frame.columns[3:]) == ["Densité de population (hab./km²)",
                                             "Population municipale (hab.)"]  # fmt: skip
    epci = table.zones_table(replace(key, level="epci"), None, src).frame
    assert epci["Code"].str.len().max() == 9  # SIREN codes, shown whole
    assert table.code_width(epci) >= 24 + 9 * 9


# --- what the sidebar offers -----------------------------------------------------------------
def test_levels_references_and_epci_offered(src, bundle) -> None:
    _save_sets()
    with_sets = offer(read_scope(Pending("54"), NO_DATA, src), src)
    assert with_sets.levels("54") == ["commune", "epci", "district"]
    assert with_sets.levels("FR") == ["departement"]
    without = replace(with_sets, district_sets=(), iris_available=True)
    assert without.levels("57") == ["commune", "epci", "iris"]
    assert references("FR") == ["none", "france"]
    assert references("54") == ["none", "departement", "region", "france"]
    assert epci_choices(bundle, "FR") is None
    choices = epci_choices(bundle, "54")
    com = bundle.communes
    assert set(choices) == set(com.loc[com["DEP"] == "54", "EPCI"].dropna())
    names = list(choices.values())
    assert names == sorted(names) and "Métropole du Grand Nancy" in names
    assert "population" in with_sets.count_ids and "densite" not in with_sets.count_ids


def test_all_site_categories_are_written_none() -> None:
    assert chosen_categories(list(SITE_CATEGORIES)) is None
    assert chosen_categories(["ccas"]) == ("ccas",)
