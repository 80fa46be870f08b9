"""AppTest of the shared diagnosis panels: observations, saved views, portrait downloads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from mdtext import shown as plain_texts
from streamlit.testing.v1 import AppTest

from carto.common.text import md_escape
from carto.diagnosis.store import ObservationDraft, Store

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("ATLAS_EDIT_SECRET", raising=False)
    return f"sqlite:///{tmp_path / 'panel.sqlite'}"


def observations_app(url: str) -> None:
    from carto.ui.edit_code import edit_code_field
    from carto.ui.panels.observations import get_store, observation_form, observations_list

    edit_code_field()
    store = get_store(url)
    observation_form(store, "commune", "54395", "54", "Nancy (54395)")
    observations_list(store, department="54")


def views_app(url: str) -> None:
    import streamlit as st

    from carto.ui.edit_code import edit_code_field
    from carto.ui.panels.observations import get_store
    from carto.ui.panels.saved_views import saved_views_panel

    edit_code_field()
    opened = saved_views_panel(get_store(url), "dep=54&ind=densite")
    if opened is not None:
        st.session_state["opened"] = opened


def portrait_app() -> None:
    import streamlit as st

    from carto.diagnosis.portrait.model import PortraitData, SiteRow
    from carto.ui.panels.portrait import portrait_downloads

    def build() -> PortraitData:
        st.session_state["builds"] = st.session_state.get("builds", 0) + 1
        return PortraitData(
            "Nancy", "Commune", "54395", "Meurthe-et-Moselle", sites=(SiteRow("CCAS", "CCAS"),)
        )

    portrait_downloads(build, "portrait_54395")


def fill(at: AppTest, key: str, org: str, author: str, text: str, theme: str = "santé") -> None:
    at.text_input(key=f"{key}_org").set_value(org)
    at.text_input(key=f"{key}_author").set_value(author)
    at.selectbox(key=f"{key}_theme").set_value(theme)
    at.date_input(key=f"{key}_date").set_value(date(2025, 2, 3))
    at.text_area(key=f"{key}_text").set_value(text)


def test_add_observation_then_list_escaped_and_export(url: str):
    at = AppTest.from_function(observations_app, args=(url,)).run()
    assert not at.exception
    fill(at, "obs_form", f"CCAS {XSS}", "Jeanne", f"Note [lien](http://x) {XSS}")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("Observation enregistrée" in s.value for s in at.success)
    assert at.text_area(key="obs_form_text").value == ""  # emptied once stored
    assert at.text_input(key="obs_form_author").value == "Jeanne"  # kept for the next note
    [obs] = Store(url).list_observations()
    assert (obs.organisation, obs.theme, obs.observed_on) == (
        f"CCAS {XSS}",
        "santé",
        date(2025, 2, 3),
    )
    shown = " ".join(m.value for m in at.markdown)
    assert md_escape(f"CCAS {XSS}") in shown and XSS not in shown
    assert "[lien](http" not in shown
    assert any("1 observation(s)" in c.value for c in at.caption)
    assert at.get("download_button")


def test_bad_observation_is_refused_and_the_text_is_kept(url: str):
    at = AppTest.from_function(observations_app, args=(url,)).run()
    fill(at, "obs_form", "CAF", "   ", "Un long texte à ne pas perdre")
    at.button[0].click().run()
    assert any("Auteur : ce champ est obligatoire" in e for e in plain_texts(at.error))
    assert at.text_area(key="obs_form_text").value == "Un long texte à ne pas perdre"
    assert Store(url).count_observations() == 0


def test_edit_secret_is_asked_once_checked_and_never_shown(url: str, monkeypatch):
    monkeypatch.setenv("ATLAS_EDIT_SECRET", "code-54")
    at = AppTest.from_function(observations_app, args=(url,)).run()
    fill(at, "obs_form", "CAF", "Paul", "Texte")
    at.button[0].click().run()
    assert any("code d'édition est absent ou incorrect" in e for e in plain_texts(at.error))
    at.text_input(key="edit_code_input").set_value("faux").run()
    assert any("code d'édition est absent ou incorrect" in e for e in plain_texts(at.error))
    assert at.text_input(key="edit_code_input").value == ""  # never echoed
    assert Store(url, edit_secret="code-54").count_observations() == 0
    assert at.text_area(key="obs_form_text").value == "Texte"  # the note is kept
    at.text_input(key="edit_code_input").set_value("code-54").run()
    assert any("Code d'édition saisi" in c.value for c in at.caption)
    visible = [w.value for w in at.text_input] + [m.value for m in [*at.markdown, *at.caption]]
    assert not any("code-54" in str(v) for v in visible)
    at.button[[b.label for b in at.button].index("Enregistrer l'observation")].click().run()
    assert Store(url, edit_secret="code-54").count_observations() == 1
    at.button(key="edit_code_forget").click().run()
    assert at.text_input(key="edit_code_input").value == ""


def test_filter_edit_and_delete(url: str):
    store = Store(url)
    base = ObservationDraft("commune", "54395", "54", "CAF", "Paul", "santé", "A", date(2025, 1, 2))
    first = store.add_observation(base)
    store.add_observation(ObservationDraft(**{**base.__dict__, "theme": "logement", "text": "B"}))
    at = AppTest.from_function(observations_app, args=(url,)).run()
    assert any("2 observation(s)" in c.value for c in at.caption)
    at.multiselect(key="obs_list_themes").set_value(["santé"]).run()
    assert any("1 observation(s)" in c.value for c in at.caption)

    at.button(key=f"obs_list_edit_open_{first.id}").click().run()
    at.text_area(key=f"obs_list_e{first.id}_text").set_value("A corrigé")
    edit_buttons = [b for b in at.button if b.label == "Enregistrer les modifications"]
    edit_buttons[0].click().run()
    assert not at.exception
    assert store.get_observation(first.id).text == "A corrigé"
    assert any(f"Observation n° {first.id} modifiée" in s for s in plain_texts(at.success))

    at.button(key=f"obs_list_edit_open_{first.id}").click().run()
    [delete] = [b for b in at.button if b.label == "Supprimer l'observation"]
    delete.click().run()
    assert any("Je confirme la suppression" in w.value for w in at.warning)
    assert store.count_observations() == 2
    at.checkbox(key=f"obs_list_confirm_{first.id}").check()
    [delete] = [b for b in at.button if b.label == "Supprimer l'observation"]
    delete.click().run()
    assert store.count_observations() == 1
    assert any("supprimée" in s.value for s in at.success)


def test_saved_views_flow(url: str):
    at = AppTest.from_function(views_app, args=(url,)).run()
    assert any("Aucune vue" in c.value for c in at.caption)
    at.text_input(key="views_name").set_value("Densité 54")
    at.button(key="views_save").click().run()
    assert any("Vue « Densité 54 » enregistrée" in s for s in plain_texts(at.success))
    # The same name, case and accents aside, asks before replacing.
    at.text_input(key="views_name").set_value("densite 54 !")
    at.button(key="views_save").click().run()
    assert any("Une vue s'appelle déjà « Densité 54 »" in w for w in plain_texts(at.warning))
    at.button(key="views_save_cancel").click().run()
    assert [v.name for v in Store(url).list_views()] == ["Densité 54"]
    at.button(key="views_save").click().run()
    at.button(key="views_save_confirm").click().run()
    assert any("remplacée" in s for s in plain_texts(at.success))
    [view] = Store(url).list_views()
    assert view.name == "densite 54 !"

    at.button(key="views_open").click().run()
    assert at.session_state["opened"] == "dep=54&ind=densite"

    at.text_input(key="views_new_name").set_value("Densité Meurthe-et-Moselle")
    at.button(key="views_rename").click().run()
    assert [v.name for v in Store(url).list_views()] == ["Densité Meurthe-et-Moselle"]
    at.button(key="views_delete").click().run()
    assert Store(url).list_views() == []
    assert any("supprimée" in s.value for s in at.success)


def test_portrait_files_are_built_only_on_click():
    at = AppTest.from_function(portrait_app).run()
    assert "builds" not in at.session_state and not at.get("download_button")
    at.button(key="portrait_build").click().run()
    assert not at.exception
    assert at.session_state["builds"] == 1
    assert len(at.get("download_button")) == 4
    at.run()  # an ordinary rerun keeps the files and builds nothing
    assert at.session_state["builds"] == 1 and len(at.get("download_button")) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("![img](http://x/a.png)", "\\!\\[img\\]\\(http\u2060\\://x/a\\.png\\)"),
        ("www.x.fr a@b.fr", "www\u2060\\.x\\.fr a\u2060@b\\.fr"),
        ("a\nb", "a  \nb"),
        ("**gras** _it_ `code` $x$", r"\*\*gras\*\* \_it\_ \`code\` \$x\$"),
    ],
)
def test_md_escape(text: str, expected: str):
    assert md_escape(text) == expected


def test_observations_are_paged_and_only_the_edited_one_has_a_form(url: str):
    store = Store(url)
    base = ObservationDraft("commune", "54395", "54", "CAF", "Paul", "santé", "A", date(2025, 1, 2))
    stored = store.add_observations(
        ObservationDraft(**{**base.__dict__, "text": f"note {n:02d}"}) for n in range(45)
    )
    at = AppTest.from_function(observations_app, args=(url,), default_timeout=30).run()
    assert any("45 observation(s) : n° 1 à 20 affichées" in c.value for c in at.caption)
    assert _edit_forms(at.main) == []  # no edit form until one is asked for
    at.number_input(key="obs_list_page").set_value(3).run()
    assert any("n° 41 à 45 affichées" in c.value for c in at.caption)
    shown_texts = [m.value for m in at.markdown if m.value.startswith("note")]
    assert shown_texts == [f"note {n:02d}" for n in range(4, -1, -1)]  # newest first
    first = stored[0]
    at.button(key=f"obs_list_edit_open_{first.id}").click().run()
    assert _edit_forms(at.main) == [f"obs_list_edit_{first.id}"]
    at.button(key=f"obs_list_close_{first.id}").click().run()
    assert _edit_forms(at.main) == []


def _edit_forms(node) -> list[str]:  # type: ignore[no-untyped-def]
    """Ids of the edit forms in the page (AppTest's tree of blocks)."""
    found = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "form" and "_edit_" in child.proto.form.form_id:
            found.append(child.proto.form.form_id)
        found += _edit_forms(child)
    return found


def test_a_portrait_and_the_export_take_every_observation_not_just_the_page(url: str):
    from carto.diagnosis.model import observations_csv
    from carto.ui.panels.observations import ShownObservations

    store = Store(url)
    base = ObservationDraft("commune", "54395", "54", "CAF", "Paul", "santé", "A", date(2025, 1, 2))
    store.add_observations(
        [base] * 30 + [ObservationDraft(**{**base.__dict__, "theme": "logement"})]
    )
    shown = ShownObservations([], 30, {"theme": ["santé"], "department": "54"})
    assert len(shown.all(store)) == 30
    assert observations_csv(shown.all(store)).decode("utf-8-sig").count("\r\n") == 31
