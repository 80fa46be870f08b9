"""Several app servers behind nginx on loopback, started by the recipe operators use
(``deploy/atlas-cluster.sh``), for the deployment test and ``bench/bench_cluster.py``.

Everything runs in a temporary folder on free ports: the machine's nginx service and its
shared PostgreSQL server are never touched (the database is the caller's, usually a throwaway
cluster from ``tests/pgcluster.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

REPO_DIR = Path(__file__).resolve().parents[1]
SCRIPT = REPO_DIR / "deploy" / "atlas-cluster.sh"
NGINX = Path("/usr/sbin/nginx")
AFFINITY_COOKIE = "atlas_server"  # names the server a browser is pinned to: 1, 2…
SERVER_HEADER = "X-Atlas-Server"


def require_nginx() -> None:
    if not NGINX.exists():
        pytest.skip("nginx absent (/usr/sbin/nginx) : apt-get install nginx")
    if shutil.which("curl") is None:
        pytest.skip(
            "curl absent (contrôle de santé de deploy/atlas-cluster.sh) : apt-get install curl"
        )


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count < 65000 and all(_free(base + i) for i in range(count)):
            return base
    raise RuntimeError("no consecutive free ports")


@dataclass
class Cluster:
    """The app servers and the proxy of one run."""

    run_dir: Path
    ports: list[int]
    proxy: str  # http://127.0.0.1:port/
    env: dict[str, str]

    def script(self, command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(SCRIPT), command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def pid(self, port: int) -> int:
        return int((self.run_dir / f"app-{port}.pid").read_text())

    def kill(self, port: int) -> None:
        """Kill one app server at once (SIGKILL, by its pid: a crash, not a shutdown)."""
        pid = self.pid(port)
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def upstream(self, cookie: str | None = None) -> str:
        """The number of the app server that answers a request carrying this cookie."""
        request = Request(self.proxy + "_stcore/health")
        if cookie:
            request.add_header("Cookie", f"{AFFINITY_COOKIE}={cookie}")
        with urlopen(request, timeout=10) as response:
            return response.headers[SERVER_HEADER]

    def cookie_for(self, port: int) -> str:
        """The affinity cookie that pins a browser to the server on ``port``."""
        return str(self.ports.index(port) + 1)

    def log(self, port: int) -> str:
        return (self.run_dir / f"app-{port}.log").read_text(errors="replace")


@contextlib.contextmanager
def cluster(
    run_dir: Path, database_url: str, servers: int = 2, extra_env: dict | None = None
) -> Iterator[Cluster]:
    """Start ``servers`` app servers and nginx with the deployment script; always stop them."""
    require_nginx()
    base = free_ports(servers)
    proxy_port = free_ports(1)
    env = {
        **os.environ,
        "ATLAS_DATABASE_URL": database_url,
        "ATLAS_SERVERS": str(servers),
        "ATLAS_BASE_PORT": str(base),
        "ATLAS_PROXY_LISTEN": f"127.0.0.1:{proxy_port}",
        "ATLAS_RUN_DIR": str(run_dir),
        "ATLAS_PYTHON": sys.executable,
        "ATLAS_NGINX": str(NGINX),
        **(extra_env or {}),
    }
    found = Cluster(
        run_dir, [base + i for i in range(servers)], f"http://127.0.0.1:{proxy_port}/", env
    )
    try:
        started = found.script("start")
        if started.returncode != 0:
            logs = "\n".join(
                found.log(p)[-2000:] for p in found.ports if (run_dir / f"app-{p}.log").exists()
            )
            raise RuntimeError(f"cluster start failed: {started.stderr}\n{logs}")
        yield found
    finally:
        found.script("stop")
