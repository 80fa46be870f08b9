"""Panel « Sites et territoires d'action sociale », its districts column: import of a set,
the editor, and the panel of one district.

The set shown on the map is chosen in the sidebar, and the districts' table is the zones'
table at the district level.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from carto.compose.keys import sites_token
from carto.districts.importers import (
    DistrictImport,
    DistrictImportError,
    read_district_csv,
    read_district_geojson,
    read_district_names,
)
from carto.districts.model import (
    DistrictError,
    DistrictSet,
    assign,
    assign_epci,
    delete_district,
    department_communes,
    rename_district,
    validate,
)
from carto.districts.storage import list_district_sets, load_district_set, save_district_set
from carto.districts.table import district_table, format_district_table, sites_in_district
from carto.indicators.catalogue import Indicator
from carto.sites.categories import category_label
from carto.territories import zones
from carto.territories.levels import level as level_words
from carto.ui import cache
from carto.ui.french import CHOOSE
from carto.ui.panels.context import PanelContext
from carto.ui.state import SELECTED_KEY

NEW = "(nouveau jeu)"


def show_issues(ds: DistrictSet, communes: pd.DataFrame, issues: list | None = None) -> None:
    for issue in issues if issues is not None else validate(ds, communes):
        st.warning(issue.message)


def district_import_panel(
    communes: pd.DataFrame, dep: str, key: str = "district_import"
) -> DistrictImport | None:
    """Upload a CSV (code commune → district) or GeoJSON polygons, check, save."""
    uploaded = st.file_uploader(
        "Importer un découpage (CSV code commune → district, ou GeoJSON de polygones)",
        type=["csv", "txt", "json", "geojson"],
        key=f"{key}_file",
    )
    names_file = st.file_uploader(
        "Table des noms de districts (facultative : identifiant, nom)",
        type=["csv", "txt"],
        key=f"{key}_names",
    )
    if uploaded is not None and st.session_state.get(f"{key}_prefilled") != uploaded.name:
        # a new file names the set after itself, as a site list does; the name stays editable
        st.session_state[f"{key}_prefilled"] = uploaded.name
        if not st.session_state.get(f"{key}_name"):
            st.session_state[f"{key}_name"] = Path(uploaded.name).stem
    name = st.text_input("Nom du jeu de districts", key=f"{key}_name")
    missing = missing_for_import(uploaded is not None, bool(name.strip()))
    if missing:
        st.info(missing)
        return None
    try:
        if uploaded.name.lower().endswith((".json", ".geojson")):
            result = read_district_geojson(uploaded.getvalue(), dep, name, communes)
        else:
            names = read_district_names(names_file.getvalue()) if names_file else None
            result = read_district_csv(uploaded.getvalue(), dep, name, communes, names=names)
    except DistrictImportError as exc:
        st.error(str(exc))
        return None
    ds = result.district_set
    st.success(f"{len(ds.mapping)} communes réparties en {len(ds.districts)} districts.")
    show_issues(ds, communes, result.issues)
    if st.button("Enregistrer ce découpage", key=f"{key}_save"):
        _save(ds)
    return result


def missing_for_import(has_file: bool, has_name: bool) -> str | None:
    """What the import still needs, in French (None: it can start)."""
    if has_file and has_name:
        return None
    if has_file:
        return "Donnez un nom au jeu de districts : la lecture du fichier commence ensuite."
    if has_name:
        return "Choisissez le fichier du découpage (CSV ou GeoJSON) pour lancer la lecture."
    return (
        "Pour importer un découpage : choisissez son fichier (CSV code commune → district, ou "
        "GeoJSON de polygones) et donnez un nom au jeu."
    )


def _save(ds: DistrictSet) -> None:
    try:
        save_district_set(ds)
    except DistrictError as exc:
        st.error(str(exc))
    else:
        st.success(f"Découpage « {ds.name} » enregistré.")


def district_editor(
    communes: pd.DataFrame,
    epci_names: pd.Series,
    dep: str,
    key: str = "district_editor",
    selected: str | None = None,
) -> DistrictSet:
    """Edit a set: assign communes (by list, by EPCI or clicked on the map), rename, delete.

    ``selected`` is the commune last clicked on the map (None when nothing is selected).

    The draft lives in ``st.session_state[f"{key}_draft"]``; the edited set is returned.
    """
    draft = _draft(dep, key)
    try:
        draft = _assign(draft, communes, epci_names, selected, key)
        if draft.districts:
            draft = _rename_or_delete(draft, key)
    except DistrictError as exc:
        st.error(str(exc))
    st.session_state[f"{key}_draft"] = draft
    st.caption(f"{len(draft.mapping)} commune(s) affectée(s), {len(draft.districts)} district(s).")
    show_issues(draft, communes)
    if st.button("Enregistrer le jeu", key=f"{key}_save"):
        if not draft.name:
            st.error("Donnez un nom au jeu de districts avant de l'enregistrer.")
        else:
            _save(draft)
    return draft


def _draft(dep: str, key: str) -> DistrictSet:
    """The set being edited: a new one or a stored one, reloaded when another is chosen."""
    base = st.selectbox("Jeu à modifier", [NEW, *list_district_sets(dep)], key=f"{key}_base")
    draft: DistrictSet | None = st.session_state.get(f"{key}_draft")
    if draft is None or st.session_state.get(f"{key}_loaded") != (dep, base):
        draft = DistrictSet(dep, "") if base == NEW else load_district_set(dep, base)
        st.session_state[f"{key}_loaded"] = (dep, base)
    set_name = st.text_input("Nom du jeu", value=draft.name, key=f"{key}_name_{base}")
    return DistrictSet(dep, set_name.strip(), draft.mapping, draft.origin)


def _assign(
    draft: DistrictSet,
    communes: pd.DataFrame,
    epci_names: pd.Series,
    selected: str | None,
    key: str,
) -> DistrictSet:
    """Assign communes to a district: chosen in a list, a whole EPCI, or clicked on the map."""
    own = department_communes(communes, draft.department).sort_values("LIBGEO")
    labels = dict(zip(own["CODGEO"], own["LIBGEO"] + " (" + own["CODGEO"] + ")", strict=True))
    mode = st.radio(
        "Choisir les communes", ["Par liste", "Par EPCI", "Sur la carte"], key=f"{key}_mode"
    )
    district = st.text_input(
        "District de destination (existant ou nouveau)",
        key=f"{key}_target",
        help="Districts existants : " + (", ".join(draft.districts) or "aucun"),
    )
    if mode == "Par liste":
        codes = st.multiselect(
            "Communes",
            list(labels),
            format_func=labels.get,
            key=f"{key}_codes",
            placeholder=CHOOSE,
        )
        if st.button("Affecter au district", key=f"{key}_assign"):
            draft = assign(draft, codes, district)
            st.success(f"{len(codes)} commune(s) affectée(s) à « {district.strip()} ».")
    elif mode == "Sur la carte":
        if selected not in labels:
            st.caption("Cliquez sur une commune de la carte (échelle communale) pour l'affecter.")
        elif st.button(f"Affecter {labels[selected]} au district", key=f"{key}_assign_map"):
            draft = assign(draft, [selected], district)
            st.success(f"{labels[selected]} affectée à « {district.strip()} ».")
    else:
        epci = st.selectbox(
            "EPCI",
            sorted(own["EPCI"].dropna().unique()),
            format_func=lambda e: f"{epci_names.get(e, e)} ({e})",
            key=f"{key}_epci",
        )
        if st.button("Affecter l'EPCI au district", key=f"{key}_assign_epci"):
            draft = assign_epci(draft, communes, epci, district)
            st.success(f"Communes de l'EPCI affectées à « {district.strip()} ».")
    return draft


def _rename_or_delete(draft: DistrictSet, key: str) -> DistrictSet:
    old = st.selectbox("District", draft.districts, key=f"{key}_old")
    new = st.text_input("Nouveau nom", key=f"{key}_new")
    cols = st.columns(2)
    if cols[0].button("Renommer", key=f"{key}_rename"):
        draft = rename_district(draft, old, new)
    if cols[1].button("Supprimer le district", key=f"{key}_delete"):
        draft = delete_district(draft, old)
        st.info(f"District « {old} » supprimé : ses communes sont à réaffecter.")
    return draft


def district_panel(
    ds: DistrictSet,
    district: str,
    communes: pd.DataFrame,
    sites: pd.DataFrame,
    measures: pd.DataFrame,
    indicators: list[Indicator],
) -> None:
    """One district: indicators, member communes and the sites located in them."""
    st.subheader(district)
    table = district_table(ds, measures, indicators)
    if district in table.index:
        values = format_district_table(table, indicators).loc[district]
        st.table(values.rename("Valeur").to_frame())
    members = communes[communes["CODGEO"].isin(ds.members(district))]
    st.markdown(f"**Communes membres ({len(members)})**")
    st.dataframe(
        members[["CODGEO", "LIBGEO"]].rename(columns={"CODGEO": "Code", "LIBGEO": "Commune"}),
        hide_index=True,
    )
    located = sites_in_district(ds, district, sites)
    st.markdown(f"**Sites ({len(located)})**")
    st.dataframe(
        pd.DataFrame(
            {
                "Nom": located["name"],
                "Catégorie": located["category"].map(category_label),
                "Adresse": located["address"].str.replace("\n", ", "),
            }
        ),
        hide_index=True,
    )


def districts_column(ctx: PanelContext) -> None:
    """The districts' column of the panel « Sites et territoires d'action sociale »."""
    st.markdown("#### Territoires d'action sociale")
    bundle, state = ctx.bundle, ctx.state
    dep = state.department
    with st.expander("Importer un découpage (CSV ou GeoJSON)"):
        district_import_panel(bundle.communes, dep)
    with st.expander("Éditer un découpage"):
        district_editor(
            bundle.communes,
            zones.epci_names(bundle),
            dep,
            selected=st.session_state.get(SELECTED_KEY),
        )
    if not state.district_set:
        return
    ds = cache.get_district_set(dep, state.district_set, ctx.key.districts)
    communes = cache.get_commune_territory(ctx.key.department_communes)
    indicators = [i for i in ctx.catalogue.available(communes.measures) if i.is_aggregable()]
    choice = st.selectbox(
        level_words("district").noun.capitalize(), ds.districts, key="district_detail"
    )
    if choice:
        sites = cache.get_sites(dep, sites_token())
        district_panel(ds, choice, bundle.communes, sites, communes.measures, indicators)
