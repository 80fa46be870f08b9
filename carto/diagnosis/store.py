"""Shared diagnosis storage: partners' observations and saved views, in SQLite or PostgreSQL.

Why SQLAlchemy Core with hand-written migrations: the same few statements must run on a local
SQLite file (default, no server to install) and on PostgreSQL (shared deployments), and the
schema must evolve without losing partners' notes. Every write is one transaction: it is either
entirely stored or not at all, even if the process dies in the middle. Inputs are checked
before anything is written and refused with a French message (``StoreError`` subclasses).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carto.common import authorisation
from carto.common.identity import name_key
from carto.common.paths import user_data_dir
from carto.common.text import sort_key
from carto.diagnosis import copying, schema
from carto.diagnosis.model import (
    LEVELS,
    MAX_AUTHOR,
    MAX_ORGANISATION,
    MAX_QUERY_STRING,
    MAX_TEXT,
    MAX_VIEW_NAME,
    THEMES,
    DiagnosisCopy,
    InvalidInput,
    NotFound,
    Observation,
    ObservationDraft,
    SavedView,
    StoreUnavailable,
    ViewNameTaken,
    WriteDenied,
    clean_view,
    observations_csv,
    validate_observation,
    view_name_taken,
)
from carto.diagnosis.schema import SchemaTooNew, StoreError

__all__ = [
    "LEVELS",
    "MAX_AUTHOR",
    "MAX_ORGANISATION",
    "MAX_QUERY_STRING",
    "MAX_TEXT",
    "MAX_VIEW_NAME",
    "THEMES",
    "InvalidInput",
    "NotFound",
    "Observation",
    "ObservationDraft",
    "SavedView",
    "SchemaTooNew",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "ViewNameTaken",
    "WriteDenied",
    "database_url",
    "observations_csv",
]


def database_url() -> str:
    """``ATLAS_DATABASE_URL`` (e.g. ``postgresql+psycopg://…``) or the SQLite file of user data."""
    return os.environ.get("ATLAS_DATABASE_URL") or f"sqlite:///{user_data_dir() / 'atlas.sqlite'}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


_LOG = logging.getLogger(__name__)
_VIEWS_LOCK = 0x41544C56  # advisory-lock key of the saved views' names ("ATLV")
_OBS = schema.observations
_VIEWS = schema.saved_views
_OBS_FIELDS = tuple(f for f in ObservationDraft.__dataclass_fields__)


class Store:
    """One database; open once per process (``st.cache_resource``), safe to share by threads."""

    def __init__(self, url: str | None = None, edit_secret: str | None = None) -> None:
        self.url = url or database_url()
        secret = edit_secret if edit_secret is not None else authorisation.configured_secret()
        self._secret = secret or None
        self.engine: Engine = schema.create_engine(self.url)
        with self._database():
            self.schema_version = schema.migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- access control -------------------------------------------------------------------

    @property
    def requires_secret(self) -> bool:
        """True when writing needs the edit code (the UI then asks for it)."""
        return authorisation.requires_code(self._secret)

    def can_write(self, secret: str | None) -> bool:
        """Whether ``secret`` opens writing (an attempt, counted like a write's)."""
        try:
            self._check_write(secret)
        except WriteDenied:
            return False
        return True

    def _check_write(self, secret: str | None) -> None:
        try:
            authorisation.authorise(secret, secret=self._secret)
        except authorisation.WriteDenied as exc:
            raise WriteDenied(str(exc)) from exc

    @contextmanager
    def _database(self) -> Iterator[None]:
        """A database that cannot be reached, or a full disk, becomes a French message; the
        details (host, port, driver text) go to the server's log, never to the page."""
        try:
            yield
        except sa.exc.IntegrityError:
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DBAPIError) as exc:
            _LOG.warning("diagnosis database unavailable: %r", exc)
            raise StoreUnavailable.from_error(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._database(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self, secret: str | None) -> Iterator[Connection]:
        self._check_write(secret)
        with self._database(), schema.write_transaction(self.engine) as conn:
            yield conn

    # --- observations ---------------------------------------------------------------------

    def add_observation(self, draft: ObservationDraft, secret: str | None = None) -> Observation:
        return self.add_observations([draft], secret)[0]

    def add_observations(
        self, drafts: Iterable[ObservationDraft], secret: str | None = None, chunk: int = 500
    ) -> list[Observation]:
        """Add many observations in ONE transaction: all are stored, or none (bad row, crash)."""
        stored: list[Observation] = []
        with self._write(secret) as conn:
            batch: list[ObservationDraft] = []
            for draft in drafts:
                batch.append(validate_observation(draft))
                if len(batch) >= chunk:
                    stored += self._insert(conn, batch)
                    batch = []
            if batch:
                stored += self._insert(conn, batch)
        return stored

    def _insert(self, conn: Connection, drafts: list[ObservationDraft]) -> list[Observation]:
        now = _now()
        rows = [{f: getattr(d, f) for f in _OBS_FIELDS} for d in drafts]
        for row in rows:
            row.update(created_at=now, updated_at=now)
        result = conn.execute(
            _OBS.insert().returning(_OBS.c.id, sort_by_parameter_order=True), rows
        )
        return [Observation(**row, id=i) for row, i in zip(rows, result.scalars(), strict=True)]

    def update_observation(
        self, obs_id: int, draft: ObservationDraft, secret: str | None = None
    ) -> Observation:
        clean = validate_observation(draft)
        values = {f: getattr(clean, f) for f in _OBS_FIELDS} | {"updated_at": _now()}
        with self._write(secret) as conn:
            done = conn.execute(_OBS.update().where(_OBS.c.id == obs_id).values(values))
            if done.rowcount != 1:
                raise NotFound(f"L'observation n° {obs_id} n'existe plus : rien n'a été modifié.")
            row = conn.execute(sa.select(_OBS).where(_OBS.c.id == obs_id)).mappings().one()
        return Observation(**row)

    def delete_observation(self, obs_id: int, secret: str | None = None) -> None:
        with self._write(secret) as conn:
            done = conn.execute(_OBS.delete().where(_OBS.c.id == obs_id))
            if done.rowcount != 1:
                raise NotFound(f"L'observation n° {obs_id} n'existe plus (déjà supprimée ?).")

    def get_observation(self, obs_id: int) -> Observation:
        with self._read() as conn:
            row = conn.execute(sa.select(_OBS).where(_OBS.c.id == obs_id)).mappings().first()
        if row is None:
            raise NotFound(f"L'observation n° {obs_id} n'existe pas.")
        return Observation(**row)

    def list_observations(
        self,
        theme: str | Iterable[str] | None = None,
        organisation: str | Iterable[str] | None = None,
        territory_level: str | None = None,
        territory_code: str | Iterable[str] | None = None,
        department: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Observation]:
        """Newest first; each filter is one value or a list of accepted values.

        ``limit`` and ``offset`` give one page (the panel never reads thousands at once).
        """
        where = schema.observation_filters(
            theme=theme,
            organisation=organisation,
            territory_level=territory_level,
            territory_code=territory_code,
            department=department,
        )
        query = sa.select(_OBS).where(*where).order_by(_OBS.c.observed_on.desc(), _OBS.c.id.desc())
        with self._read() as conn:
            rows = conn.execute(query.limit(limit).offset(max(0, offset))).mappings().all()
        return [Observation(**r) for r in rows]

    def count_observations(
        self,
        theme: str | Iterable[str] | None = None,
        organisation: str | Iterable[str] | None = None,
        territory_level: str | None = None,
        territory_code: str | Iterable[str] | None = None,
        department: str | None = None,
    ) -> int:
        """How many observations the same filters as ``list_observations`` keep."""
        where = schema.observation_filters(
            theme=theme,
            organisation=organisation,
            territory_level=territory_level,
            territory_code=territory_code,
            department=department,
        )
        with self._read() as conn:
            query = sa.select(sa.func.count()).select_from(_OBS).where(*where)
            return conn.execute(query).scalar_one()

    def counts_by_territory(
        self,
        territory_level: str,
        department: str | None = None,
        theme: str | Iterable[str] | None = None,
        organisation: str | Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Number of observations per territory code, for the map's count layer."""
        where = schema.observation_filters(
            territory_level=territory_level,
            department=department,
            theme=theme,
            organisation=organisation,
        )
        query = (
            sa.select(_OBS.c.territory_code, sa.func.count())
            .where(*where)
            .group_by(_OBS.c.territory_code)
        )
        with self._read() as conn:
            return {code: int(n) for code, n in conn.execute(query)}

    def organisations(self, department: str | None = None) -> list[str]:
        """Distinct organisations (filter choices), sorted the same way on every database."""
        query = (
            sa.select(_OBS.c.organisation)
            .distinct()
            .where(*schema.observation_filters(department=department))
        )
        with self._read() as conn:
            return sorted(conn.execute(query).scalars(), key=sort_key)

    # --- saved views ----------------------------------------------------------------------

    @staticmethod
    def _same_name(conn: Connection, name: str, except_id: int | None = None) -> SavedView | None:
        """The view people would take for ``name`` (case, accents, punctuation aside).

        Why in Python, in the write transaction: views are few, and the folding is the one
        every other store uses; on PostgreSQL an advisory lock serialises the check and the
        write (SQLite's BEGIN IMMEDIATE already does).
        """
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _VIEWS_LOCK})
        key = name_key(name)
        for row in conn.execute(sa.select(_VIEWS)).all():
            if row.id != except_id and name_key(row.name) == key:
                return SavedView(*row)
        return None

    def save_view(
        self, name: str, query_string: str, secret: str | None = None, replace: bool = False
    ) -> SavedView:
        """Store a view's link state under a unique name (``replace`` overwrites that name)."""
        clean_name, query = clean_view(name, query_string)
        now = _now()
        with self._write(secret) as conn:
            existing = self._same_name(conn, clean_name)
            if existing is not None and not replace:
                raise view_name_taken(existing)
            if existing is None:
                values = {"name": clean_name, "query_string": query, "created_at": now}
                try:
                    result = conn.execute(
                        _VIEWS.insert().values(**values, updated_at=now).returning(_VIEWS.c.id)
                    )
                except sa.exc.IntegrityError as exc:  # a concurrent save took the name
                    raise InvalidInput(f"Une vue s'appelle déjà « {clean_name} ».") from exc
                view_id = result.scalar_one()
            else:
                view_id = existing.id
                conn.execute(
                    _VIEWS.update()
                    .where(_VIEWS.c.id == view_id)
                    .values(name=clean_name, query_string=query, updated_at=now)
                )
            row = conn.execute(sa.select(_VIEWS).where(_VIEWS.c.id == view_id)).one()
        return SavedView(*row)

    def list_views(self) -> list[SavedView]:
        with self._read() as conn:
            rows = conn.execute(sa.select(_VIEWS)).all()
        return sorted((SavedView(*r) for r in rows), key=lambda v: (sort_key(v.name), v.id))

    def get_view(self, view_id: int) -> SavedView:
        with self._read() as conn:
            row = conn.execute(sa.select(_VIEWS).where(_VIEWS.c.id == view_id)).first()
        if row is None:
            raise NotFound(f"La vue n° {view_id} n'existe plus.")
        return SavedView(*row)

    def rename_view(
        self, view_id: int, new_name: str, secret: str | None = None, replace: bool = False
    ) -> SavedView:
        """Rename a view; a view already named so is deleted only if ``replace``."""
        clean_name, _ = clean_view(new_name)
        with self._write(secret) as conn:
            taken = self._same_name(conn, clean_name, except_id=view_id)
            if taken is not None and not replace:
                raise view_name_taken(taken)
            if taken is not None:
                conn.execute(_VIEWS.delete().where(_VIEWS.c.id == taken.id))
            done = conn.execute(
                _VIEWS.update()
                .where(_VIEWS.c.id == view_id)
                .values(name=clean_name, updated_at=_now())
            )
            if done.rowcount != 1:
                raise NotFound(f"La vue n° {view_id} n'existe plus : rien n'a été renommé.")
            row = conn.execute(sa.select(_VIEWS).where(_VIEWS.c.id == view_id)).one()
        return SavedView(*row)

    def delete_view(self, view_id: int, secret: str | None = None) -> None:
        with self._write(secret) as conn:
            done = conn.execute(_VIEWS.delete().where(_VIEWS.c.id == view_id))
            if done.rowcount != 1:
                raise NotFound(f"La vue n° {view_id} n'existe plus (déjà supprimée ?).")

    # --- moving a single-machine atlas into a shared database -----------------------------

    def copy_from(self, source: Store, secret: str | None = None) -> DiagnosisCopy:
        """Copy ``source``'s observations and views here, in one transaction, never twice
        (``carto.diagnosis.copying`` says how an item already here is recognised)."""
        with source._read() as conn:
            found = copying.read_all(conn)
        with self._write(secret) as conn:
            if conn.dialect.name == "postgresql":  # the views' names, as in save_view
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _VIEWS_LOCK})
            return copying.write_missing(conn, found)
