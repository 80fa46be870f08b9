"""A throwaway PostgreSQL cluster of the test's own, on a free port, that a test may stop and
start again (the shared server of the machine is never touched)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dirs() -> tuple[Path, ...]:
    """ATLAS_PG_BIN (exported by .ci/postgres.sh), then Debian's newest version, then
    /usr/local/bin (initdb and pg_ctl are not on Debian's PATH)."""
    found = [Path(os.environ["ATLAS_PG_BIN"])] if os.environ.get("ATLAS_PG_BIN") else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    found += sorted(versions, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                    reverse=True)  # fmt: skip
    return (*found, Path("/usr/local/bin"))


BIN_DIRS = _bin_dirs()


def _binary(name: str) -> Path | None:
    found = next((d / name for d in BIN_DIRS if (d / name).exists()), None)
    return found or (Path(shutil.which(name)) if shutil.which(name) else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.data = folder / "data"
        self.url = f"postgresql+psycopg://atlas@127.0.0.1:{port}/atlas"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = str(self.folder / "log")
        self._run(str(_binary("pg_ctl")), "-D", str(self.data), "-o", options, "-l", log, "-w",
                  "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(_binary("pg_ctl")), "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """initdb a cluster in a temporary folder, start it, create the database; always stop."""
    if not (_binary("initdb") and _binary("pg_ctl")):
        pytest.skip("initdb/pg_ctl absents : PostgreSQL n'est pas installé (.ci/postgres.sh)")
    folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder, _free_port())
    try:
        cluster._run(str(_binary("initdb")), "-D", str(cluster.data), "-U", "atlas",
                     "--auth=trust", "--no-locale", "-E", "UTF8")  # fmt: skip
        cluster.start()
        cluster._run(str(_binary("createdb") or "createdb"), "-h", "127.0.0.1", "-p",
                     str(cluster.port), "-U", "atlas", "atlas")  # fmt: skip
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
