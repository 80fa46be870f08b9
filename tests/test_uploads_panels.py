"""Uploads in the panels: each file parsed once, the name field following each new file, and
saving under a name already taken asks first (issue 16, defects 3 and 8; issue 13's « a site
list saved twice under one name asks before replacing »)."""

from __future__ import annotations

import json

from mdtext import plain, shown
from streamlit.testing.v1 import AppTest

from carto.indicators.sources.store import list_datasets
from carto.sites.storage import list_site_lists

SITES_A = b"nom;categorie;code commune\nCCAS A;CCAS;54001\n"
SITES_B = b"nom;categorie;code commune\nCCAS B;CCAS;54002\nCCAS C;CCAS;54003\n"
FILOSOFI = b"CODGEO;NBMENFISC21;MED21\n54001;40000;14 000\n"


def sites_app() -> None:
    from sites_fixtures import tiny_communes

    from carto.ui.panels.sites import site_import_panel

    site_import_panel(tiny_communes())


def test_a_second_file_brings_its_own_name_and_saving_over_a_list_asks_first():
    at = AppTest.from_function(sites_app, default_timeout=30).run()
    at.file_uploader(key="site_import_file").set_value(("ccas-nancy.csv", SITES_A, "text/csv"))
    at.run()
    [name] = [t for t in at.text_input if t.label == "Nom de la liste"]
    assert name.value == "ccas-nancy"
    at.button(key="site_import_save").click().run()
    assert [s.name for s in list_site_lists()] == ["ccas-nancy"]
    at.file_uploader(key="site_import_file").set_value(("partenaires.csv", SITES_B, "text/csv"))
    at.run()
    [name] = [t for t in at.text_input if t.label == "Nom de la liste"]
    assert name.value == "partenaires"  # not the previous file's name
    name.set_value("CCAS Nancy !").run()
    at.button(key="site_import_save").click().run()
    assert any("« ccas-nancy »" in w for w in shown(at.warning))
    [first] = list_site_lists()
    assert len(first.sites) == 1  # nothing replaced yet
    at.button(key="site_import_save_confirm").click().run()
    assert not at.exception
    [replaced] = list_site_lists()
    assert (replaced.id, replaced.name, len(replaced.sites)) == (first.id, "CCAS Nancy !", 2)


def test_each_upload_is_parsed_once(monkeypatch):
    from carto.ui.panels import districts

    calls: list[str] = []
    original = districts.read_district_geojson

    def counting(*args, **kwargs):
        calls.append("geojson")
        return original(*args, **kwargs)

    monkeypatch.setattr(districts, "read_district_geojson", counting)

    def app() -> None:
        from sites_fixtures import tiny_communes

        from carto.ui.panels.districts import district_import_panel

        district_import_panel(tiny_communes(), "54")

    polygon = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nom": "Tout"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[5.0, 48.0], [7.0, 48.0], [7.0, 49.5], [5.0, 48.0]]],
                },
            }
        ],
    }
    at = AppTest.from_function(app, default_timeout=30).run()
    data = json.dumps(polygon).encode()
    at.file_uploader(key="district_import_file").set_value(("d.geojson", data, "application/json"))
    at.text_input(key="district_import_name").set_value("Un")
    at.run()
    at.text_input(key="district_import_name").set_value("Deux").run()
    at.run()
    assert not at.exception
    assert any("communes réparties" in s.value for s in at.success)
    assert calls == ["geojson"]


def imports_app() -> None:
    from types import SimpleNamespace

    import pandas as pd

    from carto.ui.panels.imports import render_import_panel

    communes = pd.DataFrame({"CODGEO": ["54001"], "LIBGEO": ["A"], "DEP": ["54"]})
    render_import_panel(SimpleNamespace(communes=communes))


def test_importing_the_same_title_again_asks_then_keeps_the_id():
    at = AppTest.from_function(imports_app, default_timeout=30).run()
    at.file_uploader(key="import_file").set_value(
        ("cc_filosofi_2021_COM.csv", FILOSOFI, "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click().run()
    [first] = list_datasets()
    at.button(key="import_insee_go").click().run()
    assert any("porte déjà ce nom" in w for w in shown(at.warning))
    at.button(key="import_insee_save_cancel").click().run()
    assert [d.imported_at for d in list_datasets()] == [first.imported_at]
    at.button(key="import_insee_go").click().run()
    at.button(key="import_insee_save_confirm").click().run()
    assert "remplacé" in plain(at.success[0].value)
    [again] = list_datasets()
    assert again.id == first.id and again.imported_at > first.imported_at
    at.text_input(key="import_insee_title").set_value("Filosofi 2021 (Meurthe-et-Moselle)")
    at.button(key="import_insee_go").click().run()
    assert sorted(d.title for d in list_datasets()) == [
        "Base filosofi communale 2021",
        "Filosofi 2021 (Meurthe-et-Moselle)",
    ]
