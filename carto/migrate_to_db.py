"""``python -m carto.migrate_to_db [--source DOSSIER] [--database URL]``: move a single-machine
atlas (the SQLite file and the documents under ``var/``) into the database that several app
servers share (``ATLAS_DATABASE_URL``), and say in French what was moved.

Why a copy that can run again: nothing is deleted from the source folder (it stays as the
backup of the day of the move), every item keeps its id, and an item already in the database
is recognised and left as it is, so a second run (after an interruption, or to be sure)
changes nothing. Writing the database needs the edit code when ``ATLAS_EDIT_SECRET`` is set
(``ATLAS_EDIT_CODE``, or typed at the prompt).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from carto.common.authorisation import WriteDenied
from carto.common.database import DATABASE_URL_ENV
from carto.common.documents import CollectionError, Entry
from carto.common.documents_copy import Extra, KindCopy, copy_documents
from carto.common.documents_files import FileBackend
from carto.common.documents_sql import SqlBackend
from carto.common.files import WriteFailed
from carto.common.fmt import format_number
from carto.common.paths import user_data_dir
from carto.common.payloads import read_geoparquet_bytes
from carto.diagnosis.model import DiagnosisCopy
from carto.diagnosis.store import Store, StoreError
from carto.indicators.sources.cli import edit_code
from carto.indicators.sources.store import DATASETS
from carto.indicators.sources.store import KIND as IMPORTS
from carto.sites.storage import KIND as SITES
from carto.territories import iris

LABELS = {
    IMPORTS: "Jeux de données importés",
    iris.KIND: "Jeux de contours IRIS",
    SITES: "Listes de sites",
}
SQLITE_FILE = "atlas.sqlite"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m carto.migrate_to_db",
        description="Copie un atlas installé sur une seule machine (dossier var/ et base "
        "SQLite) dans la base PostgreSQL partagée par plusieurs serveurs d'application. "
        "Le dossier d'origine n'est pas modifié ; relancer la commande ne change rien.",
    )
    parser.add_argument(
        "--source", help="dossier des données (défaut : ATLAS_DATA_DIR, sinon var/)"
    )
    parser.add_argument("--database", help=f"base de destination (défaut : {DATABASE_URL_ENV})")
    return parser


def _label(kind: str) -> str:
    if kind.startswith("districts/"):
        return f"Jeux de districts du département {kind.split('/', 1)[1].upper()}"
    return LABELS.get(kind, f"Documents « {kind} »")


def _known(kind: str) -> bool:
    return kind in LABELS or kind.startswith("districts/")


def _legacy_contours(files: FileBackend) -> tuple[Extra, ...]:
    """The single contours file of earlier versions, as the set the app shows it as."""
    if not files.legacy_exists(iris.KIND, iris.LEGACY_FILE):
        return ()
    adopted = files.entries(iris.KIND, "name")
    if any(e.document.get("data_file") == iris.LEGACY_FILE for e in adopted):
        return ()
    probe = Entry(iris.LEGACY_ID, iris.LEGACY_NAME, {"data_file": iris.LEGACY_FILE})
    count = len(read_geoparquet_bytes(files.payload(iris.KIND, probe)))
    document = {"name": iris.LEGACY_NAME, "file_name": "", "count": count}
    entry = Entry(iris.LEGACY_ID, iris.LEGACY_NAME, {**document, "data_file": iris.LEGACY_FILE})
    return (Extra(iris.KIND, entry),)


def _documents_lines(reports: list[KindCopy]) -> list[str]:
    lines = []
    for report in reports:
        done = "copiées" if report.kind == SITES else "copiés"  # « listes », feminine
        lines.append(
            f"  {_label(report.kind)} — {done} : {format_number(report.copied)} ; déjà dans "
            f"la base : {format_number(report.present)}"
        )
        lines += [f"    non copié : {reason}" for reason in report.left_out]
    return lines or ["  Aucun document (imports, listes de sites, découpages, contours IRIS)."]


def _diagnosis_lines(copy: DiagnosisCopy | None, source: Path) -> list[str]:
    if copy is None:
        return [f"  Pas de base SQLite ({source / SQLITE_FILE}) : aucune observation à copier."]
    return [
        f"  Observations — copiées : {format_number(copy.observations)}",
        f"  Vues enregistrées — copiées : {format_number(copy.views)}",
        f"  Observations et vues déjà dans la base : {format_number(copy.present)}",
        *(f"    non copiée : {reason}" for reason in copy.left_out),
    ]


def _same_file(url: str, path: Path) -> bool:
    parsed = sa.make_url(url)
    return parsed.get_backend_name() == "sqlite" and Path(parsed.database or "") == path


def migrate(source: Path, url: str, code: str | None) -> list[str]:
    """Copy ``source`` into the database at ``url``; the French report, line by line."""
    files = FileBackend(lambda: source)
    target = SqlBackend(url)
    try:
        kinds = [k for k in files.kinds() if _known(k)]
        extras = _legacy_contours(files)
        reports = copy_documents(
            files, target, {IMPORTS: DATASETS.name_field}, code=code, kinds=kinds, extras=extras
        )
    finally:
        target.close()
    copy = None
    sqlite = source / SQLITE_FILE
    if sqlite.is_file():
        origin, destination = Store(f"sqlite:///{sqlite}"), Store(url)
        try:
            copy = destination.copy_from(origin, secret=code)
        finally:
            origin.close()
            destination.close()
    shown = sa.make_url(url).render_as_string(hide_password=True)
    return [
        f"Atlas copié depuis {source} vers la base {shown}.",
        *_documents_lines(reports),
        *_diagnosis_lines(copy, source),
        f"Rien n'a été supprimé de {source} : gardez-le comme sauvegarde du jour de la "
        f"migration. Démarrez les serveurs avec {DATABASE_URL_ENV} pour qu'ils lisent la base.",
    ]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    source = Path(args.source) if args.source else user_data_dir()
    url = args.database or os.environ.get(DATABASE_URL_ENV)
    if not url:
        print(
            f"Indiquez la base de destination : --database ou la variable {DATABASE_URL_ENV} "
            "(par exemple postgresql+psycopg://atlas:motdepasse@127.0.0.1/atlas).",
            file=sys.stderr,
        )
        return 2
    if not source.is_dir():
        print(f"Dossier des données introuvable : {source}", file=sys.stderr)
        return 2
    if _same_file(url, source / SQLITE_FILE):
        print(
            "La base de destination est la base SQLite d'origine : rien à faire.", file=sys.stderr
        )
        return 2
    try:
        lines = migrate(source, url, edit_code())
    except (WriteDenied, WriteFailed, CollectionError, StoreError) as exc:
        print(f"Migration interrompue : {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
