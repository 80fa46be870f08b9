"""AppTest of the district editor flow and of the site panels (headless Streamlit)."""

from __future__ import annotations

from mdtext import shown
from streamlit.testing.v1 import AppTest

from carto.districts.storage import district_set_id, list_district_sets, load_district_set


def editor_app():
    import pandas as pd
    import streamlit as st
    from sites_fixtures import tiny_communes

    from carto.ui.panels.districts import district_editor

    ds = district_editor(tiny_communes(), pd.Series({"E2": "CC du Sud"}), "54")
    st.session_state["result"] = ds


def test_editor_flow_assign_rename_delete_save():
    at = AppTest.from_function(editor_app, default_timeout=30).run()
    assert not at.exception
    at.text_input(key="district_editor_name_(nouveau jeu)").set_value("Circonscriptions")
    at.text_input(key="district_editor_target").set_value("Nord")
    at.multiselect(key="district_editor_codes").set_value(["54001", "54002"])
    at.button(key="district_editor_assign").click().run()
    assert at.session_state["result"].mapping == {"54001": "Nord", "54002": "Nord"}
    assert any("2 commune(s) affectée(s)" in s for s in shown(at.success))
    assert any("rattachée(s) à aucun district" in w for w in shown(at.warning))

    at.radio(key="district_editor_mode").set_value("Par EPCI").run()
    at.selectbox(key="district_editor_epci").set_value("E2")
    at.text_input(key="district_editor_target").set_value("Sud")
    at.button(key="district_editor_assign_epci").click().run()
    assert at.session_state["result"].members("Sud") == ["54004", "54005", "54006"]

    at.selectbox(key="district_editor_old").set_value("Nord")
    at.text_input(key="district_editor_new").set_value("Sud")
    at.button(key="district_editor_rename").click().run()
    assert any("existe déjà" in e.value for e in at.error)  # no silent merge
    at.text_input(key="district_editor_new").set_value("Nord-Ouest")
    at.button(key="district_editor_rename").click().run()
    assert at.session_state["result"].districts == ["Nord-Ouest", "Sud"]

    at.selectbox(key="district_editor_old").set_value("Sud")
    at.button(key="district_editor_delete").click().run()
    assert at.session_state["result"].districts == ["Nord-Ouest"]

    at.button(key="district_editor_save").click().run()
    assert not at.exception
    assert list_district_sets("54") == ["Circonscriptions"]
    assert load_district_set("54", "Circonscriptions").mapping == {
        "54001": "Nord-Ouest",
        "54002": "Nord-Ouest",
    }
    # A new session starts from the stored set ("survives a restart").
    again = AppTest.from_function(editor_app, default_timeout=30).run()
    set_id = district_set_id("54", "Circonscriptions")
    again.selectbox(key="district_editor_base").set_value(set_id).run()
    assert again.session_state["result"].districts == ["Nord-Ouest"]


def test_editor_refuses_an_unnamed_set_and_an_empty_district():
    at = AppTest.from_function(editor_app, default_timeout=30).run()
    at.multiselect(key="district_editor_codes").set_value(["54001"])
    at.button(key="district_editor_assign").click().run()
    assert any("vide" in e.value for e in at.error)
    at.button(key="district_editor_save").click().run()
    assert any("Donnez un nom" in e.value for e in at.error)
    assert list_district_sets("54") == []


def district_app():
    from sites_fixtures import tiny_communes

    from carto.districts.model import DistrictSet
    from carto.indicators.catalogue import default_catalogue
    from carto.sites.importers import read_sites_csv
    from carto.ui.panels.districts import district_panel

    communes = tiny_communes()
    ds = DistrictSet("54", "Test", {"54001": "A", "54002": "A", "54003": "B"})
    measures = communes.set_index("CODGEO")[["P_POP", "AREA_KM2"]]
    indicators = [default_catalogue().get("population"), default_catalogue().get("densite")]
    sites = read_sites_csv(
        "nom;categorie;code commune\nCCAS A;CCAS;54001\nCAF B;CAF;54002\nC;PMI;54003\n", communes
    ).sites
    district_panel(ds, "A", communes, sites, measures, indicators)


def test_district_panel_shows_indicators_member_communes_and_sites():
    at = AppTest.from_function(district_app).run()
    assert not at.exception
    assert at.subheader[0].value == "A"
    values = at.dataframe[0].value.set_index("Indicateur")
    assert values.loc["Population municipale", "Valeur"] == "300\u00a0hab."
    texts = [m.value for m in at.markdown]
    assert "**Communes membres (2)**" in texts and "**Sites (2)**" in texts
    assert list(at.dataframe[1].value["Code"]) == ["54001", "54002"]


def stored_lists_app():
    from carto.ui.panels.sites import stored_site_lists

    stored_site_lists()


