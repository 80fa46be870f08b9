"""Defect 3: every commune code of the bundle checked against INSEE's own codes; a commune
whose code changed with its chef-lieu (Orée d'Anjou, 49069 in INSEE's files, 49126 since) gets
its row whole, and no report calls that row a merged commune's."""

from __future__ import annotations

import pandas as pd
import pytest

from carto.indicators.national import read_national
from carto.indicators.national_build import find_sources, read_sources
from carto.indicators.sources.imports import import_insee
from carto.territories.codes import FORMER_CODE, MERGED, SAME, match_file_codes
from carto.territories.history import delegated_communes, department_of

FORMER = {"12076": "12218", "14011": "14581", "49069": "49126", "69159": "69114"}
# The comparateur's geography (2021) also predates 27058 → 27676 (Trois Lacs).
FORMER_2021 = {**FORMER, "27058": "27676"}


def _communes(*codes: str) -> pd.DataFrame:
    return pd.DataFrame({"CODGEO": list(codes), "TYPE": "COM"})


def _history(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CODGEO_ANCIEN": [old for old, _ in rows],
            "LIBGEO_ANCIEN": "ancienne",
            "TYPE": "COMD",
            "CODGEO": [new for _, new in rows],
        }
    )


def test_one_rule_places_every_code():
    communes = _communes("10001", "20001", "30001", "40001")
    history = _history(
        ("10002", "10001"),  # 10001 is in the file too: 10002 merged into it
        ("20002", "20001"),  # 20001 absent, one former code: 20001's former code
        ("30002", "30001"),  # 30001 absent, two former codes: merged (and renamed)
        ("30003", "30001"),
    )
    codes = pd.Index(["10001", "10002", "20002", "30002", "30003", "40001", "99999"])
    match = match_file_codes(codes, communes, history)
    assert match.relation.to_dict() == {
        "10001": MERGED,
        "10002": MERGED,
        "20002": FORMER_CODE,
        "30002": MERGED,
        "30003": MERGED,
        "40001": SAME,
    }
    assert match.target["20002"] == "20001" and match.former_codes == {"20002": "20001"}
    assert match.merged_targets == {"10001", "30001"}
    assert match.absent == ("99999",) and match.not_in_file == ()


@pytest.fixture(scope="module")
def official(sources_dir):
    return read_sources(find_sources(sources_dir))


def test_every_commune_code_of_the_bundle_is_checked_against_insee(bundle, official):
    communes = bundle.communes[["CODGEO", "TYPE"]]
    report = {s["produit"]: s for s in bundle.meta["indicateurs"]["sources"]}
    for product, table in official.items():
        match = match_file_codes(table.values.index, communes, bundle.history)
        expected = FORMER if product == "filosofi" else FORMER_2021
        assert match.former_codes == expected  # found by the rule, not listed in the code
        record = report[
            "Filosofi, base communale" if product == "filosofi" else "Comparateur de territoires"
        ]
        uncovered = set(record["departements_non_couverts"])
        without_row = [c for c in match.not_in_file if department_of(c) not in uncovered]
        assert without_row == record["communes_sans_ligne"]
        assert len(without_row) <= 8  # communes re-established since the file's geography
        current = communes.loc[communes["TYPE"].eq("COM"), "CODGEO"]
        placed = set(match.target)
        for code in current:
            assert code in placed or code in match.not_in_file, code
    assert bundle.meta["report"]["anciens_codes_de_communes"] == FORMER_2021


def test_the_history_types_the_former_codes_of_whole_communes(bundle):
    history = bundle.history.set_index("CODGEO_ANCIEN")
    for old, new in FORMER_2021.items():
        assert (history.at[old, "TYPE"], history.at[old, "CODGEO"]) == ("COM", new)
    assert "49069" not in delegated_communes(bundle.history)  # not a merged commune's row


def test_oree_d_anjou_gets_its_whole_row(bundle, official):
    national = read_national()
    filosofi = official["filosofi"].values
    for column in ("MED21", "NBMENFISC21", "TP6021", "D921"):
        assert national.values.at["49126", column] == filosofi.at["49069", column], column
    assert national.markers.at["49126", "MED21"] == 0  # a median of the same territory


def test_the_import_report_reads_49069_as_oree_d_anjou(bundle, sources_dir, tmp_path):
    lines = (sources_dir / "cc_filosofi_2021_COM.csv").read_text(encoding="ascii").splitlines()
    dep49 = tmp_path / "cc_filosofi_2021_COM_49.csv"
    dep49.write_text("\n".join([lines[0], *(x for x in lines if x.startswith("49"))]) + "\n")
    dataset = import_insee(dep49, communes=bundle.communes[["CODGEO", "LIBGEO", "DEP"]])
    assert dataset.report.renamed == {"49069": "49126"}
    assert "49069" not in {u.code for u in dataset.report.unmatched}
    assert dataset.values.at["49126", "MED21"] == 22910
    summary = dataset.report.summary_fr()
    assert "commune fusionnée" not in summary.split("49069", 1)[1].split("\n", 1)[0]
    assert "49069 → 49126" in summary
