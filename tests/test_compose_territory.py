"""How the zones of a view are put together (carto.compose.territory), without Streamlit."""

from __future__ import annotations

import pytest
from plain_sources import PlainSources
from sites_fixtures import save_town_hall_sites

from carto.compose import territory
from carto.compose.keys import CommuneKey, Coverage, TerritoryKey, Token
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.indicators.catalogue import Indicator, Kind, default_catalogue
from carto.sites.coverage import DISTANCE_COLUMN

NO_DATA = Token()


def key(level: str = "commune", dep: str = "54", **kwargs) -> TerritoryKey:
    fields = dict(district_set=None, imports=NO_DATA, districts=NO_DATA, coverage=None)
    fields.update(kwargs)
    return TerritoryKey(dep, False, level, **fields)


@pytest.fixture
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def test_communes_of_a_department_and_france_by_department(src) -> None:
    communes = src.commune_territory(CommuneKey("54", False, NO_DATA))
    assert communes.level == "commune" and len(communes.zones) == 591
    assert DISTANCE_COLUMN not in communes.measures
    france = src.commune_territory(CommuneKey("FR", False, NO_DATA))
    assert france.level == "departement" and len(france.zones) == 101
    paris = src.commune_territory(CommuneKey("75", True, NO_DATA))
    assert paris.level == "arrondissement" and len(paris.zones) == 20


def test_coverage_counts_real_sites_only(src, bundle) -> None:
    sites = Coverage(None, NO_DATA)
    # No list imported: no site is known, so no distance (presumed CCAS are not sites).
    alone = src.commune_territory(CommuneKey("54", False, NO_DATA, sites))
    assert DISTANCE_COLUMN not in alone.measures
    save_town_hall_sites(bundle.communes, ["54395", "54099"])  # Nancy, Briey
    listed = Coverage(None, Token((("CCAS", 1),)))
    with_sites = PlainSources(bundle).commune_territory(CommuneKey("54", False, NO_DATA, listed))
    distance = with_sites.measures[DISTANCE_COLUMN]
    assert distance.notna().all() and distance.loc["54395"] < 1e-6
    assert 0 < distance.loc["54547"] < 5  # Vandœuvre, next to Nancy
    # a category nobody has: no site to measure from, the communes come without distance
    nobody = Coverage(("categorie_absente",), NO_DATA)
    alone = src.commune_territory(CommuneKey("54", False, NO_DATA, nobody))
    assert DISTANCE_COLUMN not in alone.measures


def test_france_ignores_the_level_asked(src) -> None:
    assert src.territory(key("epci", dep="FR")).level == "departement"


def test_epci_zones_sum_their_communes(src) -> None:
    epci = src.territory(key("epci"))
    communes = src.commune_territory(CommuneKey("54", False, NO_DATA))
    assert epci.level == "epci"
    assert epci.members.value_counts().sum() == 591
    sums = communes.measures.groupby(communes.zones["EPCI"]).sum()
    assert (epci.measures["P_POP"] - sums["P_POP"].reindex(epci.measures.index)).abs().max() == 0
    assert (epci.zones["LIBGEO"] != epci.zones.index).all()  # named, not coded


def test_district_zones_from_a_stored_set(src) -> None:
    save_district_set(DistrictSet("54", "Deux", {"54395": "Nancy", "54547": "Nancy",
                                                 "54099": "Brabois"}))  # fmt: skip
    districts = src.territory(key("district", district_set="Deux"))
    assert districts.level == "district"
    assert list(districts.zones.index) == ["Brabois", "Nancy"]
    assert list(districts.zones["LIBGEO"]) == ["Brabois", "Nancy"]
    # without a set, the district level draws communes
    assert src.territory(key("district")).level == "commune"


def test_iris_level_without_contours_draws_communes(src) -> None:
    assert src.territory(key("iris")).level == "commune"
    assert src.iris_departments(NO_DATA) == frozenset()


def test_value_columns_are_those_only_non_aggregable_indicators_use() -> None:
    catalogue = default_catalogue()
    catalogue.add(Indicator("mediane", "Médiane", "", "€", "INSEE", "2021", Kind.VALUE, "MED"))
    assert territory.value_columns(catalogue) == {"MED"}
    catalogue.add(Indicator("med_count", "x", "", "", "INSEE", "2021", Kind.COUNT, "MED"))
    assert territory.value_columns(catalogue) == set()  # also summed by a count: kept


def test_catalogue_offers_the_distance_to_sites(src) -> None:
    catalogue = src.catalogue(NO_DATA)
    assert "densite" in catalogue and "population" in catalogue
    distance = [i for i in catalogue.indicators.values() if DISTANCE_COLUMN in i.columns]
    assert len(distance) == 1 and territory.COVERAGE_LABEL in distance[0].label


def test_shapes_follow_the_zones(src) -> None:
    shapes = src.shapes(key("epci"))
    assert len(shapes.bounds) == 4
    assert shapes == territory.zone_shapes(key("epci"), src)


GRAND_EST = {"08", "10", "51", "52", "54", "55", "57", "67", "68", "88"}


@pytest.mark.parametrize(
    ("reference", "label", "departments"),
    [("departement", "Meurthe-et-Moselle", {"54"}), ("region", "la région Grand Est", GRAND_EST),
     ("france", "la France", None)],
)  # fmt: skip
def test_reference_areas(src, bundle, reference, label, departments) -> None:
    area = territory.reference_area("54", reference, src)
    assert area.label == label
    dep_of = bundle.communes.set_index("CODGEO")["DEP"]
    if departments is not None:
        assert set(dep_of.reindex(area.codes)) == departments
    else:
        assert len(set(dep_of.reindex(area.codes))) == 101
    assert territory.reference_area("FR", "region", src).label == "la France"


def test_sites_around_cross_the_border(src, bundle) -> None:
    assert "57" in src.neighbours("54") and "54" not in src.neighbours("54")
    save_town_hall_sites(bundle.communes, ["54395", "57463", "88160"])  # Nancy, Metz, Épinal
    around = src.sites_around("54", NO_DATA)
    assert len(around) > len(src.sites("54", NO_DATA))
    assert set(around["CODGEO"].str[:2]) >= {"54", "57", "88"}


def test_france_commune_measures_cover_every_commune(src) -> None:
    measures = territory.france_commune_measures(NO_DATA, src)
    assert list(measures.columns)[:2] == ["P_POP", "AREA_KM2"] and len(measures) > 34_000
    assert "MED21" in measures and measures["MED21"].notna().sum() > 30_000  # national data