def test_stored_site_lists_can_be_renamed_and_deleted():
    from sites_fixtures import tiny_communes

    from carto.sites.importers import read_sites_csv
    from carto.sites.storage import list_site_lists, load_site_lists, save_site_list

    at = AppTest.from_function(stored_lists_app).run()
    assert any("Aucune liste réelle de sites" in c.value for c in at.caption)
    sites = read_sites_csv("nom;categorie;code commune\nA;PMI;54001\n", tiny_communes()).sites
    first = save_site_list("Partenaires 2024", sites)
    other = save_site_list("CCAS", sites)
    at.run()
    table = at.dataframe[0].value
    assert list(table["Nom"]) == ["CCAS", "Partenaires 2024"]
    assert list(table["Contenu"]) == ["1 site", "1 site"]
    # Renaming onto another list's name asks first, then replaces it.
    at.selectbox(key="site_lists_choice").set_value(first.id).run()
    at.text_input(key=f"site_lists_new_{first.id}").set_value("ccas !")
    at.button(key="site_lists_rename").click().run()
    assert any("porte déjà ce nom : « CCAS »" in w for w in shown(at.warning))
    assert {s.name for s in list_site_lists()} == {"CCAS", "Partenaires 2024"}
    at.button(key="site_lists_rename_confirm").click().run()
    assert not at.exception
    assert [(s.id, s.name) for s in list_site_lists()] == [(first.id, "ccas !")]
    assert other.id not in load_site_lists()
    # Deleting asks for a confirmation.
    at.button(key="site_lists_delete").click().run()
    assert any("Je confirme la suppression" in w for w in shown(at.warning))
    assert len(load_site_lists()) == 1
    at.checkbox(key=f"site_lists_confirm_{first.id}").check()
    at.button(key="site_lists_delete").click().run()
    assert not at.exception
    assert load_site_lists() == {}
    assert any("Aucune liste réelle de sites" in c.value for c in at.caption)


def editor_with_selection_app():
    import pandas as pd
    import streamlit as st
    from sites_fixtures import tiny_communes

    from carto.ui.panels.districts import district_editor

    selected = st.session_state.get("clicked")
    ds = district_editor(tiny_communes(), pd.Series(dtype=str), "54", selected=selected)
    st.session_state["result"] = ds


def test_editor_assigns_the_commune_clicked_on_the_map():
    at = AppTest.from_function(editor_with_selection_app)
    at.session_state["clicked"] = "54003"
    at.run()
    at.radio(key="district_editor_mode").set_value("Sur la carte").run()
    at.text_input(key="district_editor_target").set_value("Centre")
    at.button(key="district_editor_assign_map").click().run()
    assert not at.exception
    assert at.session_state["result"].mapping == {"54003": "Centre"}


def test_editor_map_mode_without_selection_explains():
    at = AppTest.from_function(editor_with_selection_app).run()
    at.radio(key="district_editor_mode").set_value("Sur la carte").run()
    assert any("Cliquez sur une commune" in c.value for c in at.caption)


def import_app():
    from sites_fixtures import tiny_communes

    from carto.ui.panels.districts import district_import_panel

    district_import_panel(tiny_communes(), "54")


def test_district_import_says_what_is_missing():
    from carto.ui.panels.districts import missing_for_import

    at = AppTest.from_function(import_app).run()
    assert not at.exception
    assert any("choisissez son fichier" in i.value and "donnez un nom" in i.value for i in at.info)
    at.text_input(key="district_import_name").set_value("Circonscriptions").run()
    assert [i.value for i in at.info] == [missing_for_import(False, True)]
    assert "Choisissez le fichier" in at.info[0].value
    assert "Donnez un nom" in missing_for_import(True, False)
    assert missing_for_import(True, True) is None


def test_the_editor_saves_its_set_again_in_place_and_asks_before_taking_another_name():
    from carto.districts.model import DistrictSet
    from carto.districts.storage import district_sets, save_district_set

    save_district_set(DistrictSet("54", "Autre", {"54003": "X"}))
    at = AppTest.from_function(editor_app, default_timeout=30).run()
    at.text_input(key="district_editor_name_(nouveau jeu)").set_value("Secteurs")
    at.text_input(key="district_editor_target").set_value("Nord")
    at.multiselect(key="district_editor_codes").set_value(["54001"])
    at.button(key="district_editor_assign").click().run()
    at.button(key="district_editor_save").click().run()
    at.multiselect(key="district_editor_codes").set_value(["54002"])
    at.button(key="district_editor_assign").click().run()
    at.button(key="district_editor_save").click().run()  # its own set: no question
    assert not at.warning or not any("porte déjà" in w for w in shown(at.warning))
    assert sorted(n.name for n in district_sets("54")) == ["Autre", "Secteurs"]
    assert load_district_set("54", "Secteurs").mapping == {"54001": "Nord", "54002": "Nord"}
    at.text_input(key="district_editor_name_(nouveau jeu)").set_value("autre")
    at.button(key="district_editor_save").click().run()
    assert any("porte déjà ce nom : « Autre »" in w for w in shown(at.warning))
    assert load_district_set("54", "Autre").mapping == {"54003": "X"}
