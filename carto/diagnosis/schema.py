"""Database engine and schema migrations for the shared diagnosis store.

Why hand-written migrations: the schema is tiny, and an ordered list of steps, each applied in
its own transaction together with the version bump, is enough to upgrade a partner's database
without losing notes and without another dependency (Alembic). Steps are frozen: they build
their own table objects, so editing the current tables below never changes an old step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

CONNECT_TIMEOUT_S = 5
BUSY_TIMEOUT_MS = 30_000  # measured: 1 ms gives "database is locked" under 8 writers
_PG_MIGRATION_LOCK = 0x41544C53  # arbitrary advisory-lock key ("ATLS")


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


# --- engine and transactions ----------------------------------------------------------------------


def create_engine(url: str) -> Engine:
    """An engine whose SQLite connections all use WAL and a busy timeout.

    Why BEGIN IMMEDIATE for writes on SQLite: a deferred transaction that reads then writes can
    fail at once with "database is locked" (lock upgrade), whatever the busy timeout; taking the
    write lock at BEGIN makes concurrent writers wait their turn instead.
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # A server that does not answer must not freeze the page: give up after a few
        # seconds (the store then says so in French, and the next rerun tries again).
        return sa.create_engine(
            parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
        )
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    engine = sa.create_engine(
        parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # NORMAL is crash-safe with WAL (a killed process never corrupts nor half-writes);
        # only an OS crash or power cut may lose the last commits.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("atlas_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that commits on success and rolls back on any exception."""
    with engine.connect() as conn:
        conn.execution_options(atlas_write=True)
        with conn.begin():
            yield conn


def _lock_for_migration(conn: Connection) -> None:
    # SQLite: BEGIN IMMEDIATE already serialises; PostgreSQL needs an explicit lock because
    # two app processes may open the same new database at once.
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return int(conn.execute(sa.select(schema_version.c.version)).scalar_one())


def migrate(engine: Engine, target: int = LATEST_VERSION) -> int:
    """Apply the missing steps up to ``target``, each in its own transaction; return the version."""
    with write_transaction(engine) as conn:
        _lock_for_migration(conn)
        if not sa.inspect(conn).has_table("schema_version"):
            schema_version.create(conn)
            conn.execute(schema_version.insert().values(version=0))
    for version, (description, step) in enumerate(MIGRATIONS, start=1):
        if version > target:
            break
        with write_transaction(engine) as conn:
            _lock_for_migration(conn)
            current = int(conn.execute(sa.select(schema_version.c.version)).scalar_one())
            if current >= version:
                continue
            try:
                step(conn)
            except sa.exc.SQLAlchemyError as exc:
                raise StoreError(
                    f"Mise à jour de la base impossible (étape {version} : {description}) ; "
                    f"la base est restée dans son état précédent. Détail : {exc.__class__.__name__}"
                ) from exc
            conn.execute(schema_version.update().values(version=version))
    found = current_version(engine)
    if found > LATEST_VERSION:
        raise SchemaTooNew(
            f"La base de données est au schéma {found}, plus récent que cette version de l'atlas "
            f"({LATEST_VERSION}) : mettez l'application à jour avant de l'utiliser."
        )
    return found
