"""The national indicators in views: every one of them draws for 54 and for France by
department; the picker says how many zones have a value; departments a source does not cover
say so; an import sits beside the national values and never replaces them."""

from __future__ import annotations

import csv
import html

import pytest
from plain_sources import PlainSources

from carto.common.fmt import format_value
from carto.compose import maps, territory
from carto.compose.keys import TerritoryKey, Token, imports_token
from carto.compose.offer import offer
from carto.compose.scope import Pending, read_scope
from carto.indicators.alternatives import published_instead
from carto.indicators.catalogue import Kind
from carto.indicators.national import read_national
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import save_dataset
from carto.map.legend import legend_html

NO_DATA = Token()


@pytest.fixture(scope="module")
def src(bundle) -> PlainSources:
    return PlainSources(bundle)


def _key(dep: str, imports: Token = NO_DATA) -> TerritoryKey:
    level = "departement" if dep == "FR" else "commune"
    return TerritoryKey(dep, False, level, None, imports, Token())


@pytest.mark.parametrize("dep", ["54", "FR"])
def test_every_indicator_of_the_catalogue_draws(src, dep):
    catalogue = territory.view_catalogue(NO_DATA, src)
    national = {i.id for i in read_national().indicators}
    drawn = 0
    for ind in catalogue.indicators.values():
        if ind.id not in national and ind.id not in ("population", "densite", "superficie"):
            continue
        view = maps.build_map(_key(dep), maps.PlainMap(ind.id, "quantiles", 5, "YlOrRd"), src)
        zones = 101 if dep == "FR" else 591
        assert len(view.collection["features"]) == zones, ind.id
        legend = legend_html(ind, view.classification, missing=view.missing)
        assert ind.source_line() in legend, ind.id
        if dep == "FR" and ind.kind is Kind.VALUE:
            assert view.notice and "ne se recalcule pas" in view.notice  # said, not averaged
            assert {g.label for g in view.missing} == {"Non publié à cette échelle"}
        else:
            assert view.values.notna().sum() > 0, ind.id
        drawn += 1
    assert drawn >= 36


def test_picker_says_how_many_communes_have_a_value(src, sources_dir):
    with (sources_dir / "cc_filosofi_2021_COM.csv").open(encoding="ascii") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["CODGEO"].startswith("54")]
    published = sum(r["TP6021"] not in ("s", "nd") for r in rows)
    choice = offer(read_scope(Pending("54"), NO_DATA, src), src)
    poverty = next(i for i in choice.indicators if i.id == "taux_pauvrete_2021")
    label = choice.option_label(poverty)
    assert label == (
        f"Taux de pauvreté 2021 · Revenus et pauvreté · publié pour {published} communes sur 591"
    )
    density = next(i for i in choice.indicators if i.id == "densite")
    assert choice.option_label(density).endswith("publié pour les 591 communes")
    themes = [i.theme for i in choice.indicators]
    assert themes.index("Revenus et pauvreté") < themes.index("Emploi et activité")
    assert themes == sorted(themes, key=themes.index)  # grouped: each theme in one block


def test_departments_filosofi_does_not_cover_say_so(src):
    france = maps.build_map(
        _key("FR"), maps.PlainMap("menages_fiscaux_2021", "quantiles", 5, "YlOrRd"), src
    )
    assert france.coverage_note == (
        "Insee, Filosofi 2021 ne couvre pas : Guadeloupe (971), Guyane (973), Mayotte (976)."
    )
    assert {g.label: g.count for g in france.missing} == {"Non couvert par la source": 3}
    guadeloupe = maps.build_map(
        _key("971"), maps.PlainMap("revenu_median_2021", "quantiles", 5, "YlOrRd"), src
    )
    assert "ne couvre pas Guadeloupe (971)" in guadeloupe.coverage_note
    tooltips = {html.unescape(f["properties"]["valeur"]) for f in guadeloupe.collection["features"]}
    assert tooltips == {"non couvert par la source"}
    census = maps.build_map(
        _key("971"), maps.PlainMap("taux_chomage_2018", "quantiles", 5, "YlOrRd"), src
    )
    assert census.coverage_note is None  # the census covers Guadeloupe


def test_an_import_sits_beside_the_national_values(bundle, sources_dir, tmp_path):
    """The issue's case: a department's Filosofi file after the national data. Every other
    department keeps its values, a differing value is reported and not taken."""
    lines = (sources_dir / "cc_filosofi_2021_COM.csv").read_text(encoding="ascii").splitlines()
    dep49 = [x for x in lines if x.startswith("49")]
    angers = next(i for i, x in enumerate(dep49) if x.startswith("49007;"))
    cells = dep49[angers].split(";")
    cells[3] = "99999"  # MED21 of Angers, changed: the national value must stay
    dep49[angers] = ";".join(cells)
    path = tmp_path / "cc_filosofi_2021_COM_49.csv"
    path.write_text("\n".join([lines[0], *dep49]) + "\n", encoding="ascii")
    national = read_national()
    dataset = import_insee(path, communes=bundle.communes, national=national)
    summary = dataset.report.summary_fr()
    assert "les valeurs nationales sont conservées" in summary
    assert "différentes (valeur nationale conservée) : 1" in summary
    save_dataset(dataset)
    src = PlainSources(bundle)
    imports = imports_token()
    angers_view = src.commune_territory(_key("49", imports).communes).measures
    assert angers_view.at["49007", "MED21"] == national.values.at["49007", "MED21"]
    for dep in ("13", "2A"):  # other departments keep every national value
        measures = src.commune_territory(_key(dep, imports).communes).measures
        before = national.values.reindex(measures.index)["MED21"]
        assert measures["MED21"].equals(before), dep


def test_panel_points_to_what_is_published_when_the_rate_is_secret(src, sources_dir):
    with (sources_dir / "cc_filosofi_2021_COM.csv").open(encoding="ascii") as fh:
        afa = next(r for r in csv.DictReader(fh, delimiter=";") if r["CODGEO"] == "2A001")
    assert afa["TP6021"] == "s" and afa["MED21"] != "s"
    terr = src.territory(_key("2A"))
    catalogue = territory.view_catalogue(NO_DATA, src)
    text = published_instead(catalogue.get("taux_pauvrete_2021"), terr, catalogue, "2A001")
    assert text.startswith("« Taux de pauvreté 2021 » : secret statistique pour Afa")
    median = format_value(float(afa["MED21"]), "€", 0)
    assert f"Niveau de vie médian 2021 : {median}" in text
    assert "Part des prestations sociales dans le revenu 2021" in text
    assert "ne se recalcule pas à l'échelle intercommunale" in text
    count = published_instead(catalogue.get("menages_fiscaux_2021"), terr, catalogue, "2A001")
    assert count is None  # published: nothing to point to
