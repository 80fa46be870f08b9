"""Copying the observations and saved views of one database into another, never twice.

Why content rather than ids: ids are numbered by each database, so the same observation has
another id once copied. An observation is recognised by its fields and its creation time
(two identical notes written in the same second count twice, and are copied twice); a view
by its name, compared as people would: a view of the same name already in the target is kept
as it is there (it may have been changed since), and reported when its link differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carto.common.identity import name_key
from carto.diagnosis import schema
from carto.diagnosis.model import DiagnosisCopy, ObservationDraft

_OBS = schema.observations
_VIEWS = schema.saved_views
_IDENTITY = (*ObservationDraft.__dataclass_fields__, "created_at")


@dataclass(frozen=True)
class Rows:
    """Every observation and view of a database, as rows without their ids."""

    observations: tuple[dict, ...]
    views: tuple[dict, ...]


def _without_id(row: Mapping) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def read_all(conn: Connection) -> Rows:
    observations = conn.execute(sa.select(_OBS).order_by(_OBS.c.id)).mappings()
    views = conn.execute(sa.select(_VIEWS).order_by(_VIEWS.c.id)).mappings()
    return Rows(tuple(map(_without_id, observations)), tuple(map(_without_id, views)))


def _identity(row: Mapping) -> tuple:
    return tuple(row[k] for k in _IDENTITY)


def write_missing(conn: Connection, found: Rows) -> DiagnosisCopy:
    """Insert what the target lacks (``conn`` is its write transaction)."""
    here = Counter(_identity(r) for r in conn.execute(sa.select(_OBS)).mappings())
    missing = []
    for row in found.observations:
        if here[_identity(row)] > 0:
            here[_identity(row)] -= 1
        else:
            missing.append(row)
    if missing:
        conn.execute(_OBS.insert(), missing)
    views = {name_key(r.name): dict(r._mapping) for r in conn.execute(sa.select(_VIEWS))}
    copied_views, left_out = 0, []
    for view in found.views:
        taken = views.get(name_key(view["name"]))
        if taken is None:
            conn.execute(_VIEWS.insert().values(**view))
            views[name_key(view["name"])] = view
            copied_views += 1
        elif taken["query_string"] != view["query_string"]:
            left_out.append(
                f"vue « {view['name']} » non copiée : la base a déjà « {taken['name']} », "
                "gardée telle quelle"
            )
    present = len(found.observations) - len(missing) + len(found.views) - copied_views
    return DiagnosisCopy(len(missing), copied_views, present - len(left_out), tuple(left_out))
