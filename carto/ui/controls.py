"""The sidebar: every widget that defines the view, read back as one ViewState.

Labels, options and bounds come from the carto modules (classify.METHODS, PALETTES, filters),
so the widgets and the tests share one declaration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from carto.common.fmt import parse_number
from carto.compose.maps import older_vintages
from carto.compose.scope import Offer
from carto.indicators.catalogue import DEFAULT_INDICATOR, Catalogue, Kind
from carto.map.classify import (
    DEFAULT_CLASSES,
    DEFAULT_PALETTE,
    MAX_CLASSES,
    METHODS,
    MIN_CLASSES,
    PALETTES,
)
from carto.sites.model import CATEGORIES, category_label
from carto.territories.bundle import Bundle
from carto.territories.levels import level as level_words
from carto.territories.zones import DEFAULT_DEPARTMENT, FRANCE, PLM_CITIES, department_label
from carto.ui import state as keys
from carto.viewstate.codec import Filters, RangeFilter, ViewState, ViewStateError
from carto.viewstate.filters import POPULATION_CLASSES

REFERENCE_OPTIONS = {
    "none": "(pas de comparaison)",
    "departement": "au département",
    "region": "à la région",
    "france": "à la France",
}


@dataclass(frozen=True)
class SidebarResult:
    state: ViewState
    errors: tuple[str, ...]  # French messages for inputs that were ignored


def _keep_valid(key: str, options: Sequence[object], default: object) -> None:
    """A stale value in session_state (option gone) falls back to the default, not an error."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


def _parse_list(text: str) -> tuple[float, ...]:
    return tuple(parse_number(p) for p in text.split(";") if p.strip())


def _optional_number(text: str) -> float | None:
    return parse_number(text) if text and text.strip() else None


