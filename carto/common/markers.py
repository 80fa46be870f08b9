"""Why a value is missing: INSEE's markers and the atlas's own, each with one French label.

Why codes rather than a "secret" flag: INSEE writes ``s`` (secret statistique), ``nd`` (non
disponible), ``ns`` (non significatif) and ``so`` (sans objet), and they mean different things
to a coordinator (a secret value exists but is hidden; a value that does not apply will never
exist). Reading them all as « secret » told users that a missing value was hidden when it was
not computed. Each missing cell therefore carries a small integer code, kept from the file to
the map, the table, the exports and the portrait, and shown with its own label.

``MARKER_DTYPE`` frames hold these codes beside the float measures; 0 means "a number".
"""

from __future__ import annotations

from enum import IntEnum

import pandas as pd

from carto.common.fmt import format_number

MARKER_DTYPE = "uint8"


class Marker(IntEnum):
    VALUE = 0  # a number: no marker
    SECRET = 1  # INSEE "s"
    NOT_AVAILABLE = 2  # INSEE "nd", "nc", "n.d."
    NOT_SIGNIFICANT = 3  # INSEE "ns"
    NOT_APPLICABLE = 4  # INSEE "so"
    EMPTY = 5  # an empty cell of a partner's table
    MERGED = 6  # a commune merged since the file's geography: the value cannot be rebuilt
    NOT_COVERED = 7  # the source does not cover this commune (its department, or the commune)
    NOT_PUBLISHED_HERE = 8  # a median or published rate asked for at a level it is not published


LABELS: dict[int, str] = {
    Marker.SECRET: "secret statistique",
    Marker.NOT_AVAILABLE: "non disponible",
    Marker.NOT_SIGNIFICANT: "non significatif",
    Marker.NOT_APPLICABLE: "sans objet",
    Marker.EMPTY: "non renseigné",
    Marker.MERGED: "non disponible (commune fusionnée)",
    Marker.NOT_COVERED: "non couvert par la source",
    Marker.NOT_PUBLISHED_HERE: "non publié à cette échelle",
}
# Member communes counted by their marker: « 1 commune sous secret », « 20 communes sous secret ».
MEMBER_PHRASES: dict[int, tuple[str, str]] = {
    Marker.SECRET: ("sous secret", "sous secret"),
    Marker.NOT_AVAILABLE: ("non disponible", "non disponibles"),
    Marker.NOT_SIGNIFICANT: ("non significative", "non significatives"),
    Marker.NOT_APPLICABLE: ("sans objet", "sans objet"),
    Marker.EMPTY: ("non renseignée", "non renseignées"),
    Marker.MERGED: ("fusionnée", "fusionnées"),
    Marker.NOT_COVERED: ("non couverte par la source", "non couvertes par la source"),
    Marker.NOT_PUBLISHED_HERE: ("sans valeur publiée", "sans valeur publiée"),
}
# Why, in one sentence, for the panels and the legend.
REASONS: dict[int, str] = {
    Marker.SECRET: "l'INSEE ne publie pas la valeur, calculée sur trop peu de ménages "
    "ou de personnes (secret statistique)",
    Marker.NOT_AVAILABLE: "la source ne donne pas de valeur pour ce territoire",
    Marker.NOT_SIGNIFICANT: "la valeur existe mais l'INSEE la juge trop imprécise pour être lue",
    Marker.NOT_APPLICABLE: "l'indicateur ne s'applique pas à ce territoire",
    Marker.EMPTY: "la case du tableau importé est vide",
    Marker.MERGED: "la commune a fusionné depuis la géographie du fichier : une médiane ou un "
    "taux publié pour les anciennes communes ne se recalcule pas pour la nouvelle",
    Marker.NOT_COVERED: "la source ne couvre pas ce territoire",
    Marker.NOT_PUBLISHED_HERE: "une médiane, un décile ou un taux publié ne se recalcule pas "
    "à partir des communes",
}

# Spellings met in official and partners' files (lower-cased, stripped) → code.
SPELLINGS: dict[str, Marker] = {
    "s": Marker.SECRET,
    "secret": Marker.SECRET,
    "nd": Marker.NOT_AVAILABLE,
    "n.d.": Marker.NOT_AVAILABLE,
    "n.d": Marker.NOT_AVAILABLE,
    "nc": Marker.NOT_AVAILABLE,
    "ns": Marker.NOT_SIGNIFICANT,
    "so": Marker.NOT_APPLICABLE,
    "": Marker.EMPTY,
}


def label(code: int) -> str:
    """French label of a marker; a number (0) has none."""
    return LABELS.get(int(code), "")


def members_phrase(count: int, code: int) -> str:
    """« 1 commune sous secret », « 20 communes non disponibles » (code 0: « sans valeur »)."""
    singular, plural = MEMBER_PHRASES.get(int(code), ("sans valeur", "sans valeur"))
    if count == 1:
        return f"1 commune {singular}"
    return f"{format_number(count)} communes {plural}"


def as_markers(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Marker codes from a frame of codes or of booleans (older stores: True = secret)."""
    if frame is None:
        return None
    return frame.fillna(0).astype(MARKER_DTYPE)
