"""District sets: CSV / GeoJSON import, French validation, editor, geometry, storage."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sites_fixtures import tiny_communes

from carto.common.identity import NameTaken
from carto.districts.geometry import district_geometries, district_labels, districts_geojson
from carto.districts.importers import (
    DistrictImportError,
    read_district_csv,
    read_district_geojson,
    read_district_names,
)
from carto.districts.model import (
    DistrictError,
    DistrictSet,
    assign,
    assign_epci,
    delete_district,
    epci_district_set,
    mapping_from_pairs,
    rename_district,
    validate,
)
from carto.districts.storage import (
    list_district_sets,
    load_district_set,
    save_district_set,
)
from carto.indicators.catalogue import compute, default_catalogue

COMMUNES = tiny_communes()
CODES_54 = [c for c in COMMUNES["CODGEO"] if c.startswith("54")]


def kinds(issues):
    return {i.kind: i for i in issues}


def test_csv_reports_double_other_department_unknown_and_left_out():
    text = (
        "code_insee;circonscription\n"
        "54001;Nord\n54002;Nord\n54002;Sud\n54003;Sud\n54003;Sud\n"
        "55001;Sud\n99999;Sud\n54004;\n"
    )
    result = read_district_csv(text, "54", "Test", COMMUNES)
    ds = result.district_set
    assert ds.mapping["54002"] == "Nord"  # first kept, and reported
    found = kinds(result.issues)
    assert "Épinal-les-Bains (54002)" in found["double"].message
    assert "Nord" in found["double"].message and "Sud" in found["double"].message
    assert found["other_department"].codes == ("55001",)
    assert found["unknown"].codes == ("99999",)
    assert found["left_out"].codes == ("54004", "54005", "54006")
    assert found["no_name"].codes == ("54004",)
    assert found["repeated"].codes == ("54003",)
    assert all(issue.message[0].isupper() or issue.message[0].isdigit() for issue in result.issues)


def test_csv_identifiers_translated_by_a_names_table():
    names = read_district_names("organisation_id,nom_mds\n1,MDS Nord\n2,MDS Sud\n")
    text = "city_code,city_name,organisation_id\n" + "".join(
        f"{code},X,{1 if i < 3 else 3}\n" for i, code in enumerate(CODES_54)
    )
    result = read_district_csv(text, "54", "MDS", COMMUNES, names=names)
    assert result.district_set.districts == ["3", "MDS Nord"]
    assert "3" in kinds(result.issues)["unknown_district"].message
    assert "left_out" not in kinds(result.issues)


def test_csv_without_a_code_column_is_a_french_error():
    with pytest.raises(DistrictImportError, match="Colonne code commune introuvable"):
        read_district_csv("a;district\n1;N\n", "54", "T", COMMUNES)


def polygon_feature(name, x0, x1):
    geom = shapely.geometry.box(x0, 48.5, x1, 48.9)
    return {"type": "Feature", "properties": {"nom": name}, "geometry": geom.__geo_interface__}


def test_geojson_polygons_assign_by_largest_overlap():
    # West covers column 0 and 60 % of column 1; East covers the rest.
    data = {
        "type": "FeatureCollection",
        "features": [polygon_feature("Ouest", 5.9, 6.16), polygon_feature("Est", 6.16, 6.31)],
    }
    result = read_district_geojson(json.dumps(data), "54", "Poly", COMMUNES)
    mapping = result.district_set.mapping
    assert mapping == {
        "54001": "Ouest",
        "54004": "Ouest",
        "54002": "Ouest",
        "54005": "Ouest",
        "54003": "Est",
        "54006": "Est",
    }
    assert result.issues == []
    # A polygon over half a commune only: assigned, but reported as partial.
    small = {"type": "FeatureCollection", "features": [polygon_feature("Bord", 5.9, 6.03)]}
    found = kinds(read_district_geojson(small, "54", "P", COMMUNES).issues)
    assert found["partial"].codes == ("54001", "54004")
    assert "30 %" in found["partial"].message
    assert len(found["left_out"].codes) == 4


def test_geojson_not_polygons_is_a_french_error():
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [6, 48]},
    }
    with pytest.raises(DistrictImportError, match="n'est pas un polygone"):
        read_district_geojson(
            {"type": "FeatureCollection", "features": [point]}, "54", "P", COMMUNES
        )
    with pytest.raises(DistrictImportError, match="FeatureCollection"):
        read_district_geojson(b"[1, 2]", "54", "P", COMMUNES)


def test_editor_operations_are_pure_and_checked():
    empty = DistrictSet("54", "Édition")
    ds = assign(empty, ["54001", "54002"], "  Nord  ")
    assert empty.mapping == {} and ds.mapping == {"54001": "Nord", "54002": "Nord"}
    ds = assign_epci(ds, COMMUNES, "E2", "Sud")
    assert ds.members("Sud") == ["54004", "54005", "54006"]
    ds = assign(ds, ["54002"], "Sud")  # moves from Nord
    assert ds.members("Nord") == ["54001"]
    with pytest.raises(DistrictError, match="existe déjà"):
        rename_district(ds, "Nord", "Sud")
    with pytest.raises(DistrictError, match="vide"):
        assign(ds, ["54003"], "   ")
    with pytest.raises(DistrictError, match="Aucune commune du département 54"):
        assign_epci(ds, COMMUNES, "E9", "X")
    ds = rename_district(ds, "Nord", "Nord-Ouest")
    assert ds.districts == ["Nord-Ouest", "Sud"]
    ds = delete_district(ds, "Nord-Ouest")
    assert "54001" not in ds.mapping
    assert kinds(validate(ds, COMMUNES))["left_out"].codes == ("54001", "54003")
    with pytest.raises(DistrictError, match="n'existe pas"):
        delete_district(ds, "Nord-Ouest")


def test_zones_feed_indicator_aggregation():
    ds = assign(assign(DistrictSet("54", "Z"), CODES_54[:2], "A"), CODES_54[2:], "B")
    measures = COMMUNES.set_index("CODGEO")[["P_POP", "AREA_KM2"]]
    population = compute(default_catalogue().get("population"), measures, ds.zones())
    assert population.to_dict() == {"A": 300.0, "B": 1800.0}
    assert ds.zones().index.dtype == "str" and ds.zones().index.is_unique


def test_cias_territories_are_the_epci():
    ds = epci_district_set(COMMUNES, pd.Series({"E1": "CC du Nord"}), "54")
    assert ds.members("CC du Nord") == ["54001", "54002", "54003"]
    assert ds.members("E2") == ["54004", "54005", "54006"]  # no name known: the code


def test_geometry_is_the_union_of_members_without_slivers():
    ds = assign(assign(DistrictSet("54", "G"), CODES_54[:2], "A"), CODES_54[2:], "B")
    geoms = district_geometries(ds, COMMUNES)
    assert geoms.loc["B", "n_communes"] == 4 and geoms.loc["B", "P_POP"] == 1800.0
    assert (geoms.geometry.geom_type == "Polygon").all()
    assert all(len(g.interiors) == 0 for g in geoms.geometry)
    label = shapely.Point(geoms.loc["A", "label_lon"], geoms.loc["A", "label_lat"])
    assert geoms.loc["A", "geometry"].contains(label)


def test_geojson_and_labels_escape_names():
    ds = assign(DistrictSet("54", "E"), ["54001"], "<script>alert(1)</script>")
    geoms = district_geometries(ds, COMMUNES)
    text = json.dumps(districts_geojson(geoms)) + repr(district_labels(geoms))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_sets_persist_and_survive_a_restart():
    ds = assign(DistrictSet("54", "Circonscriptions 2024"), CODES_54, "Tout")
    save_district_set(ds)
    save_district_set(DistrictSet("54", "Autre découpage", {"54001": "X"}))
    assert list_district_sets("54") == ["Autre découpage", "Circonscriptions 2024"]
    assert list_district_sets("55") == []
    assert load_district_set("54", "Circonscriptions 2024") == ds
    with pytest.raises(NameTaken, match="« Circonscriptions 2024 »"):
        save_district_set(DistrictSet("54", "circonscriptions 2024"))
    with pytest.raises(DistrictError, match="Aucun jeu"):
        load_district_set("54", "Découpage jamais enregistré")


# --- properties -------------------------------------------------------------------------------

pairs_strategy = st.lists(
    st.tuples(st.sampled_from([*CODES_54, "55001", "99999"]), st.sampled_from(["A", "B", "C"])),
    max_size=20,
)


@given(pairs_strategy)
def test_every_commune_maps_to_at_most_one_district_and_nothing_is_lost(pairs):
    mapping, issues = mapping_from_pairs(pairs, COMMUNES)
    zones = DistrictSet("54", "H", mapping).zones()
    assert zones.index.is_unique
    reported = {code for issue in issues for code in issue.codes}
    for code, district in pairs:
        assert code in mapping
        if mapping[code] != district:
            assert code in reported


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["A", "B", "C", None]), min_size=6, max_size=6))
def test_union_of_districts_equals_union_of_their_communes(choices):
    mapping = {c: d for c, d in zip(CODES_54, choices, strict=True) if d}
    geoms = district_geometries(DistrictSet("54", "H", mapping), COMMUNES)
    members = COMMUNES[COMMUNES["CODGEO"].isin(mapping)]
    expected = shapely.union_all(members.geometry.values)
    got = shapely.union_all(geoms.geometry.values)
    assert abs(got.area - expected.area) <= 1e-9 * max(expected.area, 1)
    assert shapely.symmetric_difference(got, expected).area <= 1e-9
    assert sum(g.area for g in geoms.geometry) == pytest.approx(expected.area)  # no overlap


# --- real Pas-de-Calais file --------------------------------------------------------------------


@pytest.mark.reference
def test_pas_de_calais_mds(reference_dir, bundle):
    folder = reference_dir / "territoires_action_sociale"
    names = read_district_names((folder / "mds_62_noms.csv").read_bytes())
    result = read_district_csv(
        (folder / "zones_62_communes_mds_pas-de-calais.csv").read_bytes(),
        "62",
        "MDS du Pas-de-Calais",
        bundle.communes,
        names=names,
    )
    ds = result.district_set
    assert len(ds.mapping) == 889 and len(ds.districts) == 25
    assert len(ds.members("MDS St Pol sur Ternoise")) == 121
    found = kinds(result.issues)
    assert found["left_out"].codes == ("62193",) and "Calais (62193)" in found["left_out"].message
    # Communes merged since 2020 are reported, not dropped.
    assert found["unknown"].codes == ("62461", "62549", "62743")
    geoms = district_geometries(ds, bundle.communes)
    assert len(geoms) == 25 and geoms.geometry.is_valid.all()
    assert geoms["n_communes"].sum() == 886
    own = bundle.communes[bundle.communes["CODGEO"].isin(ds.mapping)].to_crs("EPSG:2154")
    union = shapely.union_all(geoms.to_crs("EPSG:2154").geometry.values)
    assert union.area == pytest.approx(shapely.union_all(own.geometry.values).area, rel=1e-9)
    assert geoms.to_crs("EPSG:2154").area.sum() == pytest.approx(union.area, rel=1e-9)


def _one(geometry: object) -> str:
    feature = {"type": "Feature", "properties": {"nom": "A"}, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (_one({"type": "Polygon", "coordinates": [[[6, 48], [6.1, 48], [6.1, 48.1]]]}), "fermé"),
        (
            _one({"type": "Polygon", "coordinates": [[["a", 48], [6.1, 48], [6, 49], ["a", 48]]]}),
            "coordonnée invalide",
        ),
        (
            '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            '"geometry":{"type":"Polygon","coordinates":[[[NaN,48],[6,48],[6,49],[NaN,48]]]}}]}',
            "ni texte ni NaN",
        ),
        (_one({"type": "Hexagon", "coordinates": []}), "type Hexagon"),
        ("[" * 100_000 + "]" * 100_000, "imbriqués"),
        (_one({"type": "Polygon", "coordinates": [[[6, 48]] * 250_000]}), "sommets"),
    ],
)
def test_malformed_polygons_are_french_errors_naming_the_feature(content, words):
    """Issue 16: these raised GEOSException, ValueError or RecursionError tracebacks."""
    with pytest.raises(DistrictImportError, match=words) as caught:
        read_district_geojson(content, "54", "P", COMMUNES, file_name="d.geojson")
    assert "d.geojson" in str(caught.value)
