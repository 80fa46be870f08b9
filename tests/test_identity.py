"""Stable ids, names kept as typed, replacement asked for, earlier layouts still read
(issue 16, defect 3). The rules are checked with the documents in files, in SQLite and in
PostgreSQL (``any_backend``); the layouts of earlier versions are files only."""

from __future__ import annotations

import json
import threading
import time

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from carto.common.authorisation import authorise
from carto.common.collection import Collection
from carto.common.files import atomic_write
from carto.common.identity import InvalidName, NameTaken, clean_name, name_key, new_id
from carto.common.paths import user_data_folder
from carto.districts.model import DistrictSet
from carto.districts.storage import (
    delete_district_set,
    district_sets,
    list_district_sets,
    load_district_set,
    rename_district_set,
    save_district_set,
)
from carto.indicators.catalogue import Kind, indicator_to_json
from carto.indicators.sources import store as dataset_store
from carto.indicators.sources.dataset_ids import with_id
from carto.indicators.sources.imports import (
    ColumnMapping,
    PartnerMapping,
    import_partner,
)
from carto.indicators.sources.store import (
    delete_dataset,
    list_datasets,
    load_imported_measures,
    save_dataset,
)
from carto.sites.storage import (
    delete_site_list,
    list_site_lists,
    rename_site_list,
    save_site_list,
)
from carto.territories.iris import contour_sets, delete_contours, load_contours, save_contours

