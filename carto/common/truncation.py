"""Refusing a table whose download was cut: its last line is short or its last value is cut.

Why a check of its own: a file cut inside its last line still parses. The missing fields read
as empty (statistical secrecy), the cut value as a smaller number (a median of 166 € instead of
16 680 €), and the lines after the cut are simply absent: the import looked complete. Only the
end of the file tells, so only the end is read (a few kilobytes, whatever the file's size).

A complete file that merely lacks its final newline is valid; without that newline, the last
value is judged cut only when its shape says so (empty, ending in a separator or sign, an open
quote, or shorter or less precise than every value of its column just above it).
"""

from __future__ import annotations

import csv
from collections.abc import Collection

from carto.common.tabular import ImportFailure, RawSource

TAIL_BYTES = 65536  # enough for a few hundred lines of the widest INSEE tables
_MIN_NEIGHBOURS = 5  # values of the same column needed before judging a value's length
_CUT_ENDINGS = (",", ".", "-", "+", " ")


class TruncatedFileError(ImportFailure):
    pass


def check_complete_end(
    raw: RawSource, encoding: str, sep: str, width: int, markers: Collection[str] = ()
) -> None:
    """Raise :class:`TruncatedFileError` when the file's last line looks cut.

    ``width`` is the number of fields of the header; ``markers`` the complete words a cell may
    hold instead of a number (``s``, ``nd``…), which are never taken for a cut value.
    """
    data, at_start = _tail(raw)
    ends_with_newline = data.endswith((b"\n", b"\r"))
    text = data.decode(encoding, errors="replace")
    lines = text.splitlines()
    if not at_start:
        lines = lines[1:]  # the first line of the sample is cut by the sample itself
    lines = [line for line in lines if line.strip()]
    if len(lines) < (2 if at_start else 1):
        return  # header only: reported as such by the reader
    last = lines[-1]
    if last.count('"') % 2:
        _refuse(raw, last, "une valeur entre guillemets n'y est pas refermée")
    rows = list(csv.reader(lines[-2:], delimiter=sep))
    fields = rows[-1]
    usual = min(width, len(rows[0])) if len(rows) == 2 else width  # the line above sets it
    if len(fields) < usual:
        _refuse(raw, last, f"elle n'a que {len(fields)} champ(s) sur les {width} de l'en-tête")
    if ends_with_newline or len(fields) != width:
        return
    above = [row[-1] for row in csv.reader(lines[1 if at_start else 0 : -1], delimiter=sep)
             if len(row) == width]  # fmt: skip
    if looks_cut(fields[-1], above, markers):
        _refuse(
            raw,
            last,
            f"sa dernière valeur « {fields[-1][:20]} » paraît coupée et le fichier ne se "
            "termine pas par un saut de ligne",
        )


def looks_cut(value: str, above: list[str], markers: Collection[str] = ()) -> bool:
    """Whether the last value of a file without final newline is the start of a longer one.

    ``above``: the values of the same column on the lines just before. A secrecy marker is a
    complete word; a number shorter than all its neighbours, or without the decimals they all
    have, is the beginning of a number.
    """
    cell = value.strip()
    lowered = {m.lower() for m in markers if m}
    if cell.lower() in lowered:
        return False
    if not cell or value.endswith(_CUT_ENDINGS):
        return True
    numbers = [v.strip() for v in above if v.strip() and v.strip().lower() not in lowered]
    if len(numbers) < _MIN_NEIGHBOURS:
        return False
    if len(cell) < min(len(v) for v in numbers):
        return True
    has_decimals = [("," in v or "." in v) for v in numbers]
    return all(has_decimals) and "," not in cell and "." not in cell


def _tail(raw: RawSource) -> tuple[bytes, bool]:
    """The last bytes of the file, and whether they start at its beginning."""
    start = max(0, raw.size - TAIL_BYTES)
    with raw.open() as handle:
        if start and handle.seekable():
            handle.seek(start)
            return handle.read(), False
        data = handle.read()
    return data[-TAIL_BYTES:], len(data) <= TAIL_BYTES


def _line_count(raw: RawSource) -> int:
    """Number of the file's last non-empty line (1 = header), counted only to say where."""
    count = 0
    last = b""
    with raw.open() as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = (last + chunk)[-TAIL_BYTES:]
    trailing = len(last) - len(last.rstrip(b"\r\n \t"))
    return count - last[len(last) - trailing :].count(b"\n") + 1


def _refuse(raw: RawSource, last: str, why: str) -> None:
    number = _line_count(raw)
    raise TruncatedFileError(
        f"Le fichier « {raw.name} » semble tronqué : sa dernière ligne (ligne {number}, "
        f"« {last[:60]}{'…' if len(last) > 60 else ''} ») est incomplète ({why}). Le "
        "téléchargement a probablement été interrompu : téléchargez le fichier à nouveau. "
        "Rien n'a été importé."
    )
