"""What the shared diagnosis takes from a view (carto.compose.diagnosis), without Streamlit."""

from __future__ import annotations

from datetime import date

import pytest
from plain_sources import PlainSources
from sites_fixtures import save_town_hall_sites

from carto.compose.diagnosis import (
    coverage_table,
    has_distances,
    observation_level,
    observed_counts,
    portrait_data,
    selected_zone,
)
from carto.compose.keys import Coverage, TerritoryKey, Token
from carto.diagnosis.model import Observation
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.viewstate.codec import ViewState

NO_DATA = Token()
NANCY = TerritoryKey("54", False, "commune", None, NO_DATA, NO_DATA)


@pytest.fixture
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def test_a_commune_by_arrondissement_is_observed_as_a_commune() -> None:
    assert observation_level("arrondissement") == "commune"
    assert observation_level("commune") == "commune"
    assert observation_level("epci") == "epci"


def test_selected_zone_and_counts(src) -> None:
    terr = src.territory(NANCY)
    zone = selected_zone(terr, "54395")
    assert (zone.level, zone.code, zone.name) == ("commune", "54395", "Nancy")
    assert zone.department_name == "Meurthe-et-Moselle (54)"
    assert selected_zone(terr, "75056") is None
    asked = []
    counts = observed_counts(terr, lambda level: asked.append(level) or {"54395": 2, "57463": 1})
    assert counts == {"54395": 2} and asked == ["commune"]
    france = src.territory(TerritoryKey("FR", False, "departement", None, NO_DATA, NO_DATA))
    assert observed_counts(france, lambda level: {"54": 3}) == {}


def test_coverage_table_per_district_then_department(src) -> None:
    assert not has_distances(NANCY, src)
    save_town_hall_sites(src.bundle().communes, ["54395", "54099", "54547"])
    save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nancy", "54099": "Brabois"}))
    key = TerritoryKey("54", False, "commune", "Secteurs", NO_DATA, NO_DATA,
                       Coverage(None, NO_DATA))  # fmt: skip
    assert has_distances(key, src)
    state = ViewState(district_set="Secteurs")
    table = coverage_table(key, state, 10, src)
    assert list(table.index) == ["Brabois", "Nancy", "Meurthe-et-Moselle (54)"]
    assert table.loc["Meurthe-et-Moselle (54)", "population"] > 700_000
    alone = coverage_table(key, ViewState(), 10, src)
    assert list(alone.index) == ["Meurthe-et-Moselle (54)"]


def test_portrait_of_an_epci_gathers_its_communes(src) -> None:
    key = TerritoryKey("54", False, "epci", None, NO_DATA, NO_DATA)
    terr = src.territory(key)
    code = terr.zones.index[0]
    zone = selected_zone(terr, code)
    note = Observation("epci", code, "54", "CCAS", "A. Martin", "Logement", "Note", date.today())
    portrait = portrait_data(key, ViewState(level="epci"), zone, [note], NO_DATA, src)
    assert portrait.territory_name == zone.name and portrait.territory_code == code
    assert portrait.department_name == "Meurthe-et-Moselle (54)"
    assert portrait.observations == (note,)
    highlighted = [shape.code for shape in portrait.shapes if shape.highlight]
    assert sorted(highlighted) == sorted(terr.members.index[terr.members == code])