SITES = pd.DataFrame({"id": ["a"], "name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
COMMUNES = pd.DataFrame({"CODGEO": ["54395"], "LIBGEO": ["Nancy"], "DEP": ["54"]})


# --- names ----------------------------------------------------------------------------------


def test_names_people_would_confuse_share_a_key_other_scripts_do_not():
    assert name_key("CCAS du Grand Nancy") == name_key("ccas du grand-nancy !")
    assert name_key("Secteurs Nord") == name_key("SECTEURS  NORD")
    assert name_key("Saint-Dié") == name_key("saint die")
    keys = {name_key(n) for n in ("Список", "Liste 日本", "Liste", "Список 2", "!!!")}
    assert len(keys) == 5


@given(st.text(st.characters(min_codepoint=0x30, max_codepoint=0xFF), min_size=1, max_size=40))
def test_name_key_ignores_case_accents_and_punctuation(name: str):
    assert name_key(name.upper()) == name_key(name.lower())
    if any(ch.isalnum() for ch in name):
        assert name_key(f"« {name} » !") == name_key(name)


def test_ids_are_random_and_names_must_be_readable():
    assert len({new_id() for _ in range(10_000)}) == 10_000
    assert clean_name("  Liste 日本 ", "à la liste") == "Liste 日本"
    for bad in ("", "   ", "a\x00b", "a\u202eb", "x" * 200):
        with pytest.raises(InvalidName):
            clean_name(bad, "à la liste")


# --- site lists -----------------------------------------------------------------------------


@pytest.mark.usefixtures("any_backend")
def test_a_site_list_under_a_confusable_name_asks_to_replace():
    first = save_site_list("CCAS du Grand Nancy", SITES)
    with pytest.raises(NameTaken, match="« CCAS du Grand Nancy »") as caught:
        save_site_list("ccas du grand-nancy !", SITES.assign(name="Autre"))
    assert caught.value.existing.id == first.id
    [kept] = list_site_lists()
    assert kept.sites["name"].tolist() == ["CCAS"]
    replaced = save_site_list("ccas du grand-nancy !", SITES.assign(name="Autre"), replace=True)
    assert replaced.id == first.id and replaced.name == "ccas du grand-nancy !"
    assert [s.sites["name"].tolist() for s in list_site_lists()] == [["Autre"]]


@pytest.mark.usefixtures("any_backend")
def test_names_in_other_scripts_are_distinct_lists_shown_as_typed():
    for name in ("Список", "Liste 日本", "Liste"):
        save_site_list(name, SITES)
    assert sorted(s.name for s in list_site_lists()) == ["Liste", "Liste 日本", "Список"]
    assert len({s.id for s in list_site_lists()}) == 3


def test_a_site_list_of_an_earlier_version_is_read_renamed_and_deleted():
    folder = user_data_folder("sites")
    legacy = {"name": "CCAS du Grand Nancy", "sites": SITES.to_dict("records")}
    (folder / "ccas-du-grand-nancy.json").write_text(json.dumps(legacy), encoding="utf-8")
    [old] = list_site_lists()
    assert (old.id, old.name) == ("ccas-du-grand-nancy", "CCAS du Grand Nancy")
    with pytest.raises(NameTaken):
        save_site_list("CCAS du grand Nancy", SITES)
    renamed = rename_site_list(old.id, "CCAS de la Métropole")
    assert renamed.id == old.id and [s.name for s in list_site_lists()] == [renamed.name]
    delete_site_list(old.id)
    assert list_site_lists() == []


@pytest.mark.usefixtures("any_backend")
def test_ids_from_outside_never_reach_another_folder():
    with pytest.raises(ValueError, match="invalide"):
        delete_site_list("../imports/x")


# --- district sets --------------------------------------------------------------------------


@pytest.mark.usefixtures("any_backend")
def test_district_sets_keep_ids_rename_and_delete():
    stored = save_district_set(DistrictSet("54", "Secteurs Nord", {"54395": "A"}))
    with pytest.raises(NameTaken):
        save_district_set(DistrictSet("54", "secteurs nord", {"54395": "B"}))
    again = save_district_set(DistrictSet("54", "secteurs nord", {"54395": "B"}), replace=True)
    assert again.id == stored.id
    assert load_district_set("54", "SECTEURS NORD").mapping == {"54395": "B"}  # links too
    save_district_set(DistrictSet("54", "Список", {"54395": "C"}))
    assert list_district_sets("54") == ["secteurs nord", "Список"]
    rename_district_set("54", stored.id, "Territoires")
    assert load_district_set("54", "Territoires").mapping == {"54395": "B"}
    delete_district_set("54", stored.id)
    assert [n.name for n in district_sets("54")] == ["Список"]


def test_a_district_set_of_an_earlier_version_is_read():
    folder = user_data_folder("districts", "54")
    legacy = DistrictSet("54", "Circonscriptions 2024", {"54395": "Nancy"}).to_dict()
    (folder / "circonscriptions-2024.json").write_text(json.dumps(legacy), encoding="utf-8")
    assert list_district_sets("54") == ["Circonscriptions 2024"]
    assert load_district_set("54", "Circonscriptions 2024").mapping == {"54395": "Nancy"}
    [named] = district_sets("54")
    assert named.id == "circonscriptions-2024"


# --- datasets -------------------------------------------------------------------------------

MAPPING = PartnerMapping(
    "export.csv", "CAF", "code", (ColumnMapping("alloc", "Allocataires", Kind.COUNT),)
)


def _partner(value: int, mapping: PartnerMapping = MAPPING):
    data = f"code;alloc\n54395;{value}\n".encode()
    return import_partner(data, mapping, name="export.csv", communes=COMMUNES)


@pytest.mark.usefixtures("any_backend")
def test_two_partners_with_the_default_title_never_replace_each_other():
    caf = save_dataset(_partner(12))
    with pytest.raises(NameTaken, match=r"« export\.csv »"):
        save_dataset(_partner(99))
    [kept] = list_datasets()
    assert kept.id == caf.id
    values, _, _ = load_imported_measures(pd.Index(["54395"]))
    assert values.iloc[0, 0] == 12
    ccas = save_dataset(
        _partner(99, PartnerMapping("export.csv (CCAS)", "CCAS", "code", MAPPING.columns))
    )
    assert ccas.id != caf.id and len(list_datasets()) == 2


def test_partner_indicator_ids_fit_in_links_and_never_collide():
    labels = ("Taux (%)", "taux", "Part des allocataires " * 10, "Доля")
    mapping = PartnerMapping(
        "Allocataires de la CAF de Meurthe-et-Moselle 2024 " * 3,
        "CAF",
        "code",
        tuple(ColumnMapping(c, label) for c, label in zip("abcd", labels, strict=True)),
    )
    data = b"code;a;b;c;d\n54395;1;2;3;4\n"
    dataset = import_partner(data, mapping, name="caf.csv", communes=COMMUNES)
    ids = [i.id for i in dataset.indicators]
    assert len(set(ids)) == 4 and max(map(len, ids)) <= 60


def test_a_dataset_of_an_earlier_version_is_read_and_replaced_under_its_id():
    """Manifests named by the folded title, with long indicator ids, keep their ids."""
    old_id = "partenaire_allocataires_caf_2024"
    legacy = with_id(_partner(12), old_id)
    grant = authorise(None)
    folder = dataset_store.imports_dir()
    data_file = f"{old_id}-0123456789.parquet"
    frame = legacy.values.copy()
    frame[dataset_store.SECRET_PREFIX + legacy.values.columns[0]] = False
    atomic_write(folder / data_file, lambda p: frame.to_parquet(p), grant=grant)
    manifest = {
        "id": old_id, "title": "Allocataires CAF 2024", "kind": "partner", "level": "commune",
        "file_name": "caf.csv", "imported_at": "2025-01-01T00:00:00+00:00", "rows": 1,
        "summary": "…", "data_file": data_file,
        "indicators": [indicator_to_json(i) for i in legacy.indicators],
    }  # fmt: skip
    (folder / f"{old_id}.json").write_text(json.dumps(manifest), encoding="utf-8")
    [stored] = list_datasets()
    assert stored.id == old_id and stored.indicators[0].id.startswith(old_id + "__")
    new = _partner(13, PartnerMapping("allocataires CAF 2024", "CAF", "code", MAPPING.columns))
    with pytest.raises(NameTaken):
        save_dataset(new)
    replaced = save_dataset(new, replace=True)
    assert replaced.id == old_id
    assert [i.id for i in replaced.indicators] == [i.id for i in stored.indicators]
    values, _, _ = load_imported_measures(pd.Index(["54395"]))
    assert values.at["54395", stored.indicators[0].column] == 13
    assert sorted(p.name for p in folder.glob("*.parquet")) != [data_file]  # old data gone
    delete_dataset(old_id)
    assert list(folder.glob("*.parquet")) == []


# --- IRIS contours --------------------------------------------------------------------------


def _contours(code: str, x: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"NOM_IRIS": [code], "INSEE_COM": [code[:5]]},
        geometry=[shapely.box(x, 48.6, x + 0.1, 48.7)],
        index=pd.Index([code], name="IRIS"),
        crs="EPSG:4326",
    )


@pytest.mark.usefixtures("any_backend")
def test_contour_sets_never_silently_replace_each_other():
    save_contours(_contours("543950101", 6.1), "Nancy")
    save_contours(_contours("575630101", 6.2), "Metz")
    with pytest.raises(NameTaken):
        save_contours(_contours("543950102", 6.3), "nancy")
    assert sorted(load_contours().index) == ["543950101", "575630101"]
    assert save_contours(_contours("543950102", 6.3), "nancy", replace=True) == 2
    assert sorted(load_contours().index) == ["543950102", "575630101"]
    metz = next(c for c in contour_sets() if c.name == "Metz")
    delete_contours(metz.id)
    assert list(load_contours().index) == ["543950102"]


def test_the_single_contours_file_of_an_earlier_version_is_a_set():
    folder = user_data_folder("iris")
    _contours("543950101", 6.1).to_parquet(folder / "contours.parquet")
    [legacy] = contour_sets()
    assert legacy.id == "contours" and list(load_contours().index) == ["543950101"]
    save_contours(_contours("575630101", 6.2), "Metz")
    assert sorted(c.name for c in contour_sets()) == ["Contours IRIS", "Metz"]
    delete_contours("contours")
    assert list(load_contours().index) == ["575630101"]
    assert not (folder / "contours.parquet").exists()


# --- concurrency and leftovers --------------------------------------------------------------


@pytest.mark.usefixtures("any_backend")
def test_two_sessions_saving_one_name_at_once_store_one_list():
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def save(n: int) -> None:
        barrier.wait()
        try:
            save_site_list("Partenaires", SITES.assign(name=f"site {n}"))
            outcomes.append("saved")
        except NameTaken:
            outcomes.append("asked")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["asked"] * 7 + ["saved"]
    assert len(list_site_lists()) == 1


def test_temporary_files_left_by_a_killed_write_are_removed_by_the_next_write():
    folder = user_data_folder("sites")
    stale, fresh = folder / ".x.json.abc.tmp", folder / ".y.json.def.tmp"
    for path in (stale, fresh):
        path.write_text("moitié", encoding="utf-8")
    old = time.time() - 7200
    import os

    os.utime(stale, (old, old))
    save_site_list("Liste", SITES)
    assert not stale.exists() and fresh.exists()  # a fresh one may be another process's


def test_a_collection_reports_a_corrupt_document_by_its_file_name():
    collection = Collection("essai", "Une liste")
    (user_data_folder("essai") / "abc.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abc\.json"):
        collection.entries()
