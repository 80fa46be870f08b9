"""Opening the table files people actually download or export (INSEE, CAF, Excel).

Why a dedicated opener rather than ``pd.read_csv``: files come zipped, in UTF-8 (with or
without BOM) or Latin-1; users also upload web pages saved as ``.csv`` or Excel exports with
``;``/``,`` mix-ups. Each such case must fail with a precise French message (the
``ImportFailure`` family), before anything is stored. Reading the numeric columns of a large
table is ``carto.common.numeric_table``'s job; small hand-typed tables are read here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pandas as pd

_SEPARATORS = (";", "\t", ",", "|")
_SEPARATOR_NAMES = {";": "« ; »", "\t": "tabulation", ",": "« , »", "|": "« | »"}


class ImportFailure(ValueError):
    """A file cannot be imported; ``str(exc)`` is a French message for the user."""


class EmptyFileError(ImportFailure):
    pass


class HtmlFileError(ImportFailure):
    pass


class SeparatorError(ImportFailure):
    pass


class HeaderOnlyError(ImportFailure):
    pass


class DuplicateCodesError(ImportFailure):
    pass


class NumericTextError(ImportFailure):
    pass


class NegativeCountError(ImportFailure):
    pass


class MissingCodeColumnError(ImportFailure):
    pass


class RawSource:
    """One CSV to read, from a path or uploaded bytes (taken out of its zip if needed).

    Kept as a path or a zip member rather than text so that a large file is streamed.
    """

    def __init__(
        self,
        name: str,
        opener: Callable[[], BinaryIO],
        size: int,
        siblings: dict[str, bytes] | None = None,
    ) -> None:
        self.name = name
        self._opener = opener
        self.size = size
        self.siblings = siblings or {}  # other CSVs of the same zip (meta dictionaries)

    def open(self) -> BinaryIO:
        return self._opener()

    def head(self, n: int = 65536) -> bytes:
        with self.open() as handle:
            return handle.read(n)


def open_source(
    source: str | Path | bytes, name: str | None = None, member: str | None = None
) -> RawSource:
    """A path or uploaded bytes; in a zip, pick the data file (not the ``meta_`` one).

    ``member`` names the file to read in a zip holding several (INSEE ships a product's
    communes, EPCI and departments in one zip); its case does not matter.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise ImportFailure(f"Fichier « {name} » introuvable.")
        with path.open("rb") as handle:
            is_zip = handle.read(4) == b"PK\x03\x04"
        if not is_zip:
            return RawSource(name, lambda: path.open("rb"), path.stat().st_size)
        return _zip_source(name, lambda: path.open("rb"), member)
    data = bytes(source)
    name = name or "fichier importé"
    if not data.startswith(b"PK\x03\x04"):
        return RawSource(name, lambda: io.BytesIO(data), len(data))
    return _zip_source(name, lambda: io.BytesIO(data), member)


def _zip_source(name: str, opener: Callable[[], BinaryIO], member: str | None = None) -> RawSource:
    try:
        with zipfile.ZipFile(opener()) as archive:
            members = {
                info.filename: info
                for info in archive.infolist()
                if info.filename.lower().endswith((".csv", ".txt")) and not info.is_dir()
            }
            if not members:
                raise ImportFailure(f"L'archive « {name} » ne contient aucun fichier CSV.")
            data_names = [m for m in members if not Path(m).name.lower().startswith("meta")]
            if member is not None:
                data_names = [m for m in members if Path(m).name.lower() == member.lower()]
                if not data_names:
                    raise ImportFailure(
                        f"L'archive « {name} » ne contient pas « {member} » "
                        f"(fichiers : {', '.join(sorted(members))})."
                    )
            if len(data_names) != 1:
                raise ImportFailure(
                    f"L'archive « {name} » contient {len(data_names)} fichiers de données "
                    f"({', '.join(sorted(members))}) : importez-les un par un."
                )
            chosen = data_names[0]
            siblings = {Path(m).name: archive.read(m) for m in members if m != chosen}
            size = members[chosen].file_size
    except zipfile.BadZipFile as exc:
        raise ImportFailure(f"L'archive « {name} » est endommagée ({exc}).") from exc

    def open_member() -> BinaryIO:
        return zipfile.ZipFile(opener()).open(chosen)  # type: ignore[return-value]

    return RawSource(Path(chosen).name, open_member, size, siblings)


def detect_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when valid, otherwise Windows-1252 as French Excel writes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252"


def decode(data: bytes | str) -> str:
    """Whole-text decoding for small files (dictionaries, JSON, site and district lists)."""
    if isinstance(data, str):
        return data
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_text_table(data: bytes | str, error: type[Exception] = ImportFailure) -> pd.DataFrame:
    """A small table typed by hand (site list, districts): ``;`` or ``,``, every cell as text.

    Codes stay strings ("01001"); an unreadable file raises ``error`` with a French message,
    so each importer reports it in its own terms.
    """
    text = decode(data)
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise error(f"Fichier CSV illisible : {exc}") from exc


def check_text_start(name: str, head: str) -> None:
    """Refuse empty files and web pages before trying to parse them."""
    stripped = head.lstrip().lower()
    if not stripped:
        raise EmptyFileError(f"Le fichier « {name} » est vide : aucune ligne à importer.")
    if (
        stripped.startswith(("<!doctype", "<html", "<?xml", "<head", "<body"))
        or "<html" in (stripped[:2000])
    ):
        raise HtmlFileError(
            f"Le fichier « {name} » est une page web (HTML) enregistrée sous un nom en .csv, "
            "pas un tableau : téléchargez le fichier CSV lui-même (sur insee.fr, le lien "
            "« Télécharger » donne un .zip contenant le .csv)."
        )


def detect_separator(name: str, text_head: str) -> str:
    """The separator of the header, checked against the next lines (quotes respected)."""
    lines = [line for line in text_head.splitlines() if line.strip()][:20]
    header = lines[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    sep = max(_SEPARATORS, key=lambda s: counts[s])
    if counts[sep] == 0:
        raise SeparatorError(
            f"Le fichier « {name} » n'a qu'une seule colonne (« {header[:60]} ») : le séparateur "
            "de colonnes attendu est le point-virgule « ; » (format des fichiers INSEE et de "
            "l'enregistrement « CSV (séparateur : point-virgule) » d'Excel)."
        )
    rows = list(csv.reader(lines[:-1] if len(lines) > 2 else lines, delimiter=sep))
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != width:
            raise SeparatorError(
                f"Le fichier « {name} » ne se découpe pas avec le séparateur "
                f"{_SEPARATOR_NAMES[sep]} : l'en-tête a {width} colonnes mais la ligne {number} "
                f"en a {len(row)}. Vérifiez le séparateur (attendu : « ; ») et que les nombres "
                "à virgule ne sont pas séparés par des virgules."
            )
    return sep
