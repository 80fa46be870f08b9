"""District table data: member counts, population and indicators per district (pure)."""

from __future__ import annotations

import pandas as pd

from carto.common.fmt import format_value
from carto.districts.model import DistrictSet
from carto.indicators.catalogue import Indicator, compute


def district_table(
    ds: DistrictSet, measures: pd.DataFrame, indicators: list[Indicator]
) -> pd.DataFrame:
    """Raw values per district (index: district name) for the aggregable indicators.

    A non-aggregable indicator (median, published rate) gets NaN columns, as ``compute`` says.
    """
    zones = ds.zones()
    members = zones.reindex(measures.index).dropna()
    table = pd.DataFrame({"Communes": members.groupby(members).size()})
    for ind in indicators:
        if all(col in measures for col in ind.columns):
            table[ind.label] = compute(ind, measures, zones)
    return table.reindex(ds.districts)


def format_district_table(table: pd.DataFrame, indicators: list[Indicator]) -> pd.DataFrame:
    """French-formatted copy for display (units, decimal comma, 'non disponible')."""
    shown = table.copy().astype(object)
    for ind in indicators:
        if ind.label in shown:
            shown[ind.label] = [format_value(v, ind.unit, ind.decimals) for v in table[ind.label]]
    shown["Communes"] = [format_value(v) for v in table["Communes"]]
    return shown.rename_axis("District")


def sites_in_district(ds: DistrictSet, district: str, sites: pd.DataFrame) -> pd.DataFrame:
    return sites[sites["CODGEO"].isin(ds.members(district))]
