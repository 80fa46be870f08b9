"""The fuzz corpus (tests/fuzz_corpus.py) against every importer, in a subprocess that
measures each case's peak memory (VmHWM, reset between cases).

Each (case, importer) either reads the file or refuses it with a French message naming the
file — never a trace, never English — and previously stored data stays byte for byte the
same. Peak memory stays under ``PEAK_BOUND_MB`` for every case (the process holds the bundle
of communes, about 340 MB, before the first case), and under the process's own start plus
``EXTRA_BOUND_MB``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_corpus import looks_french

REPO_DIR = Path(__file__).resolve().parents[1]
PEAK_BOUND_MB = 560
EXTRA_BOUND_MB = 200


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> tuple[list[dict], dict]:
    folder = tmp_path_factory.mktemp("fuzz")
    env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
    run = subprocess.run(
        [sys.executable, str(REPO_DIR / "tests" / "fuzz_corpus.py"), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    return lines[:-1], lines[-1]


@pytest.mark.slow
def test_every_case_is_read_or_refused_in_french(results):
    rows, _ = results
    assert len(rows) >= 400
    crashed = [(r["case"], r["importer"], r["message"]) for r in rows if r["outcome"] == "crashed"]
    assert crashed == []
    english = [(r["case"], r["importer"], r["message"]) for r in rows if not r["french"]]
    assert english == []


@pytest.mark.slow
def test_the_limits_refuse_what_they_must(results):
    rows, _ = results
    by = {(r["case"], r["importer"]): r for r in rows}
    must_refuse = [
        "one million columns", "50 MB single line", "50 MB without line break",
        "zip: 1 GB of rows", "zip: 1 GB meta member", "zip: sizes that lie",
        "zip: path traversal", "zip: absolute path", "zip: truncated", "zip: password flag",
        "binary noise", "PNG image", "HTML page", "empty", "UTF-32",
    ]  # fmt: skip
    for case in must_refuse:
        for importer in ("INSEE", "partner"):
            assert by[case, importer]["outcome"] == "refused", (case, importer)
    for case in ("2 million vertices (decimals)", "2 million vertices (compact)"):
        for importer in ("districts GeoJSON", "IRIS contours"):
            assert (
                "sommets" in by[case, importer]["message"] or "Mo" in by[case, importer]["message"]
            ), by[case, importer]
    for case in (
        "unclosed ring",
        "NaN coordinates",
        "text coordinates",
        "unknown geometry type",
        "100,000 nested brackets",
        "features is a number",
        "shapefile missing .dbf",
    ):
        importer = "IRIS contours" if case.startswith("shapefile") else "districts GeoJSON"
        assert by[case, importer]["outcome"] == "refused", (case, importer)  # fmt: skip
    assert "fermé" in by["unclosed ring", "districts GeoJSON"]["message"]
    assert "n° 1" in by["NaN coordinates", "districts GeoJSON"]["message"]
    assert "ligne" in by["ragged rows", "partner"]["message"]
    for case in ("UTF-16 LE with BOM", "UTF-16 BE without BOM", "UTF-8 with BOM"):
        assert by[case, "partner"]["outcome"] == "accepted", case


@pytest.mark.slow
def test_peak_memory_is_bounded_and_stored_data_untouched(results):
    rows, summary = results
    assert summary["stored_untouched"]
    baseline_mb = summary["baseline_kb"] / 1024
    worst = max(rows, key=lambda r: r["peak_kb"])
    peak_mb = worst["peak_kb"] / 1024
    assert peak_mb <= PEAK_BOUND_MB, worst
    assert peak_mb - baseline_mb <= EXTRA_BOUND_MB, (worst, baseline_mb)


def test_french_detector():
    assert looks_french("Le fichier « x.csv » est vide : aucune ligne à importer.")
    assert not looks_french("Error tokenizing data. C error: Expected 3 fields in line 5, saw 4")
    assert not looks_french("Fichier illisible (\x00\x00)")


# --- properties: any bytes, any JSON -----------------------------------------------------

from functools import cache  # noqa: E402

import pandas as pd  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from carto.common.failures import ImportFailure  # noqa: E402
from carto.districts.importers import DistrictImportError  # noqa: E402
from carto.sites.reading import SiteImportError  # noqa: E402

FRENCH_ERRORS = (ImportFailure, SiteImportError, DistrictImportError)
COMMUNES = pd.DataFrame(
    {"CODGEO": ["54395", "54001"], "LIBGEO": ["Nancy", "Abaucourt"], "DEP": ["54", "54"]}
)


@cache
def _bytes_importers() -> dict:
    from fuzz_corpus import importers

    runners = importers(COMMUNES)
    return {name: run for name, run in runners.items() if name != "INSEE + meta"}


def _check(data: bytes, suffix: str, tmp: Path) -> None:
    path = tmp / f"f{suffix}"
    path.write_bytes(data)
    for name, run in _bytes_importers().items():
        try:
            run(path)
        except FRENCH_ERRORS as exc:
            assert looks_french(str(exc)), (name, str(exc))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)
_geojsonish = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["FeatureCollection", "Feature", "x"]),
        "features": st.lists(
            st.fixed_dictionaries(
                {"type": st.just("Feature"), "properties": _json, "geometry": _json}
            ),
            max_size=3,
        )
        | _json,
    }
)


@given(st.binary(max_size=3000), st.sampled_from([".csv", ".geojson", ".zip", ".json"]))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_are_read_or_refused_in_french(tmp_path_factory, data: bytes, suffix: str):
    _check(data, suffix, tmp_path_factory.mktemp("octets"))


@given(_geojsonish)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_geojson_shape_is_read_or_refused_in_french(tmp_path_factory, obj):
    _check(json.dumps(obj).encode(), ".geojson", tmp_path_factory.mktemp("geojson"))
