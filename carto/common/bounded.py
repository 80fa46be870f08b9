"""Limits every import applies while it reads, so that no file can exhaust memory or time.

Why checked while streaming rather than trusted from headers: a zip declares the size of its
members, but a hostile one lies; a 1 MB archive inflating to 1 GB, a 50 MB file made of one
line, or a table of a million columns must be refused after reading a bounded amount, with a
French message naming the file and what went beyond the limit. The limits are set well above
the largest official files (the INSEE « dossier complet », 1,927 columns and 35,000 rows, has
lines of about 20 KB; the comparateur inflates about 2.4 times, its dictionary 14 times).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import BinaryIO

from carto.common.failures import ImportFailure, TooLarge, UnsafeArchive
from carto.common.fmt import format_number

MB = 1_000_000  # limits in decimal megabytes, as the French messages state them (« 30 Mo »)
MAX_LINE_BYTES = 1 * MB  # one line of a table
MAX_COLUMNS = 5_000
MAX_ROWS = 500_000  # France has 35,000 communes and 50,000 IRIS
MAX_CELLS = 20_000_000  # rows × numeric columns kept: 160 MB of floats
MAX_MEMBER_BYTES = 2_000 * MB  # one table inflated from a zip (streamed)
MAX_RATIO = 100  # inflated / compressed size of a member…
RATIO_FLOOR = 8 * MB  # …checked once this much has come out (small files compress a lot)
MAX_MEMBERS = 1_000
MAX_SIDE_BYTES = 64 * MB  # a dictionary (meta_…) read whole from its zip
MAX_TEXT_BYTES = 30 * MB  # small tables and JSON read whole (site lists, districts)
_CHUNK = 1 << 16


def size_text(n: int) -> str:
    """``12_600_000`` → ``"12 Mo"`` (French units, decimal comma below 10)."""
    mo = n / 1_000_000
    if mo >= 10:
        return f"{mo:.0f}\u00a0Mo"
    if mo >= 0.1:
        return f"{mo:.1f}\u00a0Mo".replace(".", ",")
    return f"{max(1, round(n / 1000))}\u00a0ko"


class BoundedReader(io.RawIOBase):
    """A binary stream that refuses, in French, to go beyond ``max_bytes``, beyond a ratio to
    ``compressed`` (a zip member's stored size), or beyond ``max_line`` bytes in one line."""

    def __init__(
        self,
        raw: BinaryIO,
        name: str,
        max_bytes: int,
        compressed: int | None = None,
        max_line: int | None = MAX_LINE_BYTES,
    ) -> None:
        self._raw = raw
        self.name = name
        self.max_bytes = max_bytes
        self.compressed = compressed
        self.max_line = max_line
        self.count = 0
        self.lines = 0
        self._run = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move like the stream it wraps (a zip member inflates what it skips, within its
        checked declared size); the limits go on counting from there."""
        position = self._raw.seek(offset, whence)
        self.count = max(self.count, position)
        self._run = 0
        self._check_size()
        return position

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ImportFailure(
                f"L'archive contenant « {self.name} » est endommagée : le fichier ne peut pas "
                "être décompressé entièrement. Téléchargez-la de nouveau."
            ) from exc
        size = len(data)
        buffer[:size] = data
        self.count += size
        self._check_size()
        if self.max_line is not None and size:
            self._check_lines(data)
        return size

    def _check_size(self) -> None:
        if self.count > self.max_bytes:
            raise TooLarge(
                f"« {self.name} » dépasse {size_text(self.max_bytes)} une fois lu : fichier "
                "refusé (limite de taille). Importez un extrait (un département, moins de "
                "colonnes)."
            )
        ratio_cap = MAX_RATIO * (self.compressed or 0)
        if self.compressed is not None and self.count > max(RATIO_FLOOR, ratio_cap):
            raise UnsafeArchive(
                f"« {self.name} » se décompresse en plus de {MAX_RATIO} fois sa taille dans "
                "l'archive : archive refusée (les fichiers officiels en sont très loin ; "
                "celle-ci est anormale ou piégée)."
            )

    def _check_lines(self, data: bytes) -> None:
        first = data.find(b"\n")
        if first == -1:
            self._run += len(data)
            longest = self._run
        else:
            inner = data[first + 1 : data.rfind(b"\n")]
            longest = max(self._run + first, max(map(len, inner.split(b"\n")), default=0))
            self._run = len(data) - data.rfind(b"\n") - 1
            self.lines += data.count(b"\n")
        if max(longest, self._run) > self.max_line:  # type: ignore[operator]
            raise TooLarge(
                f"La ligne {self.lines + 1} de « {self.name} » dépasse "
                f"{size_text(self.max_line)} (limite par ligne) : ce n'est pas un tableau "  # type: ignore[arg-type]
                "lisible ligne à ligne. Vérifiez le fichier (fins de ligne, séparateur)."
            )

    def close(self) -> None:
        self._raw.close()
        super().close()


def check_size(name: str, size: int, limit: int, advice: str = "") -> None:
    """Refuse a whole file beyond ``limit`` before reading it."""
    if size > limit:
        raise TooLarge(
            f"« {name} » pèse {size_text(size)}, au-delà de la limite de {size_text(limit)} "
            f"pour ce type de fichier.{' ' + advice if advice else ''}"
        )


def _unsafe_name(filename: str) -> bool:
    path = PurePosixPath(filename.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in filename or "\x00" in filename


def archive_members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The members of an archive, once its declared sizes and names are checked."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive(f"L'archive « {name} » contient plus de {MAX_MEMBERS} fichiers.")
    for info in infos:
        if _unsafe_name(info.filename):
            raise UnsafeArchive(
                f"L'archive « {name} » contient un chemin hors de l'archive "
                f"(« {info.filename[:80]} ») : archive refusée."
            )
        if info.flag_bits & 0x1:
            raise ImportFailure(
                f"L'archive « {name} » est protégée par un mot de passe : décompressez-la et "
                "importez le fichier qu'elle contient."
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise TooLarge(
                f"« {info.filename} » (dans « {name} ») déclare {size_text(info.file_size)} "
                f"une fois décompressé, au-delà de la limite de {size_text(MAX_MEMBER_BYTES)}."
            )
        inflated = info.file_size > max(RATIO_FLOOR, MAX_RATIO * info.compress_size)
        if inflated:
            raise UnsafeArchive(
                f"« {info.filename} » (dans « {name} ») se décompresse en plus de {MAX_RATIO} "
                "fois sa taille : archive anormale ou piégée, refusée."
            )
    return infos


def open_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    max_bytes: int = MAX_MEMBER_BYTES,
    max_line: int | None = MAX_LINE_BYTES,
) -> BoundedReader:
    """A member as a stream, its actual inflated size and ratio checked as it is read."""
    return BoundedReader(
        archive.open(info),  # type: ignore[arg-type]
        PurePosixPath(info.filename).name,
        min(max_bytes, MAX_MEMBER_BYTES),
        compressed=info.compress_size,
        max_line=max_line,
    )


def read_all(stream: BoundedReader) -> bytes:
    """The whole of a bounded stream, in chunks (never one unbounded ``read()``)."""
    parts = []
    with stream:
        while chunk := stream.read(_CHUNK):
            parts.append(chunk)
    return b"".join(parts)


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int, max_line: int | None = None
) -> bytes:
    return read_all(open_member(archive, info, max_bytes, max_line))


def longest_line(text: str | bytes) -> int:
    """Length of the longest line (for files read whole)."""
    sep = b"\n" if isinstance(text, bytes) else "\n"
    return max(map(len, text.split(sep)), default=0)  # type: ignore[arg-type]


def check_lines(name: str, text: str, max_line: int = MAX_LINE_BYTES) -> None:
    """Refuse a text read whole whose longest line goes beyond ``max_line`` characters."""
    if longest_line(text) > max_line:
        raise TooLarge(
            f"« {name} » a une ligne de plus de {size_text(max_line)} (limite par ligne) : ce "
            "n'est pas un tableau lisible ligne à ligne."
        )


def check_count(name: str, what: str, count: int, limit: int) -> None:
    """Refuse ``count`` rows, columns, features… beyond ``limit``."""
    if count > limit:
        raise TooLarge(
            f"« {name} » compte plus de {format_number(limit)} {what} (limite) : importez un "
            "extrait (un département, moins de colonnes)."
        )


def names_of(infos: Iterable[zipfile.ZipInfo]) -> list[str]:
    return [i.filename for i in infos if not i.is_dir()]
