"""User documents in a database: PostgreSQL when several app servers share one atlas (SQLite
works too, for fast tests).

One row per item (kind, id, name, JSON document, payload bytes) and one row per kind holding
its revision. Why the revision is bumped inside the write's transaction: a reader either sees
the new items with the new revision or neither, so the caches of every server, keyed by the
revisions, never keep a stale build under a new number. Why an advisory lock per kind on
PostgreSQL: the name check and the write must not interleave with another server's (SQLite's
``BEGIN IMMEDIATE`` already serialises its writers).

A database that cannot be reached becomes a French message (``StorageUnavailable`` when
reading, ``WriteFailed`` when writing); host, port and driver text go to the server's log only.
The tables have their own chain of migrations (``documents_schema_version``), applied when
the backend is first used, beside the diagnosis store's chain in the same database.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carto.common import database
from carto.common.authorisation import Grant, check_grant
from carto.common.documents import (
    CollectionError,
    Entry,
    StorageUnavailable,
    Writer,
    check_kind,
    note_write,
)
from carto.common.files import WriteFailed

VERSION_TABLE = "documents_schema_version"
_DOCS_LOCK = 0x41544C44  # advisory-lock key of the documents' writes ("ATLD")
_LOG = logging.getLogger(__name__)
UNREACHABLE = (
    "la base de données de l'atlas est injoignable (serveur arrêté ou réseau coupé) ; "
    "réessayez dans un instant, et prévenez l'administrateur si cela dure"
)

# --- current schema (used by queries) ---------------------------------------------------------

metadata = sa.MetaData()
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("kind", sa.String(100), primary_key=True),
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=True),
)
revisions = sa.Table(
    "document_revisions",
    metadata,
    sa.Column("kind", sa.String(100), primary_key=True),
    sa.Column("revision", sa.BigInteger, nullable=False),
)


# --- migration steps (frozen: never edit a released step, append a new one) -----------------


def _v1_documents(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "documents",
        md,
        sa.Column("kind", sa.String(100), primary_key=True),
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("saved_at", sa.String(40), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=True),
    ).create(conn)
    sa.Table(
        "document_revisions",
        md,
        sa.Column("kind", sa.String(100), primary_key=True),
        sa.Column("revision", sa.BigInteger, nullable=False),
    ).create(conn)


MIGRATIONS: tuple[database.Step, ...] = (
    ("tables des documents et de leurs révisions", _v1_documents),
)


def _lock_key(kind: str) -> int:
    """A signed 32-bit key per kind for ``pg_advisory_xact_lock(int, int)``."""
    return zlib.crc32(kind.encode("utf-8")) - 2**31


class SqlBackend:
    """The documents of one database; one per process and URL, shared by every session."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = database.create_engine(url)
        self.key = f"sql:{sa.make_url(url).render_as_string(hide_password=True)}"
        self._migrated = False
        self._lock = threading.Lock()

    def close(self) -> None:
        self.engine.dispose()

    # --- connections ----------------------------------------------------------------------

    def _ready(self) -> None:
        if self._migrated:
            return
        with self._lock:
            if not self._migrated:
                database.migrate(
                    self.engine,
                    MIGRATIONS,
                    VERSION_TABLE,
                    failed=CollectionError,
                    too_new=CollectionError,
                    what="la base des documents",
                )
                self._migrated = True

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            self._ready()
            with self.engine.connect() as conn:
                yield conn
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            _LOG.warning("documents database unavailable: %r", exc)
            raise StorageUnavailable(f"Lecture impossible : {UNREACHABLE}.") from exc

    # --- reading --------------------------------------------------------------------------

    def entries(self, kind: str, name_field: str) -> list[Entry]:
        query = (
            sa.select(documents.c.id, documents.c.name, documents.c.saved_at, documents.c.document)
            .where(documents.c.kind == check_kind(kind))
            .order_by(documents.c.id)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [_entry(kind, row, name_field) for row in rows]

    def payload(self, kind: str, entry: Entry) -> bytes:
        query = sa.select(documents.c.payload).where(
            documents.c.kind == check_kind(kind), documents.c.id == entry.id
        )
        with self._reading() as conn:
            found = conn.execute(query).first()
        if found is None or found.payload is None:
            raise CollectionError(
                f"Données de « {entry.name} » introuvables : elles ont été supprimées ou "
                "remplacées entre-temps ; rechargez la page."
            )
        return bytes(found.payload)

    def legacy_exists(self, kind: str, file_name: str) -> bool:
        return False  # files of earlier versions never reach a database (migrate_to_db)

    def revision(self, kind: str) -> int:
        query = sa.select(revisions.c.revision).where(revisions.c.kind == check_kind(kind))
        with self._reading() as conn:
            return int(conn.execute(query).scalar() or 0)

    def revisions(self) -> dict[str, int]:
        with self._reading() as conn:
            rows = conn.execute(sa.select(revisions.c.kind, revisions.c.revision)).all()
        return {kind: int(revision) for kind, revision in rows}

    def kinds(self) -> list[str]:
        with self._reading() as conn:
            found = conn.execute(sa.select(documents.c.kind).distinct()).scalars().all()
        return sorted(found)

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def writing(
        self, kind: str, name_field: str, grant: Grant, payload_suffix: str
    ) -> Iterator[Writer]:
        check_grant(grant)
        check_kind(kind)
        try:
            self._ready()
            with database.write_transaction(self.engine) as conn:
                database.advisory_lock(conn, _DOCS_LOCK, _lock_key(kind))
                writer = _SqlWriter(conn, kind, name_field)
                yield writer
                if writer.changed:
                    _bump(conn, kind)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            _LOG.warning("documents database unavailable: %r", exc)
            message = f"Enregistrement impossible : {UNREACHABLE}. Rien n'a changé."
            raise WriteFailed(message) from exc
        note_write()


def _entry(kind: str, row: sa.Row, name_field: str) -> Entry:
    try:
        document = json.loads(row.document)
        if not isinstance(document, dict):
            raise TypeError("document")
    except (ValueError, TypeError) as exc:
        raise CollectionError(
            f"Document enregistré illisible : {kind}/{row.id} ({type(exc).__name__}). Il est "
            "conservé tel quel ; supprimez-le ou restaurez la base depuis une sauvegarde."
        ) from exc
    return Entry(row.id, row.name, document, row.saved_at)


def _bump(conn: Connection, kind: str) -> None:
    done = conn.execute(
        revisions.update().where(revisions.c.kind == kind).values(revision=revisions.c.revision + 1)
    )
    if done.rowcount == 0:
        conn.execute(revisions.insert().values(kind=kind, revision=1))


class _SqlWriter:
    """The statements of one write transaction (the kind is locked for its whole length)."""

    def __init__(self, conn: Connection, kind: str, name_field: str) -> None:
        self._conn = conn
        self._kind = kind
        self._name_field = name_field
        self.changed = False

    def entries(self) -> list[Entry]:
        query = (
            sa.select(documents.c.id, documents.c.name, documents.c.saved_at, documents.c.document)
            .where(documents.c.kind == self._kind)
            .order_by(documents.c.id)
        )
        return [_entry(self._kind, r, self._name_field) for r in self._conn.execute(query)]

    def put(self, entry: Entry, payload: bytes | None) -> None:
        values = {
            "name": entry.name,
            "saved_at": entry.saved_at,
            "document": json.dumps(entry.document, ensure_ascii=False),
        }
        if payload is not None:
            values["payload"] = payload
        mine = (documents.c.kind == self._kind) & (documents.c.id == entry.id)
        done = self._conn.execute(documents.update().where(mine).values(values))
        if done.rowcount == 0:
            self._conn.execute(documents.insert().values(kind=self._kind, id=entry.id, **values))
        self.changed = True

    def remove(self, entry: Entry) -> None:
        mine = (documents.c.kind == self._kind) & (documents.c.id == entry.id)
        self._conn.execute(documents.delete().where(mine))
        self.changed = True
