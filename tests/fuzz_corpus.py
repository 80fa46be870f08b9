"""A corpus of hostile and careless files, written into a temporary folder, and the runner
that feeds each to every importer in one process, measuring each case's peak memory.

Run by ``tests/test_fuzz.py`` in a subprocess: ``python tests/fuzz_corpus.py FOLDER``
prints one JSON line per (case, importer). The big files (50 MB single line, 1 GB zip bombs,
2 million vertices) are generated here at run time, never committed.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import sys
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

MB = 1_000_000
FRENCH_WORDS = (
    "fichier", "ligne", "colonne", "archive", "objet", "limite", "n'est", "aucun", "illisible",
    "refus", "vide", "polygone", "enregistrement", "structure", "coordonn", "contour",
    "attendu", " de ", " la ", " le ", " est ", " sans ",
)  # fmt: skip
ENGLISH = re.compile(
    r"\b(Error|Traceback|[Ee]xpected|[Ii]nvalid|could not|cannot|not found|tokeniz|"
    r"[Uu]nexpected|[Ff]ailed|[Ee]xception|object has no|NoneType)\b"
)


def looks_french(message: str) -> bool:
    """A message a French user can read: French words, no English library text, no NUL."""
    lowered = message.lower()
    return (
        any(w in lowered for w in FRENCH_WORDS)
        and not ENGLISH.search(message)
        and "\x00" not in message
    )


# --- the corpus ---------------------------------------------------------------------------


def _zip(members: dict[str, bytes | Callable[[io.RawIOBase], None]], stored: bool = False):
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as handle:
                    content(handle)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def _repeat(chunk: bytes, total: int, head: bytes = b"") -> Callable[[io.RawIOBase], None]:
    def write(handle: io.RawIOBase) -> None:
        handle.write(head)
        block = chunk * max(1, (4 * MB) // len(chunk))
        for _ in range(total // len(block)):
            handle.write(block)

    return write


def _lying_zip() -> bytes:
    """A member whose central directory claims 100 bytes but which inflates to 50 MB."""
    data = bytearray(_zip({"data.csv": _repeat(b"54395;1\n", 50 * MB, b"CODGEO;V\n")}))
    real = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    for offset in (real.header_offset + 22, data.rfind(b"PK\x01\x02") + 24):
        data[offset : offset + 4] = (100).to_bytes(4, "little")
    return bytes(data)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _encrypted(data: bytes) -> bytes:
    """The archive with its member marked as encrypted (flag bit 0), as Windows writes it."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        out[at + offset] |= 1
    return bytes(out)


def _feature(geometry: dict, name: str = "A") -> dict:
    return {"type": "Feature", "properties": {"nom": name, "code_iris": "543950101"},
            "geometry": geometry}  # fmt: skip


def _collection(*geometries: dict) -> bytes:
    features = [_feature(g, f"D{n}") for n, g in enumerate(geometries)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _polygon(ring: list) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def _many_vertices(count: int, compact: bool) -> bytes:
    """One polygon of ``count`` vertices, written straight to text (never held as lists)."""
    step = 1 / count
    points = (
        (f"[{i % 3},{48 + (i * step) // 1}]" if compact else f"[{6 + i * step:.6f},48.5]")
        for i in range(count)
    )
    ring = "[" + ",".join(points) + (",[0,48]]" if compact else ",[6.000000,48.5]]")
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"X",'
        '"code_iris":"543950101"},"geometry":{"type":"Polygon","coordinates":[' + ring + "]}}]}"
    ).encode()


def _shapefile_zip(drop: str | None) -> bytes:
    import geopandas as gpd
    import shapely

    folder = Path(__import__("tempfile").mkdtemp())
    frame = gpd.GeoDataFrame(
        {"code_iris": ["543950101"]}, geometry=[shapely.box(6.1, 48.6, 6.2, 48.7)], crs=4326
    )
    frame.to_file(folder / "iris.shp")
    members = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix != drop}
    shutil.rmtree(folder)
    return _zip(members)


GOOD_CSV = b"CODGEO;NBMENFISC21;MED21;allocataires\n54395;40000;14000;12\n54001;100;s;3\n"
BOMB = 1_024 * MB


Case = tuple[str, str, Callable[[], bytes]]


def cases() -> Iterator[Case]:
    """(case, file name, content) — content built only when the case runs."""
    rng = random.Random(16)
    yield from _table_cases(rng)
    yield from _archive_cases(rng)
    yield from _geometry_cases()


