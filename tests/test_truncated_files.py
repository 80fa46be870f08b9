"""A download cut inside its last line is refused, in French, and nothing stored changes.

Regression: the national Filosofi 2021 file cut inside the line of 97423 imported with exit
code 0; 97423 got a median of 166 € instead of 16 680 €, its other cells counted as secret,
and 97424 was simply missing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from mdtext import shown
from national_files import FILOSOFI_2021, national_file
from streamlit.testing.v1 import AppTest

from carto.common.markers import SPELLINGS
from carto.common.tabular import open_source
from carto.common.truncation import TruncatedFileError, check_complete_end, looks_cut
from carto.indicators.sources.cli import main
from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import list_datasets, load_imported_measures, save_dataset

SECRET_MARKERS = tuple(SPELLINGS)  # every spelling of a marker the reader knows
SMALL = (
    b"CODGEO;NBMENFISC21;MED21;TP6021;RD21\n"
    b"01001;346;25820;s;2,9\n01002;110;24480;s;3,1\n01004;6866;21160;18,0;3,4\n"
    b"01005;773;24990;s;2,8\n01006;48;s;s;s\n01007;1245;23390;9,0;3,0\n"
    b"01008;333;24080;s;2,7\n"
)


@pytest.fixture(scope="module")
def national() -> bytes:
    return national_file(FILOSOFI_2021).read_bytes()


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _cut_inside_97423(national: bytes) -> bytes:
    line = national.index(b"\n97423;") + 1
    assert national[line:].startswith(b"97423;2505;7019;16680;")
    return national[: national.index(b"16680", line) + 3]  # "…;166", as a cut download


def test_national_file_cut_inside_a_line_is_refused_naming_file_and_line(tmp_path, national):
    path = _write(tmp_path, FILOSOFI_2021, _cut_inside_97423(national))
    with pytest.raises(TruncatedFileError) as failure:
        import_insee(path)
    message = str(failure.value)
    assert f"« {FILOSOFI_2021} »" in message and "tronqué" in message
    assert "ligne 34909" in message and "97423;2505;7019;166" in message
    assert "4 champ(s) sur les 28" in message


def test_cli_refuses_with_nonzero_exit_and_keeps_the_stored_data(tmp_path, national, capsys):
    stored = save_dataset(import_insee(SMALL, "cc_filosofi_2021_COM.csv"))
    codes = pd.Index(["01001", "01004", "97423", "97424"], dtype="str")
    before, _, _ = load_imported_measures(codes)
    assert main([_write(tmp_path, FILOSOFI_2021, _cut_inside_97423(national))]) != 0
    err = capsys.readouterr().err
    assert "tronqué" in err and "ligne 34909" in err and "Aucune donnée" in err
    after, _, _ = load_imported_measures(codes)
    assert [d.id for d in list_datasets()] == [stored.id]
    assert after.equals(before) and after.at["01004", "MED21"] == 21160


def test_complete_national_file_without_final_newline_is_valid(tmp_path, national):
    assert national.endswith(b";3,5\n")
    dataset = import_insee(_write(tmp_path, FILOSOFI_2021, national[:-1]))
    assert len(dataset.values) == 34909
    assert dataset.values.at["97423", "MED21"] == 16680
    assert dataset.values.at["97424", "RD21"] == 3.5


@pytest.mark.parametrize("cut", [2, 3, 5, 9])  # "3,", "3", "…;26690" (27 fields), "…;266"
def test_national_file_cut_in_its_last_line_without_newline_is_refused(tmp_path, national, cut):
    with pytest.raises(TruncatedFileError, match="ligne 34910"):
        import_insee(_write(tmp_path, FILOSOFI_2021, national[:-cut]))


def test_short_last_line_is_refused_even_with_its_newline() -> None:
    with pytest.raises(TruncatedFileError, match="ligne 9"):
        import_insee(SMALL + b"01009;120;2\n", "cc_filosofi_2021_COM.csv")


def test_cut_member_of_a_zip_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cc_filosofi_2021_COM.csv", SMALL[:-8])  # "01008;333;2408"
    with pytest.raises(TruncatedFileError, match=r"cc_filosofi_2021_COM\.csv"):
        import_insee(buffer.getvalue(), "base-cc-filosofi-2021.zip")


@pytest.mark.parametrize(
    "ending",
    [
        b"01009;120;22000;s;s",  # a secrecy marker is a complete value
        b"01009;120;22000;s;12,5",  # longer than its neighbours: fine
        b"01009;120;22000;s;2,9\r\n",  # CRLF file
    ],
)
def test_complete_last_lines_are_accepted(ending) -> None:
    dataset = import_insee(SMALL + ending, "cc_filosofi_2021_COM.csv")
    assert "01009" in dataset.values.index


@pytest.mark.parametrize("ending", [b"01009;120;22000;s;", b'01009;120;22000;s;"2', b"01009;1"])
def test_cut_last_lines_are_refused(ending) -> None:
    with pytest.raises(TruncatedFileError, match="ligne 9"):
        import_insee(SMALL + ending, "cc_filosofi_2021_COM.csv")


def test_a_file_whose_lines_all_lack_the_header_trailing_separator_is_not_truncated() -> None:
    data = b"CODGEO;NB;MED;\n01001;346;25820\n01002;110;24480\n"
    raw = open_source(data, "partenaire.csv")
    check_complete_end(raw, "utf-8", ";", 4, SECRET_MARKERS)  # no exception


def test_looks_cut_judges_the_shape_of_the_last_value() -> None:
    above = ["2,9", "3,1", "s", "3,4", "2,8", "3,0", "2,7"]
    assert looks_cut("3", above, SECRET_MARKERS)  # no decimals where all have some
    assert looks_cut("3,", above, SECRET_MARKERS)
    assert looks_cut("", above, SECRET_MARKERS)
    assert not looks_cut("3,5", above, SECRET_MARKERS)
    assert not looks_cut("nd", above, SECRET_MARKERS)
    medians = ["25820", "24480", "21160", "24990", "23390"]
    assert looks_cut("166", medians) and not looks_cut("9870", medians[:4])  # too few to judge
    assert not looks_cut("0", ["0", "12", "3", "1", "7"])  # integer counts of every length


def _panel():
    from types import SimpleNamespace

    import pandas as pd

    from carto.ui.panels.imports import render_import_panel

    communes = pd.DataFrame({"CODGEO": ["01001"], "LIBGEO": ["L'Abergement"], "DEP": ["01"]})
    render_import_panel(SimpleNamespace(communes=communes))


def test_app_refuses_a_cut_upload_and_stores_nothing() -> None:
    at = AppTest.from_function(_panel, default_timeout=30)
    at.run()
    at.file_uploader(key="import_file").set_value(
        ("cc_filosofi_2021_COM.csv", SMALL + b"01009;120;2", "text/csv")
    )
    at.run()
    at.button(key="import_insee_go").click()
    at.run()
    assert not at.exception
    errors = " ".join(shown(at.error))  # shown as text: Markdown escapes removed
    assert "tronqué" in errors and "ligne 9" in errors and "cc_filosofi_2021_COM.csv" in errors
    assert list_datasets() == []
