"""Imports: every bad input refused with a French message, nothing stored lost, the report."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from carto.common.identity import NameTaken
from carto.common.tabular import (
    DuplicateCodesError,
    EmptyFileError,
    HeaderOnlyError,
    HtmlFileError,
    ImportFailure,
    MissingCodeColumnError,
    NegativeCountError,
    NumericTextError,
    SeparatorError,
)
from carto.indicators.catalogue import Kind, compute
from carto.indicators.sources.cli import main as cli_main
from carto.indicators.sources.imports import (
    ColumnMapping,
    PartnerMapping,
    import_insee,
    import_partner,
    preview,
)
from carto.indicators.sources.store import (
    StoreError,
    delete_dataset,
    imports_dir,
    list_datasets,
    load_imported_measures,
    save_dataset,
)

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["93066", "93001", "95040", "54395", "2A004"],
        "LIBGEO": ["Saint-Denis", "Aubervilliers", "Avernes", "Nancy", "Ajaccio"],
        "DEP": ["93", "93", "95", "54", "2A"],
    }
)
MAPPING = PartnerMapping(
    title="Allocataires CAF 2024",
    source="CAF de Seine-Saint-Denis",
    code_column="code_commune",
    columns=(
        ColumnMapping("allocataires", "Allocataires", Kind.COUNT, "alloc.", "2024"),
        ColumnMapping(
            "rsa", "Part des allocataires au RSA", Kind.RATE, "%", "2024", "allocataires"
        ),
        ColumnMapping("revenu_median", "Revenu médian des allocataires", Kind.VALUE, "€", "2024"),
    ),
)
GOOD = (
    "code_commune;nom;allocataires;rsa;revenu_median\n"
    "93066;Saint-Denis;12 500;3 100;1 050,5\n"
    "93001;Aubervilliers;9800;2450;s\n"
    "95282;Gouzangrez;20;2;nd\n"
)


def partner(text: str, mapping: PartnerMapping = MAPPING, encoding: str = "utf-8"):
    return import_partner(text.encode(encoding), mapping, name="caf.csv", communes=COMMUNES)


def test_partner_import_values_and_report():
    ds = partner(GOOD)
    prefix = ds.id + "__"
    assert ds.values.at["93066", prefix + "allocataires"] == 12500  # "12 500" is a number
    assert ds.values.at["93066", prefix + "revenu_median"] == 1050.5
    assert ds.secret.at["93001", prefix + "revenu_median"]
    rate = next(i for i in ds.indicators if i.kind is Kind.RATE)
    assert (rate.numerator, rate.denominator) == (prefix + "rsa", prefix + "allocataires")
    assert compute(rate, ds.values).at["93066"] == pytest.approx(3100 / 12500 * 100)
    text = ds.report.summary_fr()
    assert "Lignes lues : 3." in text
    assert "Communes reconnues dans la géographie de l'atlas : 2 sur 3." in text
    assert "95282" in text and "autre" not in text.split("95282")[1].split("\n")[0]
    assert "Colonnes ignorées (1) : nom." in text
    assert "secret statistique" in text


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyFileError, "vide"),
        (b"  \n\n", EmptyFileError, "vide"),
        (b"<!DOCTYPE html><html><head><title>INSEE</title></head></html>", HtmlFileError, "HTML"),
        (b"\xef\xbb\xbf<html lang='fr'><body>x</body></html>", HtmlFileError, "page web"),
        (b"code_commune allocataires rsa\n93066 1 2\n", SeparatorError, "une seule colonne"),
        (
            b"code_commune,allocataires,rsa,revenu_median\n93066,12,3,1050,5\n",
            SeparatorError,
            "la ligne 2 en a 5",
        ),
        (b"code_commune;allocataires;rsa;revenu_median\n", HeaderOnlyError, "en-tête"),
        (
            b"code_commune;allocataires;rsa;revenu_median\n93066;1;1;1\n93066;2;1;1\n",
            DuplicateCodesError,
            "93066",
        ),
        (
            b"code_commune;allocataires;rsa;revenu_median\n93066;beaucoup;1;1\n",
            NumericTextError,
            "ligne 2 : « beaucoup »",
        ),
        (
            b"code_commune;allocataires;rsa;revenu_median\n93066;-12;1;1\n",
            NegativeCountError,
            "négative",
        ),
        (
            b"commune;allocataires;rsa;revenu_median\n93066;1;1;1\n",
            MissingCodeColumnError,
            "code_commune",
        ),
        (
            b"code_commune;allocataires;rsa;revenu_median\n;1;1;1\n",
            MissingCodeColumnError,
            "ligne 2",
        ),
    ],
)
def test_bad_input_refused_and_nothing_lost(data, error, words):
    kept = save_dataset(partner(GOOD))
    before = {p.name: p.read_bytes() for p in imports_dir().iterdir()}
    with pytest.raises(error) as caught:
        save_dataset(import_partner(data, MAPPING, name="caf.csv", communes=COMMUNES))
    assert isinstance(caught.value, ImportFailure)
    assert words in str(caught.value)
    after = {p.name: p.read_bytes() for p in imports_dir().iterdir()}
    assert after == before
    assert [d.id for d in list_datasets()] == [kept.id]


def test_negative_values_allowed_for_non_aggregable_value():
    data = "code_commune;allocataires;rsa;revenu_median\n93066;10;1;-5,5\n"
    ds = partner(data)
    assert ds.values.iloc[0, -1] == -5.5


def test_latin1_and_excel_lost_zero():
    mapping = PartnerMapping("Écoles", "Mairie", "Code INSEE", (ColumnMapping("élèves", "Élèves"),))
    data = "Code INSEE;élèves\n1001;12\n2A004;30\n".encode("cp1252")
    ds = import_partner(data, mapping, name="écoles.csv")
    assert ds.values.index.tolist() == ["01001", "2A004"]
    assert ds.report.padded_codes == 1


def test_preview_lists_columns():
    head = preview(GOOD.encode(), "caf.csv")
    assert list(head.columns) == ["code_commune", "nom", "allocataires", "rsa", "revenu_median"]
    assert head.iloc[0, 0] == "93066"


def test_persistence_list_delete_and_merge():
    caf = save_dataset(partner(GOOD))
    other = PartnerMapping(
        "CCAS aides 2023", "CCAS", "code_commune", (ColumnMapping("aides", "Aides"),)
    )
    ccas = save_dataset(
        import_partner(b"code_commune;aides\n93066;40\n54395;7\n", other, communes=COMMUNES)
    )
    assert {d.title for d in list_datasets()} == {"Allocataires CAF 2024", "CCAS aides 2023"}
    # A new process (an app restart) sees the same datasets.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from carto.indicators.sources.store import list_datasets; "
            "print(sorted(d.id for d in list_datasets()))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ccas.id in out.stdout and caf.id in out.stdout
    values, secret, indicators = load_imported_measures(pd.Index(["93066", "54395", "75056"]))
    column = f"{ccas.id}__aides"
    assert values.at["54395", column] == 7
    assert np.isnan(values.at["75056", column])
    assert not secret.at["75056", column]
    assert len(indicators) == 4
    delete_dataset(ccas.id)
    assert [d.id for d in list_datasets()] == [caf.id]
    assert len(list(imports_dir().glob("*.parquet"))) == 1
    with pytest.raises(StoreError):
        delete_dataset(ccas.id)


def test_replacing_a_dataset_asks_then_keeps_its_id_and_one_file():
    first = save_dataset(partner(GOOD))
    with pytest.raises(NameTaken, match="« Allocataires CAF 2024 »"):
        save_dataset(partner(GOOD.replace("12 500", "13 000")))
    again = save_dataset(partner(GOOD.replace("12 500", "13 000")), replace=True)
    assert again.id == first.id  # links to its indicators keep working
    assert [i.id for i in again.indicators] == [i.id for i in first.indicators]
    assert len(list(imports_dir().glob("*.parquet"))) == 1
    values, _, _ = load_imported_measures(pd.Index(["93066"]))
    assert values.iloc[0, 0] == 13000
    manifest = json.loads((imports_dir() / f"{first.id}.json").read_text("utf-8"))
    assert manifest["indicators"][1]["kind"] == "rate"


@pytest.mark.reference
def test_insee_report_explains_unmatched_codes(reference_dir, bundle):
    folder = reference_dir / "insee_filosofi_communes"
    ds = import_insee(
        folder / "cc_filosofi_2020_COM_dep33-54-73-93-95.csv", communes=bundle.communes
    )
    codes = {u.code: u for u in ds.report.unmatched}
    assert codes["93059"].reason == "fusion" and "93066" in codes["93059"].detail
    assert codes["95282"].reason == "fusion" and "absorbée par 95169 Commeny" in (
        codes["95282"].detail
    )
    assert ds.report.matched == 1623 - len(codes)
    assert ds.title == "Base filosofi communale 2020"
    text = ds.report.summary_fr()
    assert "Pierrefitte-sur-Seine" in text and "jamais comme zéro" in text


@pytest.mark.reference
def test_cli_imports_and_lists(reference_dir, capsys):
    path = reference_dir / "insee_comparateur_territoires" / "base_cc_comparateur_2025_dep93.csv"
    assert cli_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Lignes lues : 40." in out
    [stored] = list_datasets()
    assert stored.id in out and stored.title == "Comparateur de territoires 2022"
    assert cli_main(["--list"]) == 0
    assert stored.id in capsys.readouterr().out
    bad = path.parent / "SOURCES.md"
    assert cli_main([str(bad), "--kind", "filosofi"]) == 1
    assert "Aucune donnée déjà importée n'a été modifiée." in capsys.readouterr().err
    assert cli_main([str(path)]) == 1  # the same title again: refused without --replace
    assert "--replace" in capsys.readouterr().err
    assert cli_main([str(path), "--replace"]) == 0
    assert [d.id for d in list_datasets()] == [stored.id]


BIG_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    from carto.indicators.sources.imports import ColumnMapping, PartnerMapping, import_partner
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    steps = []
    mapping = PartnerMapping("Gros", "test", "CODGEO",
        tuple(ColumnMapping(f"V{j}", f"v{j}") for j in range(int(sys.argv[2]))))
    ds = import_partner(sys.argv[1], mapping, progress=steps.append)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(len(ds.values), (peak - base) * 1024, len(steps), steps == sorted(steps), steps[-1])
    """
)


@pytest.mark.slow  # writes and reads a 50 MB file in a subprocess
def test_big_file_bounded_memory_and_progress(tmp_path):
    rows, cols = 35_000, 185
    rng = np.random.default_rng(1)
    values = rng.integers(0, 10_000_000, size=(rows, cols)).astype(str)
    path = tmp_path / "gros.csv"
    with path.open("w") as handle:
        handle.write("CODGEO;" + ";".join(f"V{j}" for j in range(cols)) + "\n")
        for i in range(rows):
            handle.write(f"{i:05d};" + ";".join(values[i]) + "\n")
    size = path.stat().st_size
    assert size > 50_000_000
    result = subprocess.run(
        [sys.executable, "-c", BIG_SCRIPT, str(path), str(cols)],
        capture_output=True,
        text=True,
        check=True,
    )
    n, extra, steps, ordered, last = result.stdout.split()
    assert int(n) == rows
    assert int(steps) >= 5 and ordered == "True" and float(last) == 1.0
    # Output floats alone weigh ~size; the raw text is never held as Python strings.
    assert int(extra) < 5 * size
