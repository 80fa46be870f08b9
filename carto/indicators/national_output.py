"""Write the national indicators into ``data/``: the Parquet table, its section of
``bundle.json``, and the numbers of ``data/README.md``.

Why the README section is written by the build: the numbers it gives (communes matched, merged,
absent; departments not covered) must be those of the files actually built, and a hand-copied
figure goes stale at the next vintage. Nothing written here depends on the day of the build, so
that rebuilding from the same files gives the same bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from carto.common.fmt import format_number
from carto.indicators.catalogue import indicator_to_json
from carto.indicators.national import BUILD_COMMAND, META_KEY, NATIONAL_FILE
from carto.indicators.national_build import (
    SourceFile,
    build_tables,
    declarations,
    source_record,
    write_parquet,
)
from carto.indicators.sources.insee import InseeTable

README_START = "<!-- indicateurs nationaux : début (écrit par python -m carto.bundle_build) -->"
README_END = "<!-- indicateurs nationaux : fin -->"


def build_national(
    out_dir: Path,
    sources: list[SourceFile],
    tables: dict[str, InseeTable],
    communes: pd.DataFrame,
    history: pd.DataFrame,
    geography: str,
    log: Callable[[str], None] = print,
) -> dict:
    """Build the national indicators into ``out_dir`` and return their bundle.json section.

    ``communes`` (CODGEO, TYPE) and ``history`` are the bundle's; ``geography`` is its COG.
    """
    t0 = time.perf_counter()
    built = build_tables(tables, communes, history)
    kept = list(built.values.columns)
    editions = {s.product: s.edition() for s in sources}
    decls = declarations(tables, kept, editions)
    path = write_parquet(out_dir, built.values, built.markers)
    section = {
        "fichier": NATIONAL_FILE,
        "octets": path.stat().st_size,
        "commande": BUILD_COMMAND,
        "geographie": geography,
        "communes": len(built.values),
        "sources": [
            source_record(
                s,
                tables[s.product],
                built.matches[s.product],
                built.columns[s.product],
                built.markers,
            )
            for s in sources
        ],
        "publies": {
            c: int(built.values[c].notna().sum()) for c in kept if not c.startswith("VARPOP")
        },
        "declarations": [indicator_to_json(i) for i in decls],
    }
    write_section(out_dir, section)
    write_readme(out_dir, section)
    log(
        f"{len(decls)} indicateurs nationaux écrits dans {path.name} "
        f"({format_number(path.stat().st_size / 1e6, 1)} Mo, "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    return section


def write_section(out_dir: Path, section: dict) -> None:
    """Put the national section into bundle.json, keeping the rest of it as it is."""
    path = out_dir / "bundle.json"
    meta = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    meta[META_KEY] = section
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_readme(out_dir: Path, section: dict) -> None:
    """Replace the national section of README.md (appended when absent)."""
    path = out_dir / "README.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{README_START}\n{readme_section(section)}{README_END}\n"
    if README_START in text and README_END in text:
        before, rest = text.split(README_START, 1)
        after = rest.split(README_END, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block
    path.write_text(text, encoding="utf-8")


def _n(value: int) -> str:
    return format_number(value).replace("\u00a0", ",")


def readme_section(section: dict) -> str:
    """The README's account of the national indicators (English prose, French names)."""
    lines = [
        "## National needs indicators (`indicateurs_communes.parquet`)",
        "",
        f"Built by `{section['commande']}` (or with everything by `python -m carto.bundle_build`)"
        " from INSEE's official files, read with the importers' own reader and placed on the "
        f"bundle's geography ({section['geographie']}). {_n(section['communes'])} rows "
        "(communes and municipal arrondissements), one column per measure kept and one marker "
        "column per measure (`__marqueur__<column>`: 0 a number, 1 `s` secret statistique, "
        "2 `nd`, 3 `ns`, 4 `so`, 6 commune merged since the file, 7 not covered by the file; "
        "`carto/common/markers.py`). "
        f"{_n(len(section['declarations']))} indicators are declared from these columns "
        f"(`bundle.json`, `{META_KEY}.declarations`). Size: {_n(section['octets'])} bytes. "
        "Licence of the data: Licence Ouverte / Etalab 2.0, source named on every map.",
        "",
        "| input | bytes | sha256 | vintage | geography |",
        "|---|---:|---|---|---|",
    ]
    for src in section["sources"]:
        vintages = ", ".join(f"{k} {v}" for k, v in src["millesimes"].items())
        edition = f" (edition {src['edition']})" if src["edition"] else ""
        lines.append(
            f"| {src['produit']}{edition}: `{src['fichier']}` | {_n(src['octets'])} | "
            f"`{src['sha256']}` | {vintages} | {src['geographie']} |"
        )
    lines += ["", "How each file's codes were placed on the bundle's communes:", ""]
    for src in section["sources"]:
        c = src["rapprochement"]
        former = ", ".join(f"{old} → {new}" for old, new in src["anciens_codes"].items())
        lines.append(
            f"- {src['produit']}: {_n(c['codes_du_fichier'])} codes; {_n(c['identiques'])} "
            f"matched as is; {_n(c['anciens_codes'])} former codes of a commune whose code "
            f"changed since (same territory, values kept: {former or 'none'}); "
            f"{_n(c['communes_fusionnees'])} rows of communes merged since, added up into "
            f"{_n(c['communes_issues_de_fusions'])} current communes (counts summed, medians "
            "and published rates « non disponible (commune fusionnée) »); "
            f"{_n(c['codes_absents'])} absent (no current commune, no known successor: "
            f"{', '.join(src['codes_absents']) or 'none'}). Current communes without a row: "
            f"departments not covered {', '.join(src['departements_non_couverts']) or 'none'}, "
            f"and {', '.join(src['communes_sans_ligne']) or 'no other commune'}."
        )
    published = section["publies"]
    shown = ", ".join(f"`{k}` {_n(v)}" for k, v in list(published.items())[:6])
    lines += ["", f"Communes and arrondissements with a published value, e.g.: {shown}.", ""]
    return "\n".join(lines)
