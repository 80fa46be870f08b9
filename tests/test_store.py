"""Shared diagnosis store: the same tests on SQLite (always) and PostgreSQL (ATLAS_TEST_PG_URL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from carto.diagnosis import schema as store_schema
from carto.diagnosis.store import (
    MAX_ORGANISATION,
    MAX_TEXT,
    MAX_VIEW_NAME,
    THEMES,
    InvalidInput,
    NotFound,
    ObservationDraft,
    SchemaTooNew,
    Store,
    StoreError,
    WriteDenied,
    database_url,
    observations_csv,
)

REPO = Path(__file__).resolve().parents[1]
TABLES = ("observations", "saved_views", "schema_version")


def _drop_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    engine.dispose()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    monkeypatch.delenv("ATLAS_EDIT_SECRET", raising=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file in tmp_path, or the emptied test PostgreSQL db."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    url = os.environ.get("ATLAS_TEST_PG_URL")
    if not url:
        pytest.skip("ATLAS_TEST_PG_URL not set (source .ci/postgres.sh to start PostgreSQL)")
    _drop_all(url)
    return url


@pytest.fixture
def store(db_url: str):
    opened = Store(db_url)
    yield opened
    opened.close()


def draft(**changes: object) -> ObservationDraft:
    base = ObservationDraft(
        territory_level="commune",
        territory_code="54395",
        department="54",
        organisation="CCAS de Nancy",
        author="Jeanne Martin",
        theme="logement",
        text="Hausse des demandes d'aide au loyer depuis l'automne.",
        observed_on=date(2025, 3, 14),
    )
    return replace(base, **changes)


def test_default_database_is_sqlite_in_user_data_dir_with_wal_and_busy_timeout(tmp_path: Path):
    assert database_url() == f"sqlite:///{tmp_path / 'data' / 'atlas.sqlite'}"
    store = Store()
    assert (tmp_path / "data" / "atlas.sqlite").exists()
    # Every pooled connection gets the pragmas, not only the first one.
    conns = [store.engine.connect() for _ in range(3)]
    for conn in conns:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == store_schema.BUSY_TIMEOUT_MS
    for conn in conns:
        conn.close()
    store.close()


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    assert database_url() == url
    Store().close()
    assert (tmp_path / "elsewhere.sqlite").exists()


def test_add_list_filter_count_update_delete(store: Store):
    a = store.add_observation(draft())
    b = store.add_observation(draft(theme="santé", organisation="CAF", territory_code="54547"))
    c = store.add_observation(draft(territory_level="epci", territory_code="245400676"))
    d = store.add_observation(draft(department="57", territory_code="57463", organisation="CAF"))
    assert len({a.id, b.id, c.id, d.id}) == 4
    assert a.created_at is not None and a.updated_at == a.created_at

    assert [o.id for o in store.list_observations(theme="santé")] == [b.id]
    assert {o.id for o in store.list_observations(organisation="CAF")} == {b.id, d.id}
    assert {o.id for o in store.list_observations(department="54")} == {a.id, b.id, c.id}
    assert [o.id for o in store.list_observations(territory_level="epci")] == [c.id]
    assert {o.id for o in store.list_observations(theme=["santé", "logement"])} == {
        a.id,
        b.id,
        c.id,
        d.id,
    }
    assert store.counts_by_territory("commune", department="54") == {"54395": 1, "54547": 1}
    assert store.counts_by_territory("commune", organisation="CAF") == {"54547": 1, "57463": 1}
    assert store.organisations() == ["CAF", "CCAS de Nancy"]

    edited = store.update_observation(a.id, draft(text="  Texte corrigé  ", theme="mobilité"))
    assert edited.text == "Texte corrigé" and edited.theme == "mobilité"
    assert edited.created_at == a.created_at
    assert store.get_observation(a.id) == edited

    store.delete_observation(b.id)
    assert store.count_observations() == 3
    with pytest.raises(NotFound, match="n'existe plus"):
        store.delete_observation(b.id)
    with pytest.raises(NotFound):
        store.update_observation(b.id, draft())
    with pytest.raises(NotFound):
        store.get_observation(b.id)


def test_list_is_newest_first(store: Store):
    old = store.add_observation(draft(observed_on=date(2024, 1, 1)))
    new = store.add_observation(draft(observed_on=date(2025, 1, 1)))
    assert [o.id for o in store.list_observations()] == [new.id, old.id]
    assert [o.id for o in store.list_observations(limit=1)] == [new.id]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organisation": "x" * (MAX_ORGANISATION + 1)}, "Organisation : 121 caractères"),
        ({"author": "a" * 121}, "Auteur : 121 caractères, la limite est de 120"),
        ({"text": "t" * (MAX_TEXT + 1)}, "Observation : 5001 caractères"),
        ({"author": "   "}, "Auteur : ce champ est obligatoire"),
        ({"theme": "sport"}, "Thème « sport » inconnu"),
        ({"territory_level": "region"}, "Niveau de territoire « region » inconnu"),
        ({"observed_on": date.today() + timedelta(days=2)}, "Date d'observation"),
        ({"observed_on": "2025-01-01"}, "une date est attendue"),
        ({"text": "nul\x00byte"}, "caractères de contrôle"),
        ({"organisation": None}, "un texte est attendu"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(store: Store, changes, message):
    store.add_observation(draft())
    with pytest.raises(InvalidInput, match=message):
        store.add_observation(draft(**changes))
    assert store.count_observations() == 1


def test_sizes_at_the_limit_are_accepted_and_kept_whole(store: Store):
    text = "é" * (MAX_TEXT - 1) + "\n"  # trailing whitespace is trimmed, accents are one char
    obs = store.add_observation(draft(organisation="O" * MAX_ORGANISATION, text="Z" + text))
    assert store.get_observation(obs.id).text == "Z" + "é" * (MAX_TEXT - 1)
    assert store.get_observation(obs.id).organisation == "O" * MAX_ORGANISATION


def test_bulk_add_is_all_or_nothing(store: Store):
    rows = [draft(text=f"n° {i}") for i in range(1200)] + [draft(theme="inconnu")]
    with pytest.raises(InvalidInput):
        store.add_observations(rows, chunk=100)  # 12 chunks were already inserted
    assert store.count_observations() == 0
    assert len(store.add_observations(rows[:1200], chunk=100)) == 1200


def test_edit_secret_guards_writes_and_leaves_reads_open(db_url: str):
    store = Store(db_url, edit_secret="s3cret-ccas")
    assert store.requires_secret
    for secret in (None, "", "mauvais", "s3cret-ccaS"):
        with pytest.raises(WriteDenied, match="code d'édition est absent ou incorrect"):
            store.add_observation(draft(), secret=secret)
        with pytest.raises(WriteDenied):
            store.save_view("Vue", "dep=54", secret=secret)
    obs = store.add_observation(draft(), secret="s3cret-ccas")
    view = store.save_view("Vue", "dep=54", secret="s3cret-ccas")
    with pytest.raises(WriteDenied):
        store.delete_observation(obs.id)
    with pytest.raises(WriteDenied):
        store.update_observation(obs.id, draft(text="changé"))
    with pytest.raises(WriteDenied):
        store.rename_view(view.id, "Autre")
    with pytest.raises(WriteDenied):
        store.delete_view(view.id)
    assert [o.text for o in store.list_observations()] == [draft().text]  # reads are open
    assert [v.name for v in store.list_views()] == ["Vue"]
    store.close()


def test_edit_secret_from_environment(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ATLAS_EDIT_SECRET", "clé-partagée")
    store = Store(db_url)
    with pytest.raises(WriteDenied):
        store.add_observation(draft())
    assert store.can_write("clé-partagée")
    store.close()
    monkeypatch.setenv("ATLAS_EDIT_SECRET", "")  # empty means no secret configured
    open_store = Store(db_url)
    assert not open_store.requires_secret
    open_store.add_observation(draft())
    open_store.close()


def test_saved_views(store: Store):
    view = store.save_view("  Logement 54  ", "?dep=54&ind=densite")
    assert (view.name, view.query_string) == ("Logement 54", "dep=54&ind=densite")
    with pytest.raises(InvalidInput, match="Une vue s'appelle déjà « Logement 54 »"):
        store.save_view("Logement 54", "dep=57")
    replaced = store.save_view("Logement 54", "dep=57", replace=True)
    assert replaced.id == view.id and replaced.query_string == "dep=57"
    other = store.save_view("Âge 57", "dep=57&ind=population")
    assert [v.name for v in store.list_views()] == ["Âge 57", "Logement 54"]
    with pytest.raises(InvalidInput, match="déjà"):
        store.rename_view(other.id, "Logement 54")
    renamed = store.rename_view(other.id, "Vieillissement 57")
    assert store.get_view(other.id) == renamed
    assert renamed.query_string == "dep=57&ind=population"
    with pytest.raises(InvalidInput, match="Nom de la vue : 81 caractères"):
        store.save_view("n" * (MAX_VIEW_NAME + 1), "dep=54")
    with pytest.raises(InvalidInput, match="Nom de la vue : ce champ est obligatoire"):
        store.rename_view(view.id, " ")
    store.delete_view(view.id)
    assert [v.id for v in store.list_views()] == [other.id]
    with pytest.raises(NotFound):
        store.get_view(view.id)
    with pytest.raises(NotFound):
        store.rename_view(view.id, "X")
    with pytest.raises(NotFound):
        store.delete_view(view.id)


def test_csv_export_for_french_excel(store: Store):
    store.add_observation(draft(organisation='=HYPERLINK("http://x")', text="Ligne 1\nLigne; 2"))
    data = observations_csv(store.list_observations())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header, row = text.split("\r\n", 1)
    assert header.split(";")[:3] == ["Identifiant", "Niveau", "Code du territoire"]
    assert "'=HYPERLINK" in row  # a formula is neutralised
    assert '"Ligne 1\nLigne; 2"' in row  # separator inside text is quoted
    assert ";14/03/2025;" in row and ";Commune;" in row


def test_migration_upgrades_an_older_schema_and_keeps_data(db_url: str):
    engine = store_schema.create_engine(db_url)
    assert store_schema.migrate(engine, target=1) == 1
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("saved_views")
        conn.execute(
            sa.text(
                "INSERT INTO observations (territory_level, territory_code, department, "
                "organisation, author, theme, text, observed_on, created_at, updated_at) VALUES "
                "('commune', '2A004', '2A', 'CCAS d''Ajaccio', 'Paul', 'santé', 'Ancienne note', "
                "'2024-05-02', '2024-05-02 10:00:00', '2024-05-02 10:00:00')"
            )
        )
    engine.dispose()
    store = Store(db_url)
    assert store.schema_version == store_schema.LATEST_VERSION == 3
    [old] = store.list_observations(department="2A")
    assert (old.territory_code, old.text, old.observed_on) == (
        "2A004",
        "Ancienne note",
        date(2024, 5, 2),
    )
    store.save_view("Corse-du-Sud", "dep=2A")
    with store.engine.connect() as conn:
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("observations")}
    assert {"ix_observations_territory", "ix_observations_department_theme"} <= indexes
    assert Store(db_url).schema_version == 3  # reopening applies nothing twice
    store.close()


def test_failed_migration_step_rolls_back(db_url: str, monkeypatch: pytest.MonkeyPatch):
    engine = store_schema.create_engine(db_url)
    store_schema.migrate(engine)

    def broken(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(store_schema, "MIGRATIONS", (*store_schema.MIGRATIONS, ("cassée", broken)))
    with pytest.raises(StoreError, match="étape 4 : cassée"):
        store_schema.migrate(engine, target=4)
    assert store_schema.current_version(engine) == 3
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("half_done")
    engine.dispose()


def test_newer_schema_is_refused(db_url: str):
    Store(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE schema_version SET version = 99")
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="mettez l'application à jour"):
        Store(db_url)


def test_eight_concurrent_writers_lose_and_duplicate_nothing(db_url: str):
    writers, per_writer = 8, 500
    stores = []
    errors: list[BaseException] = []
    opened = threading.Barrier(writers)

    def write(w: int) -> None:
        try:
            store = Store(db_url)  # concurrent opens also race on the migrations
            stores.append(store)
            opened.wait(timeout=60)
            for seq in range(per_writer):
                store.add_observation(draft(author=f"auteur-{w}", text=f"seq {seq}"))
        except BaseException as exc:  # collected and re-checked in the main thread
            errors.append(exc)
            opened.abort()  # release the others instead of leaving them at the barrier

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    reader = Store(db_url)
    rows = reader.list_observations()
    pairs = {(o.author, o.text) for o in rows}
    assert len(rows) == writers * per_writer == reader.count_observations()
    assert pairs == {(f"auteur-{w}", f"seq {s}") for w in range(writers) for s in range(per_writer)}
    assert len({o.id for o in rows}) == len(rows)
    for s in (*stores, reader):
        s.close()


CRASHING_WRITER = """
import sys, time
from datetime import date
from carto.diagnosis.store import ObservationDraft, Store

