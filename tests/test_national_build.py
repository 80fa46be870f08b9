"""The national needs indicators of data/: rebuilt byte for byte from INSEE's official files
(as in ../shared/sources, or as the zips downloaded from insee.fr), with their provenance, and
declared in the catalogue with everything a map, a table or a portrait shows of them."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

from carto import bundle_build
from carto.common.paths import DATA_DIR
from carto.indicators.catalogue import THEMES, Kind, Polarity
from carto.indicators.national import NATIONAL_FILE, read_national
from carto.territories.bundle import BUNDLE_FILES

FILOSOFI = "cc_filosofi_2021_COM.csv"
COMPARATEUR = "base_cc_comparateur_csv.zip"
# The issue's list, at least (ids are the importers' own, with the vintage).
REQUIRED = {
    "revenu_median_2021": Kind.VALUE,
    "revenu_median_2019": Kind.VALUE,
    "decile_1_2021": Kind.VALUE,
    "decile_9_2021": Kind.VALUE,
    "rapport_interdecile_2021": Kind.VALUE,
    "taux_pauvrete_2021": Kind.VALUE,
    "taux_pauvrete_age1_2021": Kind.VALUE,
    "taux_pauvrete_age6_2021": Kind.VALUE,
    "taux_pauvrete_locataires_2021": Kind.VALUE,
    "part_menages_imposes_2021": Kind.VALUE,
    "part_prestations_sociales_2021": Kind.VALUE,
    "part_minima_sociaux_2021": Kind.VALUE,
    "part_prestations_logement_2021": Kind.VALUE,
    "menages_fiscaux_2021": Kind.COUNT,
    "population_rp_2018": Kind.COUNT,
    "population_rp_2013": Kind.COUNT,
    "evolution_population_1318": Kind.RATE,
    "taux_chomage_2018": Kind.RATE,
    "taux_activite_2018": Kind.RATE,
    "part_logements_vacants_2018": Kind.RATE,
    "part_proprietaires_2018": Kind.RATE,
    "part_residences_secondaires_2018": Kind.RATE,
    "solde_naturel_1318": Kind.COUNT,
    "emplois_2018": Kind.COUNT,
}


def _committed_bundle(tmp_path):
    """A copy of data/ as committed (the territories part the indicators are built on)."""
    out = tmp_path / "data"
    out.mkdir()
    for name in (*BUNDLE_FILES.values(), "README.md"):
        shutil.copy(DATA_DIR / name, out / name)
    return out


def _quiet(_message: str) -> None:
    return None


def test_rebuild_gives_identical_bytes(sources_dir, tmp_path):
    out = _committed_bundle(tmp_path)
    bundle_build.run(out, sources_dir, only="indicateurs", log=_quiet)
    assert (out / NATIONAL_FILE).read_bytes() == (DATA_DIR / NATIONAL_FILE).read_bytes()
    assert (out / "bundle.json").read_bytes() == (DATA_DIR / "bundle.json").read_bytes()
    assert (out / "README.md").read_bytes() == (DATA_DIR / "README.md").read_bytes()


def test_the_zips_downloaded_from_insee_give_the_same_table(sources_dir, tmp_path):
    given = tmp_path / "telechargements"
    given.mkdir()
    zipped = given / "base-cc-filosofi-2021-geo2024_csv.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(sources_dir / FILOSOFI, FILOSOFI)
        # INSEE's zip holds the other levels too: the communes' file must be the one read.
        head = (sources_dir / FILOSOFI).read_text(encoding="ascii").splitlines()[0]
        archive.writestr("cc_filosofi_2021_DEP.csv", head + "\n")
    shutil.copy(sources_dir / COMPARATEUR, given / COMPARATEUR)
    out = _committed_bundle(tmp_path)
    bundle_build.run(out, given, only="indicateurs", log=_quiet)
    assert (out / NATIONAL_FILE).read_bytes() == (DATA_DIR / NATIONAL_FILE).read_bytes()
    record = json.loads((out / "bundle.json").read_text(encoding="utf-8"))["indicateurs"]
    filosofi = record["sources"][0]
    assert filosofi["fichier"] == f"{zipped.name} ({FILOSOFI})"
    assert filosofi["sha256"] == hashlib.sha256(zipped.read_bytes()).hexdigest()
    assert filosofi["geographie"] == "COG 2024"  # read from the zip's name


def test_missing_official_files_are_said_in_french(tmp_path, capsys):
    empty = tmp_path / "vide"
    empty.mkdir()
    out = _committed_bundle(tmp_path)
    code = bundle_build.main(["--out", str(out), "--sources", str(empty), "--only", "indicateurs"])
    assert code == 1
    assert "Aucun fichier « Filosofi, base communale »" in capsys.readouterr().err
    assert (out / "bundle.json").read_bytes() == (DATA_DIR / "bundle.json").read_bytes()


def test_bundle_records_each_input(bundle, sources_dir):
    section = bundle.meta["indicateurs"]
    by_file = {s["fichier"].split(" ")[0]: s for s in section["sources"]}
    for name in (FILOSOFI, COMPARATEUR):
        digest = hashlib.sha256((sources_dir / name).read_bytes()).hexdigest()
        assert by_file[name]["sha256"] == digest
        assert by_file[name]["octets"] == (sources_dir / name).stat().st_size
    assert by_file[FILOSOFI]["millesimes"] == {"filosofi": "2021"}
    assert by_file[FILOSOFI]["geographie"] == "COG 2024"
    assert by_file[COMPARATEUR]["millesimes"]["rp"] == "2018"
    assert by_file[COMPARATEUR]["geographie"] == "COG 2021"
    assert by_file[COMPARATEUR]["edition"] == "janvier 2022"
    assert by_file[FILOSOFI]["departements_non_couverts"] == ["971", "973", "976"]
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert by_file[FILOSOFI]["sha256"] in readme and by_file[COMPARATEUR]["sha256"] in readme
    matched = by_file[FILOSOFI]["rapprochement"]["identiques"]
    assert f"{matched:,} matched as is" in readme


def test_the_data_stays_small(bundle):
    size = (DATA_DIR / NATIONAL_FILE).stat().st_size
    assert size == bundle.meta["indicateurs"]["octets"]
    assert size < 4_000_000  # the whole of France, 40 measures with their markers


def test_catalogue_declares_the_needs_indicators():
    national = {i.id: i for i in read_national().indicators}
    assert len(national) >= 20
    for ident, kind in REQUIRED.items():
        ind = national[ident]
        assert ind.kind is kind, ident
        assert ind.label and ind.definition and ind.vintage, ident
        assert ind.source_line().startswith("Source : Insee, "), ident
        assert isinstance(ind.polarity, Polarity) and ind.theme in THEMES, ident
    assert national["revenu_median_2021"].source_line() == "Source : Insee, Filosofi 2021"
    assert national["taux_pauvrete_2021"].polarity is Polarity.HIGHER_WORSE
    assert national["taux_chomage_2018"].unit == "%"
    themes = {i.theme for i in national.values()}
    assert {"Revenus et pauvreté", "Emploi et activité", "Logement", "Population"} <= themes
