"""Command line import: ``python -m carto.import_cli FICHIER [--kind …]``.

Why a CLI next to the upload panel: a departmental observatory imports the national INSEE zips
(tens of MB) once per vintage, from a script, and wants the same French report as in the app.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import replace

from carto.common.authorisation import WriteDenied, requires_code
from carto.common.files import WriteFailed
from carto.common.identity import InvalidName, NameTaken
from carto.common.tabular import ImportFailure
from carto.indicators.catalogue import Kind
from carto.indicators.national import NationalDataError, read_national
from carto.indicators.sources.imports import (
    ColumnMapping,
    PartnerMapping,
    import_insee,
    import_partner,
)
from carto.indicators.sources.store import StoreError, delete_dataset, list_datasets, save_dataset
from carto.territories.bundle import BundleError, read_bundle

KINDS = {"count": Kind.COUNT, "rate": Kind.RATE, "value": Kind.VALUE}


def _column_mapping(text: str) -> ColumnMapping:
    """``COL:libellé:count|value:unité:millésime`` or ``NUM/DEN:libellé:rate::millésime``."""
    parts = [*text.split(":"), "", "", "", ""][:5]
    column, label, kind, unit, vintage = parts
    numerator, _, denominator = column.partition("/")
    if kind not in KINDS:
        raise argparse.ArgumentTypeError(f"type « {kind} » inconnu (count, rate ou value)")
    return ColumnMapping(
        column=numerator,
        label=label or numerator,
        kind=KINDS[kind],
        unit=unit,
        vintage=vintage,
        denominator=denominator or None,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m carto.import_cli",
        description="Importe un fichier INSEE (Filosofi, comparateur de territoires, Filosofi "
        "IRIS) ou un tableau partenaire, affiche le rapport et enregistre les données.",
    )
    parser.add_argument("file", nargs="?", help="fichier .csv ou .zip")
    parser.add_argument("--kind", choices=["filosofi", "comparateur", "iris", "partner"])
    parser.add_argument("--meta", help="dictionnaire des variables INSEE (meta_….csv)")
    parser.add_argument("--code-column", help="tableau partenaire : colonne des codes communes")
    parser.add_argument(
        "--column",
        action="append",
        type=_column_mapping,
        default=[],
        help="tableau partenaire : COL:libellé:count|value:unité:millésime ou "
        "NUM/DEN:libellé:rate::millésime (répétable)",
    )
    parser.add_argument(
        "--title", help="titre du jeu de données (par défaut : nature et millésime du fichier)"
    )
    parser.add_argument("--source", default="partenaire", help="tableau partenaire : producteur")
    parser.add_argument(
        "--dry-run", action="store_true", help="rapport seulement, sans enregistrer"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="remplacer le jeu de données enregistré sous le même titre",
    )
    parser.add_argument("--list", action="store_true", help="lister les imports enregistrés")
    parser.add_argument("--delete", metavar="ID", help="supprimer un import enregistré")
    parser.epilog = (
        "Quand ATLAS_EDIT_SECRET est défini, enregistrer ou supprimer demande le code "
        "d'édition : variable ATLAS_EDIT_CODE, sinon il est demandé au clavier."
    )
    return parser


def edit_code() -> str | None:
    """The edit code, from ``ATLAS_EDIT_CODE`` or typed (never an argument: ``ps`` shows
    arguments to every user of the machine)."""
    code = os.environ.get("ATLAS_EDIT_CODE")
    if code or not requires_code():
        return code
    return getpass.getpass("Code d'édition : ") if sys.stdin.isatty() else None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.list:
            for item in list_datasets():
                print(f"{item.id}\t{item.title}\t{item.file_name}\t{item.imported_at}")
            return 0
        if args.delete:
            delete_dataset(args.delete, code=edit_code())
            print(f"Import « {args.delete} » supprimé.")
            return 0
        if not args.file:
            print("Indiquez le fichier à importer.", file=sys.stderr)
            return 2
        try:
            communes = read_bundle().communes[["CODGEO", "LIBGEO", "DEP"]]
        except BundleError as exc:
            print(f"Attention : {exc} Les codes ne seront pas rapprochés.", file=sys.stderr)
            communes = None
        if args.kind == "partner":
            if not (args.code_column and args.column):
                print(
                    "Un tableau partenaire demande --code-column et au moins un --column.",
                    file=sys.stderr,
                )
                return 2
            mapping = PartnerMapping(
                title=args.title or args.file,
                source=args.source,
                code_column=args.code_column,
                columns=tuple(args.column),
            )
            dataset = import_partner(args.file, mapping, communes=communes)
        else:
            try:
                national = read_national()
            except NationalDataError as exc:
                print(f"Attention : {exc}", file=sys.stderr)
                national = None
            dataset = import_insee(
                args.file, kind=args.kind, communes=communes, meta=args.meta, national=national
            )
            if args.title:
                dataset = replace(dataset, title=args.title)
        print(dataset.report.summary_fr())
        if args.dry_run:
            print("Essai seulement : rien n'a été enregistré.")
            return 0
        stored = save_dataset(dataset, code=edit_code(), replace=args.replace)
        verb = "remplacées" if args.replace else "enregistrées"
        print(f"Données {verb} : « {stored.title} », identifiant « {stored.id} ».")
        return 0
    except NameTaken as exc:
        print(
            f"Import refusé : un jeu de données s'appelle déjà « {exc.existing.name} » "
            f"(identifiant {exc.existing.id}). Relancez avec --replace pour le remplacer, "
            "ou avec --title pour l'enregistrer sous un autre titre.",
            file=sys.stderr,
        )
        print("Aucune donnée déjà importée n'a été modifiée.", file=sys.stderr)
        return 1
    except (ImportFailure, StoreError, WriteDenied, WriteFailed, InvalidName) as exc:
        print(f"Import refusé : {exc}", file=sys.stderr)
        print("Aucune donnée déjà importée n'a été modifiée.", file=sys.stderr)
        return 1
