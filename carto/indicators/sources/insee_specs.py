"""The INSEE indicators the atlas knows, as declaration templates (one per column stem).

Why templates: INSEE names a column by a stem and the vintage's two last digits (``TP6021``),
so each template is instantiated once per vintage found in a file
(``carto.indicators.sources.insee_catalogue``). Median, deciles and published poverty rates
are VALUE (never re-aggregated); rates INSEE gives as parts (unemployed / labour force) are
declared as numerator and denominator (RATE), hence correct at every level.
"""

from __future__ import annotations

from dataclasses import dataclass

from carto.indicators.catalogue import EMPLOI, LOGEMENT, POPULATION, REVENUS, Kind, Polarity

W, B, N = Polarity.HIGHER_WORSE, Polarity.HIGHER_BETTER, Polarity.NEUTRAL


@dataclass(frozen=True)
class Spec:
    """One declaration template; ``{y}`` in texts is replaced by the vintage."""

    id: str
    label: str
    definition: str
    unit: str
    kind: Kind
    polarity: Polarity
    theme: str
    decimals: int = 0
    scale: float = 1.0


_FILOSOFI_DEF = "Source Filosofi (revenus fiscaux et prestations sociales de l'année {y})."
_POVERTY = (
    "Part des personnes vivant sous le seuil de pauvreté (60 % du niveau de vie médian "
    "métropolitain) en {y}. Publié uniquement à l'échelle où l'INSEE le calcule."
)

# Filosofi stems (commune base, and comparateur columns of the same name).
FILOSOFI: dict[str, Spec] = {
    "NBMENFISC": Spec(
        "menages_fiscaux",
        "Nombre de ménages fiscaux",
        "Ménages fiscaux recensés par Filosofi en {y}.",
        "ménages",
        Kind.COUNT,
        N,
        REVENUS,
    ),
    "NBPERSMENFISC": Spec(
        "personnes_menages_fiscaux",
        "Personnes des ménages fiscaux",
        "Nombre de personnes vivant dans un ménage fiscal en {y}.",
        "pers.",
        Kind.COUNT,
        N,
        REVENUS,
    ),
    "MED": Spec(
        "revenu_median",
        "Niveau de vie médian",
        "Médiane du revenu disponible par unité de "
        "consommation en {y} : la moitié des personnes vit avec moins.",
        "€",
        Kind.VALUE,
        B,
        REVENUS,
    ),
    "TP60": Spec("taux_pauvrete", "Taux de pauvreté", _POVERTY, "%", Kind.VALUE, W, REVENUS, 1),
    "PIMP": Spec(
        "part_menages_imposes",
        "Part des ménages fiscaux imposés",
        "Part des ménages fiscaux soumis à l'impôt sur le revenu en {y}.",
        "%",
        Kind.VALUE,
        N,
        REVENUS,
        1,
    ),
    "D1": Spec(
        "decile_1",
        "1er décile du niveau de vie",
        "Niveau de vie sous lequel vivent les 10 % les plus modestes en {y}.",
        "€",
        Kind.VALUE,
        B,
        REVENUS,
    ),
    "D9": Spec(
        "decile_9",
        "9e décile du niveau de vie",
        "Niveau de vie au-dessus duquel vivent les 10 % les plus aisés en {y}.",
        "€",
        Kind.VALUE,
        N,
        REVENUS,
    ),
    "RD": Spec(
        "rapport_interdecile",
        "Rapport interdécile (D9/D1)",
        "Rapport entre le 9e et le 1er décile du niveau de vie en {y} : mesure des inégalités.",
        "",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    ),
    "PPSOC": Spec(
        "part_prestations_sociales",
        "Part des prestations sociales dans le revenu",
        "Part des prestations sociales dans le revenu disponible en {y}.",
        "%",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    ),
    "PPMINI": Spec(
        "part_minima_sociaux",
        "Part des minima sociaux dans le revenu",
        "Part des minima sociaux dans le revenu disponible en {y}.",
        "%",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    ),
    "PPLOGT": Spec(
        "part_prestations_logement",
        "Part des prestations logement dans le revenu",
        "Part des prestations logement dans le revenu disponible en {y}.",
        "%",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    ),
    "PCHO": Spec(
        "part_indemnites_chomage",
        "Part des indemnités de chômage dans le revenu",
        "Part des indemnités de chômage dans le revenu disponible en {y}.",
        "%",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    ),
    "PPEN": Spec(
        "part_pensions",
        "Part des pensions et retraites dans le revenu",
        "Part des pensions, retraites et rentes dans le revenu disponible en {y}.",
        "%",
        Kind.VALUE,
        N,
        REVENUS,
        1,
    ),
}
_AGES = (
    "moins de 30 ans",
    "30 à 39 ans",
    "40 à 49 ans",
    "50 à 59 ans",
    "60 à 74 ans",
    "75 ans ou plus",
)
for _i, _age in enumerate(_AGES, start=1):
    FILOSOFI[f"TP60AGE{_i}"] = Spec(
        f"taux_pauvrete_age{_i}",
        f"Taux de pauvreté – référent fiscal de {_age}",
        _POVERTY,
        "%",
        Kind.VALUE,
        W,
        REVENUS,
        1,
    )
