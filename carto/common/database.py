"""Database engines, write transactions and versioned migrations, for every store in SQL.

Why at the bottom of the package: the diagnosis store (observations, saved views) and the
documents of the lower layers (imports, site lists, district sets, IRIS contours, when
``ATLAS_DATABASE_URL`` is set) share one database, one way of opening it and one way of
upgrading it. Each store keeps its own chain of steps and its own version table, so a
chain never waits for another's code to be importable.

Why hand-written migrations: the schemas are tiny, and an ordered list of steps, each applied
in its own transaction together with the version bump, is enough to upgrade a partner's
database without losing anything and without another dependency (Alembic). Steps are frozen:
they build their own table objects, so editing the current tables never changes an old step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

DATABASE_URL_ENV = "ATLAS_DATABASE_URL"
CONNECT_TIMEOUT_S = 5
BUSY_TIMEOUT_MS = 30_000  # measured: 1 ms gives "database is locked" under 8 writers
_PG_MIGRATION_LOCK = 0x41544C53  # arbitrary advisory-lock key ("ATLS")

Step = tuple[str, Callable[[Connection], None]]  # French description, the step itself


def create_engine(url: str) -> Engine:
    """An engine whose SQLite connections all use WAL and a busy timeout.

    Why BEGIN IMMEDIATE for writes on SQLite: a deferred transaction that reads then writes can
    fail at once with "database is locked" (lock upgrade), whatever the busy timeout; taking the
    write lock at BEGIN makes concurrent writers wait their turn instead.
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        # A server that does not answer must not freeze the page: give up after a few
        # seconds (the stores then say so in French, and the next rerun tries again).
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


def advisory_lock(conn: Connection, key: int, sub_key: int | None = None) -> None:
    """Serialise a check-then-write on PostgreSQL until the transaction ends.

    SQLite needs nothing: its write transactions begin with BEGIN IMMEDIATE and so already
    run one at a time.
    """
    if conn.dialect.name != "postgresql":
        return
    if sub_key is None:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key, :sub)"), {"key": key, "sub": sub_key}
        )


def _version_table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), sa.Column("version", sa.Integer, nullable=False))


def current_version(engine: Engine, version_table: str) -> int:
    """The version a chain reached (0 when it never ran)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(version_table):
            return 0
        table = _version_table(version_table)
        return int(conn.execute(sa.select(table.c.version)).scalar_one())


def migrate(
    engine: Engine,
    steps: Sequence[Step],
    version_table: str,
    *,
    target: int | None = None,
    failed: type[Exception] = RuntimeError,
    too_new: type[Exception] = RuntimeError,
    what: str = "la base",
) -> int:
    """Apply the missing steps up to ``target`` (all by default), each in its own
    transaction with its version bump; return the version reached.

    A failing step raises ``failed`` (French, naming the step) and leaves the database at the
    previous version; a database upgraded by a newer atlas raises ``too_new``.
    """
    target = len(steps) if target is None else target
    table = _version_table(version_table)
    with write_transaction(engine) as conn:
        advisory_lock(conn, _PG_MIGRATION_LOCK)
        if not sa.inspect(conn).has_table(version_table):
            table.create(conn)
            conn.execute(table.insert().values(version=0))
    for version, (description, step) in enumerate(steps, start=1):
        if version > target:
            break
        with write_transaction(engine) as conn:
            advisory_lock(conn, _PG_MIGRATION_LOCK)
            current = int(conn.execute(sa.select(table.c.version)).scalar_one())
            if current >= version:
                continue
            try:
                step(conn)
            except sa.exc.SQLAlchemyError as exc:
                raise failed(
                    f"Mise à jour de {what} impossible (étape {version} : {description}) ; "
                    f"la base est restée dans son état précédent. Détail : {exc.__class__.__name__}"
                ) from exc
            conn.execute(table.update().values(version=version))
    found = current_version(engine, version_table)
    if found > len(steps):
        raise too_new(
            f"La base de données est au schéma {found}, plus récent que cette version de l'atlas "
            f"({len(steps)}) : mettez l'application à jour avant de l'utiliser."
        )
    return found
