"""The import panel in a headless Streamlit run (AppTest)."""

from __future__ import annotations

from mdtext import plain, shown
from streamlit.testing.v1 import AppTest

from carto.indicators.sources.store import list_datasets


def panel_app():
    from types import SimpleNamespace

    import pandas as pd

    from carto.ui.panels.imports import render_import_panel

    communes = pd.DataFrame(
        {
            "CODGEO": ["93066", "93001"],
            "LIBGEO": ["Saint-Denis", "Aubervilliers"],
            "DEP": ["93", "93"],
        }
    )
    render_import_panel(SimpleNamespace(communes=communes))


FILOSOFI = (
    b"CODGEO;NBMENFISC21;MED21;TP6021\n"
    b"93066;40000;14 000;37,0\n93001;29692;15330;s\n93059;12000;16000;30,0\n"
)
PARTNER = (
    "code_commune;nom;allocataires;rsa\n"
    "93066;Saint-Denis;12 500;3100\n93001;Aubervilliers;9800;2450\n"
)


def new_app() -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=30)
    at.run()
    return at


def test_insee_upload_report_and_delete():
    at = new_app()
    assert not at.exception
    assert any("Aucune donnée importée" in c.value for c in at.caption)
    at.file_uploader(key="import_file").set_value(
        ("cc_filosofi_2021_COM.csv", FILOSOFI, "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click()
    at.run()
    assert not at.exception and not at.error
    assert "« Base filosofi communale 2021 »" in plain(at.success[0].value)
    report = "\n".join(t.value for t in at.text)
    assert "Communes reconnues dans la géographie de l'atlas : 2 sur 3." in report
    assert "93059" in report
    [stored] = list_datasets()
    at.button(key=f"import_delete_{stored.id}").click().run()
    assert [d.id for d in list_datasets()] == [stored.id]  # not without the confirmation
    at.checkbox(key=f"import_confirm_{stored.id}").check()
    at.button(key=f"import_delete_{stored.id}").click().run()
    assert list_datasets() == []


def test_bad_file_shows_french_error_and_keeps_data():
    at = new_app()
    at.file_uploader(key="import_file").set_value(
        ("cc_filosofi_2021_COM.csv", FILOSOFI, "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click()
    at.run()
    at.file_uploader(key="import_file").set_value(
        ("page.csv", b"<html><body>404</body></html>", "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click()
    at.run()
    [error] = shown(at.error)
    assert "page web (HTML)" in error
    assert "Aucune donnée déjà importée n'a été modifiée." in error
    assert [d.title for d in list_datasets()] == ["Base filosofi communale 2021"]


def test_partner_mapping_step():
    at = new_app()
    at.radio(key="import_origin").set_value("Tableau d'un partenaire (CAF, CCAS…)")
    at.file_uploader(key="import_file").set_value(("caf.csv", PARTNER.encode(), "text/csv"))
    at.run()
    assert at.selectbox(key="import_code_column").value == "code_commune"
    at.multiselect(key="import_value_columns").set_value(["rsa"])
    at.run()
    at.text_input(key="import_label_0").set_value("Part des allocataires au RSA")
    at.selectbox(key="import_kind_0").set_value("Taux (numérateur / dénominateur)")
    at.run()
    at.selectbox(key="import_den_0").set_value("allocataires")
    at.text_input(key="import_vintage_0").set_value("2024")
    at.text_input(key="import_title").set_value("CAF 2024")
    at.text_input(key="import_source").set_value("CAF de Seine-Saint-Denis")
    at.run()
    at.button(key="import_partner_go").click()
    at.run()
    assert not at.exception and not at.error
    (stored,) = list_datasets()
    (indicator,) = stored.indicators
    assert indicator.label == "Part des allocataires au RSA"
    assert indicator.denominator == f"{stored.id}__allocataires"
    assert indicator.source == "CAF de Seine-Saint-Denis" and indicator.vintage == "2024"
