"""The levels a view can show, and their French names: the one vocabulary of the atlas.

Why one table: the district level used to be called « territoire », « circonscription »,
« secteur » and « district » depending on the screen. Every label, legend, panel and export
takes its words from here, so the same zone is named the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.common.fmt import format_number


@dataclass(frozen=True)
class Level:
    """French words for one level; ``feminine`` picks the article and agreement."""

    code: str
    option: str  # the level selector: « Communes »
    noun: str  # one zone: « commune »
    plural: str  # several zones: « communes »
    feminine: bool
    scale: str  # after « échelle » / « valeur »: « communale », « de l'EPCI »

    @property
    def with_article(self) -> str:
        """« une commune », « un EPCI »: for sentences addressed to the user."""
        return f"{'une' if self.feminine else 'un'} {self.noun}"

    @property
    def title(self) -> str:
        """« Commune », « EPCI », « Territoire d'action sociale »: a column or field heading.

        Only the first letter is raised, so acronyms stay as they are (``"EPCI"``).
        """
        return self.noun[:1].upper() + self.noun[1:]

    def count(self, n: int) -> str:
        """« 1 commune », « 3 communes », « 2 EPCI », « 4 territoires d'action sociale »."""
        return f"{format_number(n)} {self.plural if n >= 2 else self.noun}"


LEVELS: dict[str, Level] = {
    level.code: level
    for level in (
        Level("commune", "Communes", "commune", "communes", True, "communale"),
        Level(
            "arrondissement",
            "Arrondissements municipaux",
            "arrondissement",
            "arrondissements",
            False,
            "de l'arrondissement municipal",
        ),
        Level(
            "epci",
            "EPCI (territoires des CIAS)",
            "EPCI",
            "EPCI",
            False,
            "intercommunale (EPCI, territoire des CIAS)",
        ),
        Level(
            "district",
            "Territoires d'action sociale",
            "territoire d'action sociale",
            "territoires d'action sociale",
            False,
            "du territoire d'action sociale",
        ),
        Level(
            "departement", "Départements", "département", "départements", False, "départementale"
        ),
        Level("iris", "IRIS (quartiers des villes)", "IRIS", "IRIS", False, "de l'IRIS"),
    )
}


def level(code: str) -> Level:
    """The level of that code; an unknown code reads as a neutral « zone », never a crash."""
    return LEVELS.get(code) or Level(code, code, "zone", "zones", True, code)
