"""The errors an import raises for a file it refuses; each message is French and names the
file (and the line or the feature when there is one).

Why a module of its own: ``carto.common.tabular`` (tables) and ``carto.common.bounded`` (the
limits every reader applies) both raise them, and neither may import the other.
"""

from __future__ import annotations


class ImportFailure(ValueError):
    """A file cannot be imported; ``str(exc)`` is a French message for the user."""


class TooLarge(ImportFailure):
    """The file goes beyond a limit (size, line length, rows, columns, vertices…)."""


class UnsafeArchive(ImportFailure):
    """A zip archive that would inflate out of proportion, or names files outside itself."""