def sidebar(bundle: Bundle, catalogue: Catalogue, offer: Offer) -> SidebarResult:
    """Draw the sidebar; ``offer`` holds what the current territory has to offer."""
    indicators = list(offer.indicators)
    district_sets = list(offer.district_sets)
    district_names = list(offer.district_names) if offer.district_names else None
    iris_available = offer.iris_available
    ss = st.session_state
    errors: list[str] = []
    ind_ids = [i.id for i in indicators]
    defaults = ViewState()
    for field, key in keys.KEYS.items():
        value = getattr(defaults, field)
        if field == "palette" and value is None:
            value = DEFAULT_PALETTE
        ss.setdefault(key, "" if value is None and field in ("circles", "vintage2") else value)
    with st.sidebar:
        st.header("Territoire")
        options = [FRANCE, *bundle.department_codes]
        _keep_valid(keys.KEYS["department"], options, DEFAULT_DEPARTMENT)
        dep = st.selectbox(
            "Département",
            options,
            key=keys.KEYS["department"],
            format_func=lambda c: department_label(bundle, c),
        )
        by_arr = False
        if dep in PLM_CITIES:
            by_arr = st.checkbox("Par arrondissement municipal", key=keys.KEYS["by_arrondissement"])
        level = "departement" if dep == FRANCE else "commune"
        if dep != FRANCE:
            levels = ["commune", "epci"] + (["district"] if district_sets else [])
            levels += ["iris"] if iris_available else []
            _keep_valid(keys.KEYS["level"], levels, "commune")
            level = st.selectbox(
                "Échelle",
                levels,
                key=keys.KEYS["level"],
                format_func=lambda c: level_words(c).option,
            )
            dset_options = ["", *district_sets]
            _keep_valid(keys.KEYS["district_set"], dset_options, "")
            st.selectbox(
                "Découpage en territoires d'action sociale",
                dset_options,
                key=keys.KEYS["district_set"],
                format_func=lambda n: n or "(aucun)",
            )

        st.header("Indicateur")
        _keep_valid(keys.KEYS["indicator"], ind_ids, DEFAULT_INDICATOR)
        ind_id = st.selectbox(
            "Indicateur",
            ind_ids,
            key=keys.KEYS["indicator"],
            format_func=lambda i: catalogue.get(i).label,
        )
        ind = catalogue.get(ind_id)
        st.caption(f"{ind.definition} Unité : {ind.unit}. {ind.source_line()}.")
        references = ["none", "france"] if dep == FRANCE else list(REFERENCE_OPTIONS)
        _keep_valid(keys.KEYS["reference"], references, "none")
        reference = st.selectbox(
            "Comparer à",
            references,
            key=keys.KEYS["reference"],
            format_func=REFERENCE_OPTIONS.get,
            help="Écart de chaque territoire à la référence, sur une palette divergente.",
        )
        older = older_vintages(catalogue, ind_id)
        vintage2 = None
        if older and reference == "none":
            _keep_valid(keys.KEYS["vintage2"], ["", *older], "")
            vintage2 = (
                st.selectbox(
                    "Évolution depuis le millésime",
                    ["", *older],
                    key=keys.KEYS["vintage2"],
                    format_func=lambda v: v or "(pas d'évolution)",
                )
                or None
            )
        counts = [i.id for i in indicators if i.kind is Kind.COUNT]
        _keep_valid(keys.KEYS["circles"], ["", *counts], "")
        circles = st.selectbox(
            "Cercles proportionnels (effectifs)",
            ["", *counts],
            key=keys.KEYS["circles"],
            format_func=lambda i: catalogue.get(i).label if i else "(aucun)",
        )

        st.header("Classes")
        method = st.selectbox(
            "Méthode", list(METHODS), key=keys.KEYS["class_method"], format_func=METHODS.get
        )
        bounds: tuple[float, ...] = ()
        k = int(ss.get(keys.KEYS["n_classes"], DEFAULT_CLASSES))
        if method == "manuel":
            raw = st.text_input(
                "Bornes (séparées par « ; »)", key=keys.BOUNDS_KEY, placeholder="50 ; 100 ; 500"
            )
            try:
                bounds = _parse_list(raw)
            except ValueError as exc:
                errors.append(str(exc))
        else:
            k = st.slider("Nombre de classes", MIN_CLASSES, MAX_CLASSES, key=keys.KEYS["n_classes"])
        _keep_valid(keys.KEYS["palette"], list(PALETTES), DEFAULT_PALETTE)
        palette = st.selectbox(
            "Palette (adaptée aux daltoniens)",
            list(PALETTES),
            key=keys.KEYS["palette"],
            format_func=PALETTES.get,
        )

        with st.expander("Filtrer les communes", expanded=False):
            fpop = st.multiselect(
                "Taille de commune",
                [c.id for c in POPULATION_CLASSES],
                key=keys.FILTER_KEYS["population_classes"],
                format_func=lambda c: next(p.label for p in POPULATION_CLASSES if p.id == c),
            )
            epci_codes: list[str] = []
            if dep != FRANCE:
                com = bundle.communes
                present = com.loc[(com["DEP"] == dep) & com["EPCI"].notna(), "EPCI"].unique()
                names = bundle.epci.set_index("EPCI")["LIBEPCI"]
                _keep_valid_list(keys.FILTER_KEYS["epci"], present)
                epci_codes = st.multiselect(
                    "EPCI",
                    sorted(present, key=lambda c: names.get(c, c)),
                    key=keys.FILTER_KEYS["epci"],
                    format_func=lambda c: names.get(c, c),
                )
            ranges_list: list[RangeFilter] = []
            for slot in range(keys.RANGE_SLOTS):
                found = _range_filter(slot, ind_ids, catalogue, errors)
                if found is not None:
                    ranges_list.append(found)
            ranges = tuple(ranges_list)
            districts_filter: tuple[str, ...] = ()
            if district_names:
                _keep_valid_list(keys.FILTER_KEYS["districts"], district_names)
                districts_filter = tuple(
                    st.multiselect(
                        "Territoires d'action sociale",
                        district_names,
                        key=keys.FILTER_KEYS["districts"],
                    )
                )

        st.header("Couches")
        layers = ["communes"]
        for layer, label in (
            ("epci", "Contours des EPCI"),
            ("mairies", "Mairies"),
            ("sites", "Sites (CCAS, CIAS, partenaires)"),
            ("districts", "Territoires d'action sociale"),
            ("observations", "Observations des partenaires"),
        ):
            ss.setdefault(keys.LAYER_KEYS[layer], layer == "epci")
            if st.checkbox(label, key=keys.LAYER_KEYS[layer], disabled=dep == FRANCE):
                layers.append(layer)
        categories = None
        if "sites" in layers:
            all_codes = [c.code for c in CATEGORIES]
            ss.setdefault(keys.CATEGORIES_KEY, all_codes)
            _keep_valid_list(keys.CATEGORIES_KEY, all_codes)
            chosen = st.multiselect(
                "Catégories de sites",
                all_codes,
                key=keys.CATEGORIES_KEY,
                format_func=category_label,
            )
            categories = None if set(chosen) == set(all_codes) else tuple(chosen)
        tiles = st.checkbox(
            "Fond de carte OpenStreetMap (nécessite internet)", key=keys.KEYS["tiles"]
        )

        st.header("Présentation")
        meeting = st.toggle("Mode réunion", key=keys.KEYS["meeting"])
        side = st.toggle("Deux cartes côte à côte", key=keys.KEYS["side_by_side"])
        ind2 = None
        if side:
            others = [i for i in ind_ids if i != ind_id] or ind_ids
            _keep_valid(keys.KEYS["indicator2"], others, others[0])
            ind2 = st.selectbox(
                "Indicateur de la seconde carte",
                others,
                key=keys.KEYS["indicator2"],
                format_func=lambda i: catalogue.get(i).label,
            )

    try:
        filters = Filters(
            ranges=ranges,
            epci=tuple(epci_codes),
            districts=districts_filter,
            population_classes=tuple(fpop),
        )
    except ViewStateError as exc:
        errors.append(str(exc))
        filters = Filters()
    dset = ss.get(keys.KEYS["district_set"]) or None
    try:
        state = ViewState(
            department=dep,
            by_arrondissement=by_arr,
            level=level,
            indicator=ind_id,
            indicator2=ind2,
            reference=reference,
            vintage2=vintage2,
            circles=circles or None,
            class_method=method,
            n_classes=k,
            bounds=bounds,
            palette=palette,
            filters=filters,
            layers=tuple(layers),
            site_categories=categories,
            district_set=dset,
            meeting=meeting,
            side_by_side=side,
            tiles=tiles,
        )
    except ViewStateError as exc:
        errors.append(str(exc))
        state = ViewState(department=dep, indicator=ind_id, layers=tuple(layers))
    return SidebarResult(state, tuple(errors))


