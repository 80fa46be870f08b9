"""Opening the table files people actually download or export (INSEE, CAF, Excel).

Why a dedicated opener rather than ``pd.read_csv``: files come zipped, in UTF-8 (with or
without BOM) or Latin-1; users also upload web pages saved as ``.csv`` or Excel exports with
``;``/``,`` mix-ups. Each such case must fail with a precise French message (the
``ImportFailure`` family), before anything is stored. Reading the numeric columns of a large
table is ``carto.common.numeric_table``'s job; small hand-typed tables are read here.

Every stream opened here is bounded (``carto.common.bounded``): a zip's members are checked
(names, declared and actual inflated sizes, ratios) and read in chunks, never whole nor
extracted; lines, columns and whole-file sizes have limits with French messages.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from carto.common.bounded import (
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    MAX_SIDE_BYTES,
    MAX_TEXT_BYTES,
    BoundedReader,
    archive_members,
    check_lines,
    check_size,
    open_member,
    read_member,
    size_text,
)
from carto.common.failures import ImportFailure, TooLarge

_SEPARATORS = (";", "\t", ",", "|")
_SEPARATOR_NAMES = {";": "« ; »", "\t": "tabulation", ",": "« , »", "|": "« | »"}


class EmptyFileError(ImportFailure):
    pass


class HtmlFileError(ImportFailure):
    pass


class BinaryFileError(ImportFailure):
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

    Kept as a path or a zip member rather than text so that a large file is streamed; every
    stream it opens is bounded (size, ratio for a zip member, line length).
    """

    def __init__(
        self,
        name: str,
        opener: Callable[[], BinaryIO],
        size: int,
        siblings: Mapping[str, bytes] | None = None,
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


class _Siblings(Mapping[str, bytes]):
    """The dictionaries (``meta_…``) of a zip, each read only when asked for, with a cap."""

    def __init__(self, opener: Callable[[], BinaryIO], infos: list[zipfile.ZipInfo]) -> None:
        self._opener = opener
        self._infos = {Path(i.filename).name: i for i in infos}

    def __getitem__(self, key: str) -> bytes:
        with zipfile.ZipFile(self._opener()) as archive:
            return read_member(archive, self._infos[key], MAX_SIDE_BYTES)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


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
        if is_zip:
            return _zip_source(name, lambda: path.open("rb"), member)
        size = path.stat().st_size
        return RawSource(name, lambda: BoundedReader(path.open("rb"), name, size), size)
    data = bytes(source)
    name = name or "fichier importé"
    if data.startswith(b"PK\x03\x04"):
        return _zip_source(name, lambda: io.BytesIO(data), member)
    return RawSource(name, lambda: BoundedReader(io.BytesIO(data), name, len(data)), len(data))


def _zip_source(name: str, opener: Callable[[], BinaryIO], member: str | None = None) -> RawSource:
    try:
        with zipfile.ZipFile(opener()) as archive:
            infos = archive_members(archive, name)
            members = {
                info.filename: info
                for info in infos
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
                listed = ", ".join(sorted(members)[:10]) + ("…" if len(members) > 10 else "")
                raise ImportFailure(
                    f"L'archive « {name} » contient {len(data_names)} fichiers de données "
                    f"({listed}) : importez-les un par un."
                )
            chosen = members[data_names[0]]
            metas = [
                i
                for m, i in members.items()
                if m != chosen.filename and Path(m).name.lower().startswith("meta")
            ][:3]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ImportFailure(
            f"L'archive « {name} » est endommagée ou d'un format non pris en charge : "
            "téléchargez-la de nouveau."
        ) from exc

    def open_member_stream() -> BinaryIO:
        archive = zipfile.ZipFile(opener())
        return open_member(archive, chosen)  # type: ignore[return-value]

    return RawSource(
        Path(chosen.filename).name, open_member_stream, chosen.file_size, _Siblings(opener, metas)
    )


def header_head(raw: RawSource) -> bytes:
    """The start of the file, long enough to hold the header line (up to the line limit)."""
    head = raw.head(65536)
    if b"\n" in head or len(head) < 65536:
        return head
    head = raw.head(MAX_LINE_BYTES + 1)
    if b"\n" not in head and len(head) > MAX_LINE_BYTES:
        raise TooLarge(
            f"La ligne d'en-tête de « {raw.name} » dépasse {size_text(MAX_LINE_BYTES)} : ce n'est "
            "pas un tableau lisible (fins de ligne absentes, ou trop de colonnes)."
        )
    return head


def detect_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when valid; UTF-16 (Excel's « texte Unicode ») by its BOM or its
    zero bytes; otherwise Windows-1252 as French Excel writes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 2 * even:
            return "utf-16-le"
        if even > 2 * odd:
            return "utf-16-be"
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


_PANDAS_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PANDAS_LINE = re.compile(r"(?:line|row) (\d+)")


def parser_failure(name: str, exc: Exception, offset: int = 0) -> ImportFailure:
    """pandas' English parsing error as a French message naming the file and the line."""
    text = str(exc)
    fields = _PANDAS_FIELDS.search(text)
    if fields:
        expected, line, seen = fields.groups()
        return ImportFailure(
            f"La ligne {int(line) + offset} de « {name} » a {seen} colonnes alors que l'en-tête "
            f"en annonce {expected} : vérifiez le séparateur (attendu : « ; ») et les "
            "guillemets de cette ligne."
        )
    line = _PANDAS_LINE.search(text)
    where = f" vers la ligne {int(line.group(1)) + offset + 1}" if line else ""
    if "EOF inside string" in text or "quot" in text.lower():
        return ImportFailure(
            f"Un guillemet ouvert n'est jamais fermé dans « {name} »{where} : le fichier est "
            "tronqué ou mal enregistré."
        )
    return ImportFailure(
        f"« {name} » ne se lit pas comme un tableau{where} : vérifiez qu'il s'agit bien d'un "
        "fichier CSV (séparateur « ; »), complet et non protégé."
    )


def read_text_table(
    data: bytes | str, error: type[Exception] = ImportFailure, name: str = "fichier"
) -> pd.DataFrame:
    """A small table typed by hand (site list, districts): ``;`` or ``,``, every cell as text.

    Codes stay strings ("01001"); an unreadable or oversized file raises ``error`` with a
    French message, so each importer reports it in its own terms.
    """
    try:
        if isinstance(data, bytes):
            check_size(name, len(data), MAX_TEXT_BYTES, "Importez un fichier plus petit.")
        text = decode(data)
        check_text_start(name, text[:65536])
        check_lines(name, text)
    except ImportFailure as exc:
        raise error(str(exc)) from exc
    first = text.splitlines()[0] if text.strip() else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    if first.count(sep) + 1 > MAX_COLUMNS:
        raise error(f"« {name} » compte plus de {MAX_COLUMNS} colonnes : fichier refusé.")
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise error(f"Le fichier « {name} » est vide : aucune ligne à lire.") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise error(str(parser_failure(name, exc))) from exc


def check_text_start(name: str, head: str) -> None:
    """Refuse empty files, binary files and web pages before trying to parse them."""
    stripped = head.lstrip().lower()
    if not stripped:
        raise EmptyFileError(f"Le fichier « {name} » est vide : aucune ligne à importer.")
    sample = head[:4096]
    controls = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0x7F <= ord(ch) <= 0x9F or ch == "\ufffd"
    )
    if controls * 50 > len(sample) or stripped.startswith("pk\x03\x04"):
        raise BinaryFileError(
            f"« {name} » n'est pas un fichier texte (contenu binaire : tableur .xlsx, image, "
            "fichier compressé…) : enregistrez-le au format CSV (séparateur « ; »)."
        )
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
