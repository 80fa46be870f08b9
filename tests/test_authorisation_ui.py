"""Every write offered by a panel is refused without the edit code, path by path, and works
once the code is typed (once per session) — issue 16, defect 1."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from mdtext import shown
from streamlit.testing.v1 import AppTest

from carto.diagnosis.store import ObservationDraft, Store
from carto.districts.model import DistrictSet
from carto.districts.storage import district_sets, save_district_set
from carto.indicators.sources.store import list_datasets
from carto.sites.storage import list_site_lists, save_site_list
from carto.territories.iris import contour_sets, save_contours

SECRET = "code-atlas-54"
DENIED = "code d'édition est absent ou incorrect"
SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
FILOSOFI = b"CODGEO;NBMENFISC21;MED21\n54395;40000;14 000\n"
SITES_CSV = b"nom;categorie;code commune\nCCAS de Nancy;CCAS;54395\n"
DISTRICTS_CSV = b"code commune;district\n54395;Nancy\n"
CONTOURS_JSON = (
    b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
    b'{"code_iris":"543950101","nom_iris":"Centre"},"geometry":{"type":"Polygon",'
    b'"coordinates":[[[6.1,48.6],[6.2,48.6],[6.2,48.7],[6.1,48.6]]]}}]}'
)


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_EDIT_SECRET", SECRET)


def _refused(at: AppTest) -> bool:
    return not at.exception and any(DENIED in e for e in shown(at.error))


def _type_code(at: AppTest) -> None:
    at.text_input(key="edit_code_input").set_value(SECRET).run()
    assert any("Code d'édition saisi" in c.value for c in at.caption)


def imports_app() -> None:
    from types import SimpleNamespace

    import pandas as pd

    from carto.ui.panels.imports import imports_panel

    communes = pd.DataFrame({"CODGEO": ["54395"], "LIBGEO": ["Nancy"], "DEP": ["54"]})
    imports_panel(SimpleNamespace(communes=communes))


def sites_app() -> None:
    from sites_fixtures import tiny_communes

    from carto.ui.edit_code import edit_code_field
    from carto.ui.panels.districts import district_import_panel, stored_district_sets
    from carto.ui.panels.sites import site_import_panel, stored_site_lists

    edit_code_field()
    site_import_panel(tiny_communes())
    stored_site_lists()
    district_import_panel(tiny_communes(), "54")
    stored_district_sets("54")


def editor_app() -> None:
    import pandas as pd
    from sites_fixtures import tiny_communes

    from carto.ui.edit_code import edit_code_field
    from carto.ui.panels.districts import district_editor

    edit_code_field()
    district_editor(tiny_communes(), pd.Series(dtype=str), "54")


def test_insee_import_is_refused_without_the_code_then_accepted():
    at = AppTest.from_function(imports_app, default_timeout=30).run()
    at.file_uploader(key="import_file").set_value(
        ("cc_filosofi_2021_COM.csv", FILOSOFI, "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click().run()
    assert _refused(at) and list_datasets() == []
    _type_code(at)
    at.button(key="import_insee_go").click().run()
    assert not at.error and len(list_datasets()) == 1


def test_partner_import_is_refused_without_the_code():
    at = AppTest.from_function(imports_app, default_timeout=30).run()
    at.radio(key="import_origin").set_value("Tableau d'un partenaire (CAF, CCAS…)")
    partner = b"code_commune;allocataires\n54395;12\n"
    at.file_uploader(key="import_file").set_value(("caf.csv", partner, "text/csv"))
    at.run()
    at.multiselect(key="import_value_columns").set_value(["allocataires"]).run()
    at.button(key="import_partner_go").click().run()
    assert _refused(at) and list_datasets() == []


def test_import_and_contour_deletions_and_renames_are_refused_without_the_code():
    from carto.indicators.sources.imports import import_insee
    from carto.indicators.sources.store import save_dataset

    stored = save_dataset(import_insee(FILOSOFI, name="cc_filosofi_2021_COM.csv"), code=SECRET)
    contours = gpd.GeoDataFrame(
        {"NOM_IRIS": ["Centre"], "INSEE_COM": ["54395"]},
        geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)],
        index=pd.Index(["543950101"], name="IRIS"),
        crs="EPSG:4326",
    )
    save_contours(contours, "Nancy", code=SECRET)
    [iris] = contour_sets()
    at = AppTest.from_function(imports_app, default_timeout=30).run()
    at.checkbox(key=f"import_confirm_{stored.id}").check()
    at.button(key=f"import_delete_{stored.id}").click().run()
    assert _refused(at) and [d.id for d in list_datasets()] == [stored.id]
    at.text_input(key=f"iris_sets_new_{iris.id}").set_value("Autre nom")
    at.button(key="iris_sets_rename").click().run()
    assert _refused(at) and [c.name for c in contour_sets()] == ["Nancy"]
    at.checkbox(key=f"iris_sets_confirm_{iris.id}").check()
    at.button(key="iris_sets_delete").click().run()
    assert _refused(at) and len(contour_sets()) == 1


def test_contour_upload_is_refused_without_the_code():
    at = AppTest.from_function(imports_app, default_timeout=30).run()
    at.file_uploader(key="iris_upload").set_value(
        ("iris.geojson", CONTOURS_JSON, "application/json")
    )
    at.run()
    at.button(key="iris_save").click().run()
    assert _refused(at) and contour_sets() == []
    _type_code(at)
    at.button(key="iris_save").click().run()
    assert len(contour_sets()) == 1


def test_site_list_and_district_set_writes_are_refused_without_the_code():
    save_site_list("Partenaires", SITES, code=SECRET)
    save_district_set(DistrictSet("54", "Secteurs", {"54001": "A"}), code=SECRET)
    [stored_list], [stored_set] = list_site_lists(), district_sets("54")
    at = AppTest.from_function(sites_app, default_timeout=30).run()
    at.file_uploader(key="site_import_file").set_value(("ccas.csv", SITES_CSV, "text/csv"))
    at.file_uploader(key="district_import_file").set_value(("d.csv", DISTRICTS_CSV, "text/csv"))
    at.text_input(key="district_import_name").set_value("Nouveau découpage")
    at.run()
    for button in ("site_import_save", "district_import_save", "site_lists_rename"):
        at.button(key=button).click().run()
        assert _refused(at), button
    at.text_input(key=f"district_sets_new_{stored_set.id}").set_value("Autre")
    at.button(key="district_sets_rename").click().run()
    assert _refused(at)
    at.checkbox(key=f"site_lists_confirm_{stored_list.id}").check()
    at.checkbox(key=f"district_sets_confirm_{stored_set.id}").check()
    for button in ("site_lists_delete", "district_sets_delete"):
        at.button(key=button).click().run()
        assert _refused(at), button
    assert [s.name for s in list_site_lists()] == ["Partenaires"]
    assert [n.name for n in district_sets("54")] == ["Secteurs"]
    _type_code(at)
    at.button(key="site_import_save").click().run()
    assert sorted(s.name for s in list_site_lists()) == ["Partenaires", "ccas"]


def test_district_editor_save_is_refused_without_the_code():
    at = AppTest.from_function(editor_app).run()
    at.text_input(key="district_editor_name_(nouveau jeu)").set_value("Circonscriptions")
    at.text_input(key="district_editor_target").set_value("Nord")
    at.multiselect(key="district_editor_codes").set_value(["54001"])
    at.button(key="district_editor_assign").click().run()
    at.button(key="district_editor_save").click().run()
    assert _refused(at) and district_sets("54") == []


def observations_app(url: str) -> None:
    from carto.ui.edit_code import edit_code_field
    from carto.ui.panels.observations import get_store, observations_list
    from carto.ui.panels.saved_views import saved_views_panel

    edit_code_field()
    store = get_store(url)
    observations_list(store, department="54")
    saved_views_panel(store, "dep=54")


def test_observation_and_view_writes_are_refused_without_the_code(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'diag.sqlite'}"
    store = Store(url)
    draft = ObservationDraft(
        "commune", "54395", "54", "CAF", "Paul", "santé", "A", date(2025, 1, 2)
    )
    obs = store.add_observation(draft, secret=SECRET)
    view = store.save_view("Vue", "dep=54", secret=SECRET)
    at = AppTest.from_function(observations_app, args=(url,)).run()
    at.button(key=f"obs_list_edit_open_{obs.id}").click().run()
    at.text_area(key=f"obs_list_e{obs.id}_text").set_value("changé")
    [save] = [b for b in at.button if b.label == "Enregistrer les modifications"]
    save.click().run()
    assert _refused(at)
    at.checkbox(key=f"obs_list_confirm_{obs.id}").check()
    [delete] = [b for b in at.button if b.label == "Supprimer l'observation"]
    delete.click().run()
    assert _refused(at)
    at.text_input(key="views_name").set_value("Autre vue")
    at.button(key="views_save").click().run()
    assert _refused(at)
    at.text_input(key="views_new_name").set_value("Renommée")
    at.button(key="views_rename").click().run()
    assert _refused(at)
    at.button(key="views_delete").click().run()
    assert _refused(at)
    assert [(o.id, o.text) for o in store.list_observations()] == [(obs.id, "A")]
    assert [(v.id, v.name) for v in store.list_views()] == [(view.id, "Vue")]
    store.close()