def _range_filter(
    slot: int, ind_ids: list[str], catalogue: Catalogue, errors: list[str]
) -> RangeFilter | None:
    """One "indicator between min and max" filter; either bound may be left empty."""
    slot_keys = keys.range_keys(slot)
    ind_key, lo_key, hi_key = slot_keys.indicator, slot_keys.low, slot_keys.high
    _keep_valid(ind_key, ["", *ind_ids], "")
    rng_ind = st.selectbox(
        "Valeur d'un indicateur" if slot == 0 else "et d'un autre indicateur",
        ["", *ind_ids],
        key=ind_key,
        format_func=lambda i: catalogue.get(i).label if i else "(aucun filtre)",
    )
    if not rng_ind:
        return None
    col_min, col_max = st.columns(2)
    lo_txt = col_min.text_input("Minimum", key=lo_key)
    hi_txt = col_max.text_input("Maximum", key=hi_key)
    try:
        lo, hi = _optional_number(lo_txt), _optional_number(hi_txt)
        if lo is None and hi is None:
            return None
        return RangeFilter(rng_ind, lo, hi)
    except ValueError as exc:  # ViewStateError is a ValueError too (min above max…)
        errors.append(str(exc))
        return None


def _keep_valid_list(key: str, options: Sequence[object]) -> None:
    if key in st.session_state:
        allowed = set(options)
        st.session_state[key] = [v for v in st.session_state[key] or [] if v in allowed]
