"""Tables and migration steps of the shared diagnosis store (observations, saved views).

Why hand-written migrations: the schema is tiny, and an ordered list of steps, each applied in
its own transaction together with the version bump, is enough to upgrade a partner's database
without losing notes and without another dependency (Alembic). Steps are frozen: they build
their own table objects, so editing the current tables below never changes an old step. The
engine, the write transactions and the migration runner are ``carto.common.database``'s,
shared with the store of user documents, which keeps its own chain in the same database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carto.common import database
from carto.common.database import (  # re-exported: the store and its tests use them from here
    BUSY_TIMEOUT_MS,
    CONNECT_TIMEOUT_S,
    create_engine,
    write_transaction,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CONNECT_TIMEOUT_S",
    "LATEST_VERSION",
    "MIGRATIONS",
    "SchemaTooNew",
    "StoreError",
    "create_engine",
    "current_version",
    "migrate",
    "write_transaction",
]


class StoreError(Exception):
    """Base of the store's errors; the message is French and meant to be shown as is."""


class SchemaTooNew(StoreError):
    """The database was upgraded by a newer version of the atlas."""


# --- current schema (used by queries) ---------------------------------------------------------

metadata = sa.MetaData()
observations = sa.Table(
    "observations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("territory_level", sa.String(16), nullable=False),
    sa.Column("territory_code", sa.String(40), nullable=False),
    sa.Column("department", sa.String(3), nullable=False),
    sa.Column("organisation", sa.String(120), nullable=False),
    sa.Column("author", sa.String(120), nullable=False),
    sa.Column("theme", sa.String(40), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("observed_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
saved_views = sa.Table(
    "saved_views",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("query_string", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
schema_version = sa.Table(
    "schema_version", sa.MetaData(), sa.Column("version", sa.Integer, nullable=False)
)


# --- migration steps (frozen: never edit a released step, append a new one) ---------------------


def _v1_observations(conn: Connection) -> None:
    table = sa.Table(
        "observations",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("territory_level", sa.String(16), nullable=False),
        sa.Column("territory_code", sa.String(40), nullable=False),
        sa.Column("department", sa.String(3), nullable=False),
        sa.Column("organisation", sa.String(120), nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("theme", sa.String(40), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("observed_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    table.create(conn)
    sa.Index("ix_observations_territory", table.c.territory_level, table.c.territory_code).create(
        conn
    )


def _v2_saved_views(conn: Connection) -> None:
    sa.Table(
        "saved_views",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("query_string", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    ).create(conn)


def _v3_department_index(conn: Connection) -> None:
    table = sa.Table("observations", sa.MetaData(), autoload_with=conn)
    sa.Index("ix_observations_department_theme", table.c.department, table.c.theme).create(conn)


MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("table des observations", _v1_observations),
    ("table des vues enregistrées", _v2_saved_views),
    ("index par département et thème", _v3_department_index),
)
LATEST_VERSION = len(MIGRATIONS)


def observation_filters(**filters: str | Iterable[str] | None) -> list[sa.ColumnElement[bool]]:
    """Conditions on the observations' columns: each filter one value or a list of values."""
    where = []
    for column, value in filters.items():
        if value is None:
            continue
        if isinstance(value, str):
            where.append(observations.c[column] == value)
        else:
            where.append(observations.c[column].in_(list(value)))
    return where


# --- engine, transactions, migrations (shared with the documents' store) -----------------------


def migrate(engine: Engine, target: int | None = None) -> int:
    """Apply the missing steps up to ``target``, each in its own transaction; return the version.

    ``MIGRATIONS`` is read at each call (a test appends a broken step to it).
    """
    return database.migrate(
        engine,
        MIGRATIONS,
        "schema_version",
        target=LATEST_VERSION if target is None else target,
        failed=StoreError,
        too_new=SchemaTooNew,
    )


def current_version(engine: Engine) -> int:
    return database.current_version(engine, "schema_version")