def draft(i):
    return ObservationDraft("commune", "54395", "54", "CCAS", "crash", "autre",
                            f"ligne {i} " + "x" * 150, date(2025, 1, 1))

store = Store(sys.argv[1])
store.add_observations(draft(i) for i in range(300))
print("COMMITTED", flush=True)

def rows():
    for i in range(10**6):
        if i == 20000:
            print("MIDDLE", flush=True)
            time.sleep(120)
        yield draft(i)

store.add_observations(rows())
print("FINISHED", flush=True)
"""


def test_killed_writer_leaves_a_readable_consistent_database(db_url: str, tmp_path: Path):
    env = {**os.environ, "ATLAS_DATA_DIR": str(tmp_path / "data")}
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, db_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "COMMITTED"
        assert child.stdout.readline().strip() == "MIDDLE"
        if db_url.startswith("sqlite"):  # the open transaction really reached the disk
            wal = Path(db_url.removeprefix("sqlite:///") + "-wal")
            assert wal.stat().st_size > 1_000_000
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if db_url.startswith("sqlite"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    deadline = time.monotonic() + 10
    store = Store(db_url)
    while True:  # PostgreSQL may take a moment to notice the dead client and release its locks
        try:
            store.add_observation(draft(author="après"))
            break
        except sa.exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert store.count_observations() == 301
    assert {o.text.split(" ")[1] for o in store.list_observations(organisation="CCAS")} == {
        str(i) for i in range(300)
    }
    store.close()


def test_themes_are_data():
    assert THEMES[0] == "accès aux droits" and THEMES[-1] == "autre" and len(THEMES) == 8