FILOSOFI["TP60TOL1"] = Spec(
    "taux_pauvrete_proprietaires",
    "Taux de pauvreté des propriétaires",
    _POVERTY,
    "%",
    Kind.VALUE,
    W,
    REVENUS,
    1,
)
FILOSOFI["TP60TOL2"] = Spec(
    "taux_pauvrete_locataires",
    "Taux de pauvreté des locataires",
    _POVERTY,
    "%",
    Kind.VALUE,
    W,
    REVENUS,
    1,
)

# Census counts (comparateur), by stem.
CENSUS_COUNTS: dict[str, Spec] = {
    "POP": Spec(
        "population_rp",
        "Population municipale (recensement)",
        "Population municipale au recensement {y}.",
        "hab.",
        Kind.COUNT,
        N,
        POPULATION,
    ),
    "MEN": Spec(
        "menages",
        "Nombre de ménages",
        "Ménages (résidences principales occupées) au recensement {y}.",
        "ménages",
        Kind.COUNT,
        N,
        POPULATION,
    ),
    "LOG": Spec(
        "logements",
        "Nombre de logements",
        "Logements au recensement {y}.",
        "logements",
        Kind.COUNT,
        N,
        LOGEMENT,
    ),
    "EMPLT": Spec(
        "emplois",
        "Emplois au lieu de travail",
        "Emplois situés dans le territoire au recensement {y}.",
        "emplois",
        Kind.COUNT,
        B,
        EMPLOI,
    ),
    "CHOM1564": Spec(
        "chomeurs_1564",
        "Chômeurs de 15 à 64 ans",
        "Chômeurs au sens du recensement {y}.",
        "pers.",
        Kind.COUNT,
        W,
        EMPLOI,
    ),
}

# Rates derived from parts: (id, label, definition, numerator stem, denominator stem, pol, theme)
CENSUS_RATES: tuple[tuple[str, str, str, str, str, Polarity, str], ...] = (
    (
        "taux_chomage",
        "Taux de chômage des 15-64 ans",
        "Chômeurs de 15 à 64 ans rapportés aux "
        "actifs de 15 à 64 ans (recensement {y}, au sens du recensement).",
        "CHOM1564",
        "ACT1564",
        W,
        EMPLOI,
    ),
    (
        "taux_activite",
        "Taux d'activité des 15-64 ans",
        "Actifs de 15 à 64 ans rapportés à la population de 15 à 64 ans (recensement {y}).",
        "ACT1564",
        "POP1564",
        B,
        EMPLOI,
    ),
    (
        "part_logements_vacants",
        "Part des logements vacants",
        "Logements vacants rapportés à l'ensemble des logements (recensement {y}).",
        "LOGVAC",
        "LOG",
        W,
        LOGEMENT,
    ),
    (
        "part_residences_secondaires",
        "Part des résidences secondaires",
        "Résidences secondaires "
        "et logements occasionnels rapportés aux logements (recensement {y}).",
        "RSECOCC",
        "LOG",
        N,
        LOGEMENT,
    ),
    (
        "part_proprietaires",
        "Part des résidences principales occupées par leur propriétaire",
        "Résidences principales en propriété rapportées aux résidences principales "
        "(recensement {y}).",
        "RP_PROP",
        "RP",
        N,
        LOGEMENT,
    ),
    (
        "part_emplois_salaries",
        "Part des emplois salariés",
        "Emplois salariés rapportés à l'ensemble des emplois au lieu de travail (recensement {y}).",
        "EMPLT_SAL",
        "EMPLT",
        N,
        EMPLOI,
    ),
)

SOURCES = {
    "filosofi": "INSEE-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {y} (base communale)",
    "rp": "INSEE, recensement de la population {y} (comparateur de territoires)",
    "etat_civil": "INSEE, état civil {y} (comparateur de territoires)",
    "sirene": "INSEE, Flores / Sirene {y} (comparateur de territoires)",
    "filosofi_iris": "INSEE-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {y} par IRIS",
}

# Comparateur de territoires: establishments (Flores / Sirene), one column per vintage.
ESTABLISHMENTS = Spec(
    "etablissements",
    "Établissements actifs",
    "Établissements actifs fin {y}.",
    "établ.",
    Kind.COUNT,
    N,
    EMPLOI,
)
