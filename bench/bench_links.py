"""Shared links and districts in a real browser (offline): median of 5 fresh browser contexts.

Run: python bench/bench_links.py  (needs Debian's chromium and playwright; the districts case
also needs the official reference slices, see ``REFERENCE`` below). Measures:
- opening a shared link of Meurthe-et-Moselle (indicator, classes, filter, layers, selection)
  until the map has drawn its 591 communes;
- opening the Pas-de-Calais view by its 25 MDS (level "district", outlines and labels drawn).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))  # this checkout's carto, whichever is installed

import browserkit as bk  # noqa: E402
from bench_atlas import DRAWN_INIT_JS, drawn_context, wait_drawn  # noqa: E402

LINK_54 = "?v=1&ind=population&cls=jenks&k=7&fpop=lt1500&lay=communes,epci,mairies&sel=54395"
REFERENCE = ROOT.parent / "shared" / "reference" / "territoires_action_sociale"
RUNS = 5


def time_link(url: str, expected: int, runs: int = RUNS) -> list[float]:
    """Seconds from navigation to ``expected`` filled polygons painted, timed inside the page
    as bench_atlas.py does (no harness polling latency)."""
    times = []
    with bk.browser() as browser:
        for _ in range(runs):
            context = drawn_context(browser, DRAWN_INIT_JS, expected)
            page = context.new_page()
            page.goto(url, wait_until="commit")
            times.append(wait_drawn(page))
            frame = bk.wait_for_map(page)
            drawn = frame.evaluate(f"() => ({bk.DRAWN_CODES_JS})().length")
            if drawn != expected:
                raise RuntimeError(f"{drawn} zones dessinées au lieu de {expected}")
            context.close()
    return times


def store_pas_de_calais(data_dir: Path) -> str:
    """Import the real MDS file into a throw-away data folder; returns the set's name."""
    import os

    os.environ["ATLAS_DATA_DIR"] = str(data_dir)
    from carto.districts.importers import read_district_csv, read_district_names
    from carto.districts.storage import save_district_set
    from carto.territories.bundle import read_bundle

    names = read_district_names((REFERENCE / "mds_62_noms.csv").read_bytes())
    result = read_district_csv(
        (REFERENCE / "zones_62_communes_mds_pas-de-calais.csv").read_bytes(),
        "62",
        "MDS",
        read_bundle().communes,
        names=names,
    )
    save_district_set(result.district_set)
    return result.district_set.name


def main() -> int:
    bk.require_browser = lambda: None  # a script, not a test: fail loudly if chromium is absent
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        dset = store_pas_de_calais(data) if REFERENCE.is_dir() else None
        with bk.serve(env={"ATLAS_DATA_DIR": str(data)}) as url:
            times = time_link(url + LINK_54, 591)
            rows.append(("Lien partagé 54 → carte dessinée", times))
            if dset:
                link = f"?v=1&dep=62&lvl=district&dset={dset}&lay=communes,districts"
                times = time_link(url + link, 25)
                rows.append(("Pas-de-Calais par 25 MDS → carte dessinée", times))
    print("| Mesure | médiane | min | max |")
    print("|---|---:|---:|---:|")
    from carto.common.fmt import format_value

    for label, times in rows:
        cells = [
            format_value(v, "s", 2) for v in (statistics.median(times), min(times), max(times))
        ]
        print(f"| {label} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
