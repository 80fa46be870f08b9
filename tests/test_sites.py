"""Sites: categories, importers (hand-made and real files), presumed CCAS, escaping, storage."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sites_fixtures import tiny_communes

from carto.common.paths import user_data_dir
from carto.sites.categories import CATEGORIES, category_code
from carto.sites.importers import read_sites_csv, read_sites_file, read_sites_geojson
from carto.sites.location import far_from_department
from carto.sites.national import annuaire_hours, osm_hours_text, read_annuaire_geojson
from carto.sites.placement import CommuneIndex
from carto.sites.reading import SiteImportError
from carto.sites.render import sites_geojson
from carto.sites.storage import delete_site_list, load_site_lists, save_site_list
from carto.sites.table import PRESUMED_NAME, presumed_ccas

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def communes():
    return tiny_communes()


def test_categories_are_distinct():
    assert len({c.code for c in CATEGORIES}) == len({c.color for c in CATEGORIES}) == 14
    assert len({c.symbol for c in CATEGORIES}) == 14


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("CCAS", "ccas"),
        ("Centre communal d'action sociale", "ccas"),
        ("cias", "cias"),
        ("Centres sociaux", "centre_social"),
        ("MSAP", "france_services"),
        ("France Services", "france_services"),
        ("Missions locales", "mission_locale"),
        ("Maison départementale des personnes handicapées", "mdph"),
        ("MAISON DEPARTEMENTALE DES SOLIDARITES", "mds"),
        ("Conseil départemental", "conseil_departemental"),  # its seat, not a social site
        ("Point info famille", "pif"),
        ("Autres", "autre"),
        ("Boulangerie", None),
    ],
)
def test_category_labels_in_french(label, code):
    assert category_code(label) == code


def test_csv_semicolon_french_labels_decimal_comma(communes):
    text = (
        "Nom;Catégorie;Adresse;Code commune;Latitude;Longitude\n"
        "CCAS d'Alpha;Centre communal d'action sociale;2 rue A;54001;48,61;6,02\n"
        "Centre social Delta;Centres sociaux;3 rue D;54004;;\n"
        "Mystère;Boulangerie;4 rue Z;54002;48,65;6,15\n"
    )
    result = read_sites_csv(text.encode("utf-8-sig"), communes)
    sites = result.sites.set_index("name")
    assert sites.loc["CCAS d'Alpha", ["lat", "lon"]].tolist() == [48.61, 6.02]
    assert not sites.loc["CCAS d'Alpha", "approximate"]
    # No coordinates: placed at the town hall of Delta, marked approximate.
    assert sites.loc["Centre social Delta", "category"] == "centre_social"
    assert sites.loc["Centre social Delta", ["lon", "lat"]].tolist() == [6.05, 48.75]
    assert sites.loc["Centre social Delta", "approximate"]
    assert sites.loc["Mystère", "category"] == "autre"
    text_messages = " ".join(result.messages)
    assert "position approximative" in text_messages and "Centre social Delta" in text_messages
    assert "ligne 4" in text_messages and "Boulangerie" in text_messages


def test_csv_comma_unknown_code_rejected_and_reported(communes):
    text = "name,category,address,CODGEO\nA,PMI,1 rue,99999\nB,CAF,2 rue,54001\n"
    result = read_sites_csv(text, communes)
    assert result.sites["name"].tolist() == ["B"]
    assert result.sites["CODGEO"].tolist() == ["54001"]
    assert result.rejected["name"].tolist() == ["A"]
    assert any("99999" in m for m in result.messages)
    assert any("non importée" in m and "A" in m for m in result.messages)


def test_csv_code_padded_when_a_spreadsheet_dropped_the_zero():
    communes = tiny_communes()
    communes.loc[0, "CODGEO"] = "01001"
    result = read_sites_csv("nom;categorie;code commune\nX;CLIC;1001\n", communes)
    assert result.sites["CODGEO"].tolist() == ["01001"]


def test_csv_missing_columns_is_a_french_error(communes):
    with pytest.raises(SiteImportError, match=r"Colonnes manquantes.*catégorie"):
        read_sites_csv("nom;adresse\nA;1 rue\n", communes)


def test_csv_bad_coordinates_is_a_french_error(communes):
    with pytest.raises(SiteImportError, match="Ligne 2 : coordonnées illisibles"):
        read_sites_csv("nom;categorie;latitude;longitude\nA;CAF;abc;6\n", communes)


def test_geojson_points_commune_by_position(communes):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [6.15, 48.65]},
                "properties": {"nom": "MDS Centre", "categorie": "MDS", "telephone": "03"},
            }
        ],
    }
    result = read_sites_geojson(json.dumps(data).encode(), communes)
    row = result.sites.iloc[0]
    assert (row["name"], row["category"], row["CODGEO"], row["phone"]) == (
        "MDS Centre",
        "mds",
        "54002",
        "03",
    )
    assert any("coordonnées" in m for m in result.messages)


def test_unsupported_file_and_bad_json(communes):
    with pytest.raises(SiteImportError, match="non pris en charge"):
        read_sites_file("liste.xlsx", b"", communes)
    with pytest.raises(SiteImportError, match="JSON illisible"):
        read_sites_file("liste.geojson", b"{oops", communes)


def test_postal_code_and_name_match_ignores_accents_and_case(communes):
    index = CommuneIndex(communes)
    assert index.by_postal_name("54100", "EPINAL LES BAINS") == "54002"
    assert index.by_postal_name("54200", "st gamma") == "54003"
    assert index.by_postal_name("54999", "Delta") == "54004"  # name within the department
    assert index.by_postal_name("54000", "Nulle part") is None


def test_presumed_ccas_only_where_compulsory_and_unknown(communes):
    communes["P_POP"] = [1500.0, 1499.0, 3000.0, 2000.0, 8000.0, 1600.0, 5000.0]
    presumed = presumed_ccas(communes)
    # Below 1 500 inhabitants a CCAS is optional: 54002 gets none.
    assert sorted(presumed["CODGEO"]) == ["54001", "54003", "54004", "54005", "54006", "55001"]
    assert presumed["presumed"].all() and set(presumed["name"]) == {PRESUMED_NAME}
    # Nothing invented: no phone, no « CCAS de … », only the town hall's address.
    assert (presumed["phone"] == "").all() and (presumed["hours"] == "").all()
    assert presumed.set_index("CODGEO").at["54006", "approximate"]  # no town hall known
    assert "Commune : Alpha (1\u00a0500 habitants)" in presumed["address"].iloc[0]
    real = read_sites_csv(
        "nom;categorie;code commune\nCCAS réel;CCAS;54001\nCIAS;CIAS;54004\n", communes
    ).sites
    # A real CCAS covers its commune; a CIAS covers every commune of its EPCI (E2).
    left = presumed_ccas(communes, real)
    assert sorted(left["CODGEO"]) == ["54003"]


def test_popup_and_properties_are_escaped(communes):
    text = f"nom;categorie;adresse;code commune\n{XSS};CCAS;<b>rue</b>;54001\n"
    layer = sites_geojson(read_sites_csv(text, communes).sites)
    props = layer["features"][0]["properties"]
    assert "<img" not in json.dumps(layer)
    assert props["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "&lt;b&gt;rue&lt;/b&gt;" in props["popup"]
    assert props["popup"].startswith("<b>&lt;img")


def test_a_site_far_outside_its_department_is_reported(communes):
    text = (
        "nom;categorie;code commune;latitude;longitude\n"
        "Près;CCAS;54001;48,61;6,02\n"
        "Frontière;CCAS;54001;48,61;5,97\n"  # 2 km west of the department: border slack
        "Luxembourg;CCAS;54002;49,60;6,13\n"  # geocoded in another country
    )
    result = read_sites_csv(text, communes)
    far = far_from_department(result.sites, communes)
    assert [f.name for f in far] == ["Luxembourg"]
    assert 85 < far[0].distance_km < 95  # 0.8° of latitude north of the grid
    message = next(m for m in result.messages if "plus de 5 km" in m)
    assert "Luxembourg (commune Épinal-les-Bains (54002), à 89 km du département 54)" in message
    assert len(result.sites) == 3  # reported, never dropped


def test_hours_texts():
    single = {"PlageJ": {"début": "lundi", "fin": "lundi", "PlageH": {"début": "08:30:00"}}}
    assert annuaire_hours(single).startswith("le lundi : 8\u00a0h\u00a030")
    listed = {
        "PlageJ": [
            {"début": "mardi", "fin": "mercredi", "PlageH": {"début": "14:00:00", "fin": "17:00"}},
            {"début": "jeudi", "fin": "vendredi", "PlageH": [{"début": "09:30", "fin": "12:00"}]},
        ]
    }
    assert annuaire_hours(listed) == (
        "du mardi au mercredi : 14\u00a0h – 17\u00a0h ; "
        "du jeudi au vendredi : 9\u00a0h\u00a030 – 12\u00a0h"
    )
    assert osm_hours_text("Tu-Fr 09:00-12:00; Mo off") == "mar.–ven. 09:00–12:00; lun. fermé"


def test_site_lists_persist_atomically(communes):
    sites = read_sites_csv("nom;categorie;code commune\nA;PMI;54001\n", communes).sites
    stored = save_site_list("Partenaires 2024", sites)
    folder = user_data_dir() / "sites"
    assert sorted(p.name for p in folder.iterdir() if p.name != ".lock") == [f"{stored.id}.json"]
    loaded = load_site_lists()[stored.id]
    assert loaded["CODGEO"].tolist() == ["54001"] and loaded["category"].tolist() == ["pmi"]
    delete_site_list(stored.id)
    assert load_site_lists() == {}
    (folder / "casse.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=r"illisible : casse\.json"):
        load_site_lists()


# --- real reference files -------------------------------------------------------------------


@pytest.mark.reference
def test_annuaire_real_files(reference_dir, bundle):
    features = []
    for path in sorted((reference_dir / "annuaire_structures_sociales_2017").glob("*.json")):
        features += json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(features) == 401
    result = read_annuaire_geojson(
        {"type": "FeatureCollection", "features": features}, bundle.communes
    )
    sites = result.sites
    # 401 structures + 10 social-action premises found in CAF addresses − 1 exact duplicate.
    assert len(sites) == 410
    counts = sites["category"].value_counts()
    assert counts["pmi"] == 144 and counts["mdph"] == 5 and counts["france_services"] == 61
    hosted = sites[sites["id"].str.endswith("-locaux")]
    assert sorted(hosted["category"]) == ["ccas"] * 9 + ["mds"]
    # Each annuaire type as what it is: the Conseil départemental's seat is not an MDS.
    assert counts["conseil_departemental"] == 5 and "mds" not in set(
        sites.loc[sites["name"].str.startswith("Conseil départemental"), "category"]
    )
    assert counts["pif"] > 0 and counts["repit_aidants"] > 0 and "autre" not in counts
    # The CCAS of Mont-Saint-Martin (54) is plotted in Luxembourg by its source: reported.
    far = next(m for m in result.messages if "plus de 5 km" in m)
    assert "Centre communal d'action sociale (Mont-Saint-Martin)" in far
    assert set(hosted["CODGEO"].str[:2]) == {"33", "54", "73"}
    assert sites["approximate"].sum() == 2  # no coordinates: placed at the town hall
    pontoise = sites[sites["id"] == "accompagnement_personnes_agees-95500-01"].iloc[0]
    assert pontoise["approximate"] and pontoise["CODGEO"] == "95500"
    first = sites.set_index("id").loc["accompagnement_personnes_agees-33063-01"]
    assert first["address"] == "EHPAD\nVilla-Pia\n52 rue des Treuils\n33000 Bordeaux"
    assert first["hours"].startswith(
        "du mardi au vendredi : 9\u00a0h – 13\u00a0h, 14\u00a0h – 17\u00a0h"
    )
    assert any("Doublon" in m and "Longwy" in m for m in result.messages)
    assert any("73002" in m for m in result.messages)  # merged commune, reported


@pytest.mark.reference
@pytest.mark.parametrize(
    "filename", ["lieux_cnfs_2022_ccas_cias.json", "lieux_cnfs_2022_ccas_cias.geojson"]
)
def test_ccas_cias_real_list(reference_dir, bundle, filename):
    data = (reference_dir / "ccas_cias" / filename).read_bytes()
    result = read_sites_file(filename, data, bundle.communes)
    sites = result.sites
    assert len(sites) == 106 - 4 - 2 - 1  # Vitry ×5, Cassel ×3, Hellemmes ×2 merged
    assert sites["CODGEO"].notna().all() and not sites["approximate"].any()
    assert set(sites["category"]) == {"ccas", "cias"}
    seugy = sites[sites["address"].str.contains("95270 SEUGY")].iloc[0]
    assert (seugy["category"], seugy["CODGEO"]) == ("cias", "95594")
    text = " ".join(result.messages)
    assert "figure 5 fois" in text and "figure 3 fois" in text
    assert "Hellemmes" in text and "13004 Marseille" in text
    assert np.isfinite(sites[["lon", "lat"]].to_numpy()).all()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"type":"FeatureCollection","features":42}', "« features » doit être une liste"),
        ('{"type":"FeatureCollection","features":[1,2]}', "L'objet n° 1"),
        (
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],'
            '"geometry":null}]}',
            "« properties » doit être un objet",
        ),
        ("[" * 100_000 + "]" * 100_000, "imbriqués"),
        ('[{"nom":"CCAS"}, 3]', "L'enregistrement n° 2"),
    ],
)
def test_malformed_site_json_is_a_french_error_naming_the_feature(communes, content, words):
    """Issue 16: these shapes raised TypeError or AttributeError tracebacks."""
    with pytest.raises(SiteImportError, match=words) as caught:
        read_sites_file("sites.geojson", content.encode(), communes)
    assert "sites.geojson" in str(caught.value) or "imbriqués" in words