def _table_cases(rng: random.Random) -> Iterator[Case]:
    text = GOOD_CSV.decode()
    yield "empty", "vide.csv", lambda: b""
    yield "whitespace only", "blanc.csv", lambda: b"  \n\t\n"
    yield "BOM only", "bom.csv", lambda: b"\xef\xbb\xbf"
    yield "UTF-8 with BOM", "bom.csv", lambda: b"\xef\xbb\xbf" + GOOD_CSV
    yield "UTF-16 LE with BOM", "u16.csv", lambda: text.encode("utf-16")
    yield "UTF-16 BE without BOM", "u16be.csv", lambda: text.encode("utf-16-be")
    yield "UTF-32", "u32.csv", lambda: text.encode("utf-32")
    yield "Latin-1 accents", "latin1.csv", lambda: ("CODGEO;élèves\n54395;12\n").encode("cp1252")
    yield "binary noise", "bruit.csv", lambda: rng.randbytes(200_000)
    yield "PNG image", "image.csv", lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(5000)
    yield "HTML page", "page.csv", lambda: b"<!DOCTYPE html><html><body>404</body></html>"
    yield "unclosed quote", "guillemet.csv", lambda: b'CODGEO;V\n54395;"12\n54001;3\n'
    yield "ragged rows", "decale.csv", lambda: b"CODGEO;V\n54395;1;2;3\n54001\n"
    yield "one million columns", "colonnes.csv", lambda: b"V;" * 1_000_000 + b"\n1;2\n"
    yield "50 MB single line", "ligne.csv", lambda: b"CODGEO;V\n" + b"7" * (50 * MB)
    yield "50 MB without line break", "sans_fin.csv", lambda: b"9;" * (25 * MB)
    yield "NUL bytes in cells", "nul.csv", lambda: b"CODGEO;V\n54395;1\x00\x00\n"
    yield "huge numbers", "enormes.csv", lambda: b"CODGEO;V\n54395;" + b"9" * 400 + b"\n"


def _archive_cases(rng: random.Random) -> Iterator[Case]:
    yield (
        "zip: 1 GB of rows",
        "lignes.zip",
        lambda: _zip({"data.csv": _repeat(b"54395;1\n", BOMB, b"CODGEO;V\n")}),
    )
    yield (
        "zip: 1 GB meta member",
        "meta.zip",
        lambda: _zip({"data.csv": GOOD_CSV, "meta_data.csv": _repeat(b"COD_VAR;LIB_VAR\n", BOMB)}),
    )
    yield "zip: sizes that lie", "menteur.zip", _lying_zip
    yield "zip: path traversal", "chemin.zip", lambda: _zip({"../../etc/atlas.csv": GOOD_CSV})
    yield "zip: absolute path", "absolu.zip", lambda: _zip({"/tmp/atlas.csv": GOOD_CSV})
    yield "zip in a zip", "double.zip", lambda: _zip({"in.zip": _zip({"d.csv": GOOD_CSV})})
    yield "zip: truncated", "coupe.zip", lambda: _truncated(_zip({"data.csv": rng.randbytes(9000)}))
    yield "zip: password flag", "secret.zip", lambda: _encrypted(_zip({"data.csv": GOOD_CSV}))
    yield (
        "spreadsheet (xlsx)",
        "classeur.csv",
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    )
    yield (
        "zip: 1 GB IRIS layer",
        "iris.zip",
        lambda: _zip(
            {"iris.geojson": _repeat(b" ", BOMB, b'{"type":"FeatureCollection","features":[]')}
        ),
    )
    yield "shapefile missing .dbf", "shp.zip", lambda: _shapefile_zip(".dbf")
    yield "shapefile missing .shx", "shx.zip", lambda: _shapefile_zip(".shx")


def _geometry_cases() -> Iterator[Case]:
    yield (
        "2 million vertices (decimals)",
        "sommets.geojson",
        lambda: _many_vertices(2_000_000, False),
    )
    yield (
        "2 million vertices (compact)",
        "sommets2.geojson",
        lambda: _many_vertices(2_000_000, True),
    )
    yield (
        "unclosed ring",
        "ouvert.geojson",
        lambda: _collection(_polygon([[6, 48], [6.1, 48], [6.1, 48.1], [6, 48.1]])),
    )
    yield (
        "self-intersecting polygon",
        "noeud.geojson",
        lambda: _collection(_polygon([[6, 48], [6.2, 48.2], [6.2, 48], [6, 48.2], [6, 48]])),
    )
    yield (
        "NaN coordinates",
        "nan.geojson",
        lambda: (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            b'"geometry":{"type":"Polygon","coordinates":[[[NaN,48],[6,48],[6,49],[NaN,48]]]}}]}'
        ),
    )
    yield (
        "text coordinates",
        "texte.geojson",
        lambda: _collection(_polygon([["six", "48"], [6, 48], [6, 49], ["six", "48"]])),
    )
    yield (
        "unknown geometry type",
        "type.geojson",
        lambda: _collection({"type": "Hexagon", "coordinates": [[6, 48]]}),
    )
    yield "100,000 nested brackets", "crochets.geojson", lambda: b"[" * 100_000 + b"]" * 100_000
    yield (
        "features is a number",
        "nombre.geojson",
        lambda: b'{"type":"FeatureCollection","features":42}',
    )
    yield (
        "features is a list of numbers",
        "nombres.geojson",
        lambda: b'{"type":"FeatureCollection","features":[1,2,3]}',
    )
    yield (
        "properties is a list",
        "proprietes.geojson",
        lambda: (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],'
            b'"geometry":{"type":"Point","coordinates":[6,48]}}]}'
        ),
    )
    yield (
        "points for polygons",
        "points.geojson",
        lambda: _collection({"type": "Point", "coordinates": [6.18, 48.69]}),
    )


