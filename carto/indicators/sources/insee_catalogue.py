"""Indicator declarations built from the INSEE columns actually imported.

Why built from the file rather than listed once: each vintage has its own column names
(``TP6021`` vs ``TP6019``) and a user may import three Filosofi vintages side by side, so every
declaration is instantiated per vintage, with the millésime read from the column suffix. The
templates themselves are data, in ``carto.indicators.sources.insee_specs``.
"""

from __future__ import annotations

from carto.indicators.catalogue import Indicator, Kind
from carto.indicators.sources.insee import InseeColumn, InseeTable
from carto.indicators.sources.insee_specs import (
    CENSUS_COUNTS,
    CENSUS_RATES,
    ESTABLISHMENTS,
    FILOSOFI,
    SOURCES,
    Spec,
)


def _from_spec(spec: Spec, col: InseeColumn, table: InseeTable, prefix: str = "") -> Indicator:
    source = SOURCES.get(col.family, "INSEE").format(y=col.vintage)
    long_label = table.labels.get(col.name, ("", ""))[1]
    definition = spec.definition.format(y=col.vintage)
    if long_label and long_label not in definition:
        definition += f" Libellé INSEE : « {long_label} »."
    level = "IRIS" if table.level == "iris" else "commune"
    return Indicator(
        id=f"{prefix}{spec.id}_{col.vintage}",
        label=f"{spec.label}{' (IRIS)' if prefix else ''}",
        definition=definition,
        unit=spec.unit,
        source=source,
        vintage=col.vintage,
        kind=spec.kind,
        column=col.name,
        decimals=spec.decimals,
        polarity=spec.polarity,
        published_levels=(level,),
        theme=spec.theme,
    )


def indicators_for(table: InseeTable) -> list[Indicator]:
    """Every indicator this table allows, one per vintage; ids are unique."""
    out: dict[str, Indicator] = {}
    cols = list(table.columns.values())
    by_key = {(c.family, c.stem, c.vintage): c for c in cols}
    for col in cols:
        if col.family == "filosofi" and col.stem in FILOSOFI:
            ind = _from_spec(FILOSOFI[col.stem], col, table)
        elif col.family == "rp" and col.stem in CENSUS_COUNTS:
            ind = _from_spec(CENSUS_COUNTS[col.stem], col, table)
        elif col.family == "sirene" and col.stem == "TOT":
            ind = _from_spec(ESTABLISHMENTS, col, table)
        elif col.family == "filosofi_iris":
            ind = _iris_indicator(col, table)
            if ind is None:
                continue
        else:
            continue
        out.setdefault(ind.id, ind)
    for ident, label, definition, num, den, pol, theme in CENSUS_RATES:
        for (family, stem, vintage), col in by_key.items():
            if family != "rp" or stem != num or ("rp", den, vintage) not in by_key:
                continue
            out[f"{ident}_{vintage}"] = Indicator(
                id=f"{ident}_{vintage}",
                label=label,
                definition=definition.format(y=vintage),
                unit="%",
                source=SOURCES["rp"].format(y=vintage),
                vintage=vintage,
                kind=Kind.RATE,
                numerator=col.name,
                denominator=by_key[("rp", den, vintage)].name,
                scale=100.0,
                decimals=1,
                polarity=pol,
                theme=theme,
            )
    return list(out.values())


_IRIS_STEM_MAP = {
    "TP60": "TP60",
    "MED": "MED",
    "D1": "D1",
    "D9": "D9",
    "RD": "RD",
    "PIMP": "PIMP",
    "PPSOC": "PPSOC",
    "PPMINI": "PPMINI",
    "PPLOGT": "PPLOGT",
}


def _iris_indicator(col: InseeColumn, table: InseeTable) -> Indicator | None:
    measure, _, stem = col.stem.partition("_")
    if stem not in _IRIS_STEM_MAP:
        return None
    spec = FILOSOFI[_IRIS_STEM_MAP[stem]]
    if measure == "DEC":
        spec = Spec(
            spec.id + "_declare",
            spec.label + " (revenu déclaré)",
            spec.definition.replace("disponible", "déclaré"),
            spec.unit,
            spec.kind,
            spec.polarity,
            spec.theme,
            spec.decimals,
        )
    return _from_spec(spec, col, table, prefix="iris_")
