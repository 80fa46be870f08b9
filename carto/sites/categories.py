"""Categories of structures of the local social network (CCAS, CIAS, MDS, CAF, PMI…).

Why categories are data: the legend, the filter, the map style, the importers' label matching
and the tests all read the same declarations, so a new category is one line here. Labels typed
by people (« Centres sociaux », « MSAP », « C.C.A.S. ») are matched through their folded form.
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.common.text import normalize_text


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # French, shown in the legend and the filter
    color: str
    symbol: str  # letter shown in the legend and the popup badge
    radius: int  # CircleMarker radius: the main actors are drawn larger


CATEGORIES: tuple[Category, ...] = (
    Category("ccas", "CCAS", "#c0392b", "C", 7),
    Category("cias", "CIAS", "#e67e22", "I", 8),
    Category("mds", "Maison départementale des solidarités (MDS)", "#1f4e96", "D", 8),
    Category("conseil_departemental", "Conseil départemental (siège)", "#3949ab", "G", 6),
    Category("caf", "CAF", "#1e8449", "F", 6),
    Category("pmi", "PMI", "#c2185b", "P", 5),
    Category("clic", "CLIC", "#6d4c41", "L", 5),
    Category("mdph", "MDPH", "#7b1fa2", "H", 6),
    Category("france_services", "France services / MSAP", "#00838f", "S", 6),
    Category("mission_locale", "Mission locale", "#9e9d24", "M", 5),
    Category("centre_social", "Centre social", "#f9a825", "Z", 5),
    Category("pif", "Point info famille", "#f06292", "B", 5),
    Category("repit_aidants", "Plateforme de répit des aidants", "#8d6e63", "R", 5),
    Category("autre", "Autre structure", "#546e7a", "A", 4),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
OTHER = "autre"


_ALIASES = {
    "ccas": "ccas",
    "c c a s": "ccas",
    "centre communal d action sociale": "ccas",
    "cias": "cias",
    "c i a s": "cias",
    "centre intercommunal d action sociale": "cias",
    "mds": "mds",
    "maison departementale des solidarites": "mds",
    "maison du departement solidarite": "mds",
    "circonscription d action sociale": "mds",
    "circonscription": "mds",
    "territoire d action sociale": "mds",
    "cg": "conseil_departemental",
    "conseil departemental": "conseil_departemental",
    "conseil general": "conseil_departemental",
    "hotel du departement": "conseil_departemental",
    "caf": "caf",
    "caisse d allocations familiales": "caf",
    "pmi": "pmi",
    "protection maternelle et infantile": "pmi",
    "centre de protection maternelle et infantile": "pmi",
    "clic": "clic",
    "mdph": "mdph",
    "maison handicapees": "mdph",
    "maison departementale des personnes handicapees": "mdph",
    "france services": "france_services",
    "france service": "france_services",
    "msap": "france_services",
    "maison de services au public": "france_services",
    "mission locale": "mission_locale",
    "missions locales": "mission_locale",
    "centre social": "centre_social",
    "centres sociaux": "centre_social",
    "point info famille": "pif",
    "points info famille": "pif",
    "plateforme d accompagnement et de repit": "repit_aidants",
    "plateforme de repit": "repit_aidants",
    "autre": OTHER,
    "autres": OTHER,
    "autre structure": OTHER,
}
_ALIASES.update({normalize_text(c.label): c.code for c in CATEGORIES})
_ALIASES.update({c.code.replace("_", " "): c.code for c in CATEGORIES})


def category_code(label: object) -> str | None:
    """Category code for a code or a French label ("Centres sociaux", "MSAP"); None if unknown."""
    return _ALIASES.get(normalize_text(label))


def category_label(code: str) -> str:
    cat = CATEGORY_BY_CODE.get(code)
    return cat.label if cat else str(code)