# --- the importers --------------------------------------------------------------------------


def importers(communes) -> dict[str, Callable[[Path], object]]:  # type: ignore[no-untyped-def]
    from carto.districts.importers import (
        read_district_csv,
        read_district_geojson,
        read_district_names,
    )
    from carto.indicators.catalogue import Kind
    from carto.indicators.sources.imports import (
        ColumnMapping,
        PartnerMapping,
        import_insee,
        import_partner,
        preview,
    )
    from carto.sites.importers import read_sites_file
    from carto.territories.iris_contours import read_contours

    mapping = PartnerMapping(
        "Fuzz", "test", "CODGEO", (ColumnMapping("allocataires", "Alloc.", Kind.COUNT),)
    )
    as_csv = {".geojson": ".csv", ".zip": ".zip"}
    return {
        "INSEE": lambda p: import_insee(p, communes=communes),
        "INSEE + meta": lambda p: import_insee(GOOD_CSV, name="cc_filosofi_2021.csv", meta=p),
        "partner": lambda p: import_partner(p, mapping, communes=communes),
        "partner preview": lambda p: preview(p),
        "sites": lambda p: read_sites_file(p.name, p.read_bytes(), communes),
        "sites as CSV": lambda p: read_sites_file(
            p.stem + as_csv.get(p.suffix, ".csv"), p.read_bytes(), communes
        ),
        "sites as GeoJSON": lambda p: read_sites_file(
            p.stem + ".geojson", p.read_bytes(), communes
        ),
        "districts CSV": lambda p: read_district_csv(
            p.read_bytes(), "54", "D", communes, file_name=p.name
        ),
        "district names": lambda p: read_district_names(p.read_bytes(), p.name),
        "districts GeoJSON": lambda p: read_district_geojson(
            p.read_bytes(), "54", "D", communes, file_name=p.name
        ),
        "IRIS contours": lambda p: read_contours(p),
    }


def _peak_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _stored_snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def _seed_stores() -> None:
    """Something of each kind already stored, which no case may touch."""
    import pandas as pd

    from carto.districts.model import DistrictSet
    from carto.districts.storage import save_district_set
    from carto.indicators.sources.imports import import_insee
    from carto.indicators.sources.store import save_dataset
    from carto.sites.storage import save_site_list

    save_dataset(import_insee(GOOD_CSV, name="cc_filosofi_2021.csv"))
    sites = pd.DataFrame({"name": ["CCAS"], "category": ["ccas"], "CODGEO": ["54395"]})
    save_site_list("Liste déjà là", sites)
    save_district_set(DistrictSet("54", "Jeu déjà là", {"54395": "Nancy"}))


def main(folder: Path, only: str | None = None) -> int:
    import os

    from carto.common.failures import ImportFailure
    from carto.districts.importers import DistrictImportError
    from carto.sites.reading import SiteImportError
    from carto.territories.bundle import read_bundle

    data_dir = folder / "donnees"
    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    communes = read_bundle().communes
    communes = communes[communes["DEP"] == "54"].reset_index(drop=True)
    _seed_stores()
    before = _stored_snapshot(data_dir)
    french = (ImportFailure, SiteImportError, DistrictImportError)
    runners = importers(communes)
    baseline = _peak_kb()
    for case, file_name, content in cases():
        if only and only not in case:
            continue
        path = folder / file_name
        path.write_bytes(content())
        for importer, run in runners.items():
            _reset_peak()
            start = time.perf_counter()
            outcome, message = "accepted", ""
            try:
                run(path)
            except french as exc:
                outcome, message = "refused", str(exc)
            except BaseException as exc:
                outcome = "crashed"
                message = "".join(traceback.format_exception_only(exc)).strip()[:500]
            record = {
                "case": case, "importer": importer, "outcome": outcome, "message": message[:400],
                "french": outcome != "refused" or looks_french(message),
                "seconds": round(time.perf_counter() - start, 3), "peak_kb": _peak_kb(),
            }  # fmt: skip
            print(json.dumps(record, ensure_ascii=False), flush=True)
        path.unlink()
    untouched = _stored_snapshot(data_dir) == before
    print(json.dumps({"baseline_kb": baseline, "stored_untouched": untouched}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
