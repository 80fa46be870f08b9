"""Paris, Lyon and Marseille drawn by arrondissement still belong to their métropole.

Regression: at the EPCI level by arrondissement, the EPCI membership listed communes only, so
Aix-Marseille-Provence lost Marseille (89 communes, unemployment 12,3 % instead of 90 and
14,3 %) and Paris's EPCI had no zone at all (the map builder failed on an empty array).
"""

from __future__ import annotations

import pandas as pd
import pytest
from national_files import COMPARATEUR_2022, comparateur_rows, national_file
from plain_sources import PlainSources
from streamlit.testing.v1 import AppTest
from test_app import APP

from carto.compose.keys import TerritoryKey, Token, imports_token
from carto.districts.model import DistrictSet
from carto.districts.storage import save_district_set
from carto.indicators.catalogue import compute
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import save_dataset
from carto.map.choropleth import zone_table
from carto.territories.zones import epci_names, zone_communes
from carto.ui import after_map

AIX_MARSEILLE = "200054807"
GRAND_LYON = "200046977"
GRAND_PARIS = "200054781"


def _key(dep: str, arr: bool, level: str, imports: Token, district_set: str | None = None):
    return TerritoryKey(dep, arr, level, district_set, imports, Token())


def test_arrondissements_follow_their_city() -> None:
    zones = pd.DataFrame(
        {"PLM": [None, "13055", "13055"]}, index=pd.Index(["13001", "13201", "13202"])
    )
    assert zone_communes(zones).to_dict() == {"13001": "13001", "13201": "13055",
                                              "13202": "13055"}  # fmt: skip


@pytest.mark.parametrize(
    ("dep", "epci", "communes"), [("13", AIX_MARSEILLE, 90), ("69", GRAND_LYON, 58)]
)
def test_metropole_by_arrondissement_equals_metropole_by_commune(bundle, dep, epci, communes):
    src = PlainSources(bundle)
    by_arr = src.territory(_key(dep, True, "epci", Token()))
    by_commune = src.territory(_key(dep, False, "epci", Token()))
    com = bundle.communes
    members = com[(com["EPCI"] == epci) & (com["TYPE"] == "COM") & (com["DEP"] == dep)]
    assert len(members) == communes  # within the department (the map cuts EPCI at its border)
    assert by_arr.measures.at[epci, "P_POP"] == by_commune.measures.at[epci, "P_POP"]
    assert by_arr.zones.at[epci, "N_COMMUNES"] == communes
    table = zone_table(by_arr, src.catalogue(Token()), epci_names(bundle)).set_index("Code")
    assert table.at[epci, "Communes"] == communes


def test_aix_marseille_unemployment_by_arrondissement_is_hand_sum(bundle) -> None:
    national_file(COMPARATEUR_2022)
    save_dataset(import_insee(str(national_file(COMPARATEUR_2022))))
    token = imports_token()
    src = PlainSources(bundle)
    terr = src.territory(_key("13", True, "epci", token))
    rate = src.catalogue(token).get("taux_chomage_2018")
    shown = compute(rate, terr.measures).at[AIX_MARSEILLE]
    # By hand, from the file's own commune rows (Marseille's city row, not its arrondissements).
    rows = comparateur_rows(("P18_CHOM1564", "P18_ACT1564"))
    com = bundle.communes
    inside = (com["EPCI"] == AIX_MARSEILLE) & (com["TYPE"] == "COM") & (com["DEP"] == "13")
    codes = com.loc[inside, "CODGEO"]
    assert len(codes) == 90 and "13055" in set(codes)
    unemployed = sum(float(rows[c]["P18_CHOM1564"]) for c in codes)
    active = sum(float(rows[c]["P18_ACT1564"]) for c in codes)
    assert shown == pytest.approx(100 * unemployed / active, rel=1e-9)
    assert round(shown, 1) == 14.3
    by_commune = src.territory(_key("13", False, "epci", token))
    assert compute(rate, by_commune.measures).at[AIX_MARSEILLE] == pytest.approx(shown, rel=1e-9)


def test_district_set_with_a_city_keeps_it_by_arrondissement(bundle) -> None:
    save_district_set(DistrictSet("75", "Paris entier", {"75056": "Paris"}))
    src = PlainSources(bundle)
    terr = src.territory(_key("75", True, "district", Token(), "Paris entier"))
    assert list(terr.zones.index) == ["Paris"] and terr.zones.at["Paris", "N_COMMUNES"] == 1
    paris = bundle.communes.set_index("CODGEO").at["75056", "P_POP"]
    assert terr.measures.at["Paris", "P_POP"] == pytest.approx(paris)


def test_paris_by_arrondissement_at_epci_level_draws_its_epci() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["w_panel"] = "table"
    at.session_state[after_map.READY_KEY] = True
    for key, value in {"dep": "75", "arr": "1", "lvl": "epci"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Code" in d.value.columns).set_index("Code")
    assert list(table.index) == [GRAND_PARIS]
    assert table.at[GRAND_PARIS, "Communes"] == 1
