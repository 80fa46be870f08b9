"""Panel « Sites et territoires d'action sociale », its districts column: import of a set,
the editor, and the panel of one district.

The set shown on the map is chosen in the sidebar, and the districts' table is the zones'
table at the district level.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from carto.common.text import md_escape
from carto.compose.keys import sites_token
from carto.districts.importers import (
    DistrictImport,
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
from carto.districts.storage import (
    delete_district_set,
    district_sets,
    load_district_set,
    rename_district_set,
    save_district_set,
)
from carto.districts.table import district_table, format_district_table, sites_in_district
from carto.indicators.catalogue import Indicator
from carto.sites.categories import category_label
from carto.territories import zones
from carto.territories.levels import level as level_words
from carto.ui import cache
from carto.ui.edit_code import edit_code
from carto.ui.french import CHOOSE
from carto.ui.guard import confirmed_save, french_errors
from carto.ui.panels.context import PanelContext
from carto.ui.panels.manage import Item, manage_items
from carto.ui.state import SELECTED_KEY
from carto.ui.uploads import parsed_once

NEW = "(nouveau jeu)"


def show_issues(ds: DistrictSet, communes: pd.DataFrame, issues: list | None = None) -> None:
    for issue in issues if issues is not None else validate(ds, communes):
        st.warning(md_escape(issue.message))


def district_import_panel(
    communes: pd.DataFrame, dep: str, key: str = "district_import"
) -> DistrictImport | None:
    """Upload a CSV (code commune → district) or GeoJSON polygons, check, save.

    The file is read once (``carto.ui.uploads``); saving under a name already taken asks
    before replacing that set.
    """
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
    result = None
    with french_errors(f"lecture de « {uploaded.name} »"):
        result = _read_import(uploaded, names_file, communes, dep)
    if result is None:
        return None
    ds = replace(result.district_set, name=name.strip())
    st.success(f"{len(ds.mapping)} communes réparties en {len(ds.districts)} districts.")
    show_issues(ds, communes, result.issues)
    clicked = st.button("Enregistrer ce découpage", key=f"{key}_save")
    confirmed_save(f"{key}_save", clicked, ds.name, lambda r: _save(ds, r), "enregistrement")
    return DistrictImport(ds, result.issues)


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


def _read_import(uploaded, names_file, communes: pd.DataFrame, dep: str) -> DistrictImport:  # type: ignore[no-untyped-def]
    """The file's districts, parsed once per content (the set's name is given at saving)."""
    if uploaded.name.lower().endswith((".json", ".geojson")):
        return parsed_once(
            "districts_geojson",
            uploaded,
            lambda: read_district_geojson(
                uploaded.getvalue(), dep, "", communes, file_name=uploaded.name
            ),
            dep,
        )
    names = None
    if names_file is not None:
        names = parsed_once(
            "district_names",
            names_file,
            lambda: read_district_names(names_file.getvalue(), names_file.name),
        )
    return parsed_once(
        "districts_csv",
        uploaded,
        lambda: read_district_csv(
            uploaded.getvalue(), dep, "", communes, names=names, file_name=uploaded.name
        ),
        dep,
        tuple(sorted(names.items())) if names else (),
    )


def _save(ds: DistrictSet, replace: bool, editor_key: str | None = None) -> str:
    """Save ``ds``; from the editor, the set being edited is saved again under its id (a
    new name renames it), and a new set keeps the id it was given for the next saves."""
    set_id = st.session_state.get(f"{editor_key}_loaded_id") if editor_key else None
    stored = save_district_set(ds, code=edit_code(), replace=replace, set_id=set_id)
    if editor_key:
        st.session_state[f"{editor_key}_loaded_id"] = stored.id
    return f"Découpage « {stored.name} » enregistré."


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
        st.error(md_escape(str(exc)))
    st.session_state[f"{key}_draft"] = draft
    st.caption(f"{len(draft.mapping)} commune(s) affectée(s), {len(draft.districts)} district(s).")
    show_issues(draft, communes)
    clicked = st.button("Enregistrer le jeu", key=f"{key}_save")
    if clicked and not draft.name:
        st.error("Donnez un nom au jeu de districts avant de l'enregistrer.")
    else:
        confirmed_save(
            f"{key}_save",
            clicked,
            draft.name,
            lambda replace: _save(draft, replace, key),
            "enregistrement du jeu de districts",
        )
    return draft


def _draft(dep: str, key: str) -> DistrictSet:
    """The set being edited: a new one or a stored one, reloaded when another is chosen."""
    stored = {n.id: n.name for n in district_sets(dep)}
    base = st.selectbox(
        "Jeu à modifier",
        [NEW, *stored],
        format_func=lambda i: stored.get(i, i),
        key=f"{key}_base",
    )
    draft: DistrictSet | None = st.session_state.get(f"{key}_draft")
    if draft is None or st.session_state.get(f"{key}_loaded") != (dep, base):
        draft = DistrictSet(dep, "") if base == NEW else load_district_set(dep, stored[base])
        st.session_state[f"{key}_loaded"] = (dep, base)
        st.session_state[f"{key}_loaded_id"] = None if base == NEW else base
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
        help="Districts existants : " + (md_escape(", ".join(draft.districts)) or "aucun"),
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
            st.success(f"{len(codes)} commune(s) affectée(s) à « {md_escape(district.strip())} ».")
    elif mode == "Sur la carte":
        if selected not in labels:
            st.caption("Cliquez sur une commune de la carte (échelle communale) pour l'affecter.")
        elif st.button(f"Affecter {labels[selected]} au district", key=f"{key}_assign_map"):
            draft = assign(draft, [selected], district)
            st.success(f"{labels[selected]} affectée à « {md_escape(district.strip())} ».")
    else:
        epci = st.selectbox(
            "EPCI",
            sorted(own["EPCI"].dropna().unique()),
            format_func=lambda e: f"{epci_names.get(e, e)} ({e})",
            key=f"{key}_epci",
        )
        if st.button("Affecter l'EPCI au district", key=f"{key}_assign_epci"):
            draft = assign_epci(draft, communes, epci, district)
            st.success(f"Communes de l'EPCI affectées à « {md_escape(district.strip())} ».")
    return draft


def _rename_or_delete(draft: DistrictSet, key: str) -> DistrictSet:
    old = st.selectbox("District", draft.districts, key=f"{key}_old")
    new = st.text_input("Nouveau nom", key=f"{key}_new")
    cols = st.columns(2)
    if cols[0].button("Renommer", key=f"{key}_rename"):
        draft = rename_district(draft, old, new)
    if cols[1].button("Supprimer le district", key=f"{key}_delete"):
        draft = delete_district(draft, old)
        st.info(f"District « {md_escape(old)} » supprimé : ses communes sont à réaffecter.")
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
    st.subheader(md_escape(district))
    table = district_table(ds, measures, indicators)
    if district in table.index:
        values = format_district_table(table, indicators).loc[district]
        frame = values.rename("Valeur").rename_axis("Indicateur").reset_index()
        st.dataframe(frame, hide_index=True)  # plain text: labels come from partners' files
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


def stored_district_sets(dep: str, key: str = "district_sets") -> None:
    """The department's stored sets: rename or delete one."""
    sets = []
    with french_errors("lecture des jeux de districts"):
        sets = district_sets(dep)
    if not sets:
        st.caption("Aucun jeu de districts enregistré pour ce département.")
        return
    items = [Item(n.id, n.name) for n in sets]

    def rename(set_id: str, new_name: str, replace: bool) -> str:
        renamed = rename_district_set(dep, set_id, new_name, code=edit_code(), replace=replace)
        return f"Jeu renommé en « {renamed.name} »."

    def delete(set_id: str) -> str:
        name = next(n.name for n in sets if n.id == set_id)
        delete_district_set(dep, set_id, code=edit_code())
        return f"Jeu « {name} » supprimé."

    manage_items(key, items, rename, delete, "le jeu de districts")


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
    with st.expander("Jeux de districts enregistrés (renommer, supprimer)"):
        stored_district_sets(dep)
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
