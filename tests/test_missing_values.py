"""Defects 4 and 5 on every surface: the tooltip, the legend, the table, its CSV export, the
click panel and the portrait.

5: INSEE's ``s``, ``nd``, ``ns`` and ``so`` each keep their own French label; none reads as
another, and none leaves a cell empty. 4: a sum over a zone with communes under secrecy says
« au moins … (20 communes sous secret) », as on the EPCI Spelunca-Liamone (2A), where 20 of
33 communes are secret in Filosofi 2021."""

from __future__ import annotations

import csv
import html
import io

import pytest
from plain_sources import PlainSources

from carto.compose import diagnosis, maps, table
from carto.compose.diagnosis import Zone
from carto.compose.keys import TerritoryKey, Token, imports_token
from carto.diagnosis.portrait.files import to_csv, to_html
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import save_dataset
from carto.map.choropleth import zone_comparison
from carto.map.legend import legend_html
from carto.viewstate.codec import ViewState

# A vintage the national data does not have, with each of INSEE's markers.
MARKED = {"49007": "14,2", "49002": "s", "49003": "nd", "49008": "ns", "49009": "so"}
LABELS = {
    "49002": "secret statistique",
    "49003": "non disponible",
    "49008": "non significatif",
    "49009": "sans objet",
}


@pytest.fixture
def marked(bundle, tmp_path):
    lines = ["CODGEO;NBMENFISC22;TP6022"]
    lines += [f"{code};{1000 + i};{cell}" for i, (code, cell) in enumerate(MARKED.items())]
    path = tmp_path / "cc_filosofi_2022_COM.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    save_dataset(import_insee(path, communes=bundle.communes[["CODGEO", "LIBGEO", "DEP"]]))
    src = PlainSources(bundle)
    key = TerritoryKey("49", False, "commune", None, imports_token(), Token())
    return src, key


def test_each_marker_keeps_its_label_everywhere(marked):
    src, key = marked
    view = maps.build_map(key, maps.PlainMap("taux_pauvrete_2022", "quantiles", 5, "YlOrRd"), src)
    tooltip = {
        f["id"]: html.unescape(f["properties"]["valeur"]) for f in view.collection["features"]
    }
    zones = table.zones_table(key, None, src)
    header = "Taux de pauvreté 2022 (%)"
    notes = zones.notes.set_index(zones.frame["Code"])[header]
    exported = {
        r["Code"]: r[header]
        for r in csv.DictReader(io.StringIO(zones.csv.decode("utf-8-sig")), delimiter=";")
    }
    terr = src.territory(key)
    catalogue = src.catalogue(key.imports)
    for code, label in LABELS.items():
        assert tooltip[code] == label
        assert notes[code] == label
        assert exported[code] == label  # never an empty cell
        panel = zone_comparison(terr, catalogue, code)
        row = panel["Source"].str.contains("Filosofi 2022") & panel["Indicateur"].str.startswith(
            "Taux"
        )
        assert panel.loc[row, "Valeur"].item() == label
        zone = Zone("commune", code, str(terr.zones.at[code, "LIBGEO"]), terr.label)
        portrait = diagnosis.portrait_data(key, ViewState(department="49"), zone, [], Token(), src)
        assert label in to_html(portrait)
        assert label in to_csv(portrait).decode("utf-8-sig")
    assert tooltip["49007"] == "14,2\u00a0%"
    groups = {g.label: g.count for g in view.missing}
    assert {"Secret statistique", "Non significatif", "Sans objet"} <= set(groups)
    legend = legend_html(view.indicator, view.classification, missing=view.missing)
    assert "Non significatif" in legend and "Sans objet" in legend
    assert "atlas-secret" in legend  # secrecy has its own hatch


def test_ns_and_so_never_read_as_secret(marked):
    src, key = marked
    view = maps.build_map(key, maps.PlainMap("taux_pauvrete_2022", "quantiles", 5, "YlOrRd"), src)
    secret = {g.label: g.count for g in view.missing}.get("Secret statistique", 0)
    national_secret = sum(
        1
        for f in view.collection["features"]
        if html.unescape(f["properties"]["valeur"]) == "secret statistique"
    )
    assert secret == national_secret == 1  # 49002 alone (the file covers five communes)


SPELUNCA = "200067049"


@pytest.fixture(scope="module")
def corsica(bundle, sources_dir):
    filosofi = {}
    with (sources_dir / "cc_filosofi_2021_COM.csv").open(encoding="ascii") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            filosofi[row["CODGEO"]] = row["NBMENFISC21"]
    communes = bundle.communes
    members = communes.loc[communes["EPCI"].eq(SPELUNCA) & communes["TYPE"].eq("COM"), "CODGEO"]
    cells = [filosofi[c] for c in members]
    src = PlainSources(bundle)
    return src, TerritoryKey("2A", False, "epci", None, Token(), Token()), cells


def test_partial_sums_say_at_least_everywhere(corsica):
    src, key, cells = corsica
    secret = sum(c == "s" for c in cells)
    published = sum(int(c) for c in cells if c != "s")
    assert (len(cells), secret, published) == (33, 20, 2319)  # the figures, by hand
    text = "au moins 2\u00a0319\u00a0ménages (20 communes sous secret)"
    view = maps.build_map(key, maps.PlainMap("menages_fiscaux_2021", "quantiles", 5, "YlOrRd"), src)
    tooltip = {
        f["id"]: html.unescape(f["properties"]["valeur"]) for f in view.collection["features"]
    }
    assert tooltip[SPELUNCA] == text
    assert SPELUNCA in view.incomplete
    legend = legend_html(view.indicator, view.classification, level="epci", missing=view.missing,
                         incomplete=len(view.incomplete))  # fmt: skip
    assert "EPCI : somme des seules communes publiées" in legend
    assert view.reference_text.startswith("au moins ")  # the department's total too
    zones = table.zones_table(key, None, src)
    header = "Nombre de ménages fiscaux 2021 (ménages)"
    assert zones.notes.set_index(zones.frame["Code"]).at[SPELUNCA, header] == text
    rows = {
        r["Code"]: r
        for r in csv.DictReader(io.StringIO(zones.csv.decode("utf-8-sig")), delimiter=";")
    }
    assert rows[SPELUNCA][header] == "2319"  # still a number for Excel…
    assert f"{header} : {text}" in rows[SPELUNCA]["Remarques"]  # …and said partial
    terr = src.territory(key)
    panel = zone_comparison(terr, src.catalogue(key.imports), SPELUNCA)
    row = panel["Indicateur"].str.startswith("Nombre de ménages fiscaux")
    row &= panel["Source"].str.contains("Filosofi 2021")
    assert panel.loc[row, "Valeur"].item() == text
    zone = Zone("epci", SPELUNCA, "Spelunca-Liamone", terr.label)
    portrait = diagnosis.portrait_data(key, ViewState(department="2A", level="epci"), zone, [],
                                       Token(), src)  # fmt: skip
    assert text in to_html(portrait)
    assert "Somme partielle : " + text in to_csv(portrait).decode("utf-8-sig")
