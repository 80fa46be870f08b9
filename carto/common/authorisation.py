"""One check for every write of user data: the edit code (``ATLAS_EDIT_SECRET``).

Why one module at the bottom of the package: the stores of imports, site lists, district sets
and IRIS contours, and the diagnosis database, must all refuse a write the same way when an
edit code is configured. Each public write function asks :func:`authorise` for a
:class:`Grant`, and the file primitives of ``carto.common.files`` refuse to write without one,
so a store cannot write without asking. Reading stays open to everyone.

The code is compared in constant time (digests of equal length), never logged nor echoed, and
failed attempts are limited per client and under a ceiling for the whole process (sliding
windows, then lock-outs that double), so neither a browser nor a script calling the stores can
try thousands of codes, and one person's typing errors do not block the others' writes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

SECRET_ENV = "ATLAS_EDIT_SECRET"
MAX_FAILURES = 5  # wrong codes accepted within WINDOW_S before a lock-out
WINDOW_S = 60.0
FIRST_LOCKOUT_S = 30.0
MAX_LOCKOUT_S = 900.0
GLOBAL_MAX_FAILURES = 50  # wrong codes of all clients within WINDOW_S before a lock-out
TRUST_S = 12 * 3600.0  # a client that gave the right code stays trusted this long
SCRIPT_CLIENT = "processus"  # the key of calls that name no client (scripts, the CLI)

DENIED_MESSAGE = (
    "Modification refusée : le code d'édition est absent ou incorrect. La consultation reste "
    "ouverte à tous ; demandez le code à l'animateur du diagnostic."
)


class WriteDenied(Exception):
    """An edit code is configured and was not given, or is wrong; nothing was written."""


class TooManyAttempts(WriteDenied):
    """Too many wrong codes lately: every write is refused until the lock-out ends."""


_ISSUED = object()


@dataclass(frozen=True)
class Grant:
    """Proof that a write was authorised; only :func:`authorise` issues a valid one."""

    _token: object = field(default=None, repr=False)


def check_grant(grant: object) -> None:
    """Refuse a write that did not go through :func:`authorise`."""
    if not isinstance(grant, Grant) or grant._token is not _ISSUED:
        raise WriteDenied(DENIED_MESSAGE)


@dataclass
class _Strikes:
    """Wrong codes of one key (a client, or everyone) in the window, and its lock-out."""

    failures: deque[float] = field(default_factory=deque)
    strikes: int = 0
    locked_until: float = 0.0

    def fail(self, now: float, limits: AttemptLimiter, ceiling: int) -> None:
        self.failures.append(now)
        while self.failures and self.failures[0] <= now - limits.window_s:
            self.failures.popleft()
        if len(self.failures) >= ceiling:
            self.strikes += 1
            lockout = limits.first_lockout_s * 2 ** (self.strikes - 1)
            self.locked_until = now + min(lockout, limits.max_lockout_s)
            self.failures.clear()

    def idle(self, now: float, window_s: float) -> bool:
        """Nothing left to remember: no recent failure and no lock-out running."""
        recent = bool(self.failures) and self.failures[-1] > now - window_s
        return not recent and self.locked_until <= now


class AttemptLimiter:
    """Wrong codes counted per client, under a ceiling for the whole process.

    Why per client: a partner who mistypes the code five times in a meeting must lock out
    only their own browser, not the coordinator's writes. Why a ceiling as well: someone
    trying codes from many addresses (or from scripts, which all share one key) is stopped
    after ``global_max_failures`` wrong codes a window; while that lock-out runs, only the
    clients who gave the right code within ``trust_s`` may still write, so a guessing attack
    cannot lock out the people at work either. Lock-outs double while failures recur.
    Counted per server process: with several servers each counts its own.
    """

    MAX_CLIENTS = 10_000  # remembered keys; idle ones are dropped first

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_s: float = WINDOW_S,
        first_lockout_s: float = FIRST_LOCKOUT_S,
        max_lockout_s: float = MAX_LOCKOUT_S,
        clock: Callable[[], float] = time.monotonic,
        global_max_failures: int = GLOBAL_MAX_FAILURES,
        trust_s: float = TRUST_S,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.first_lockout_s = first_lockout_s
        self.max_lockout_s = max_lockout_s
        self.global_max_failures = global_max_failures
        self.trust_s = trust_s
        self._clock = clock
        self._clients: dict[str, _Strikes] = {}
        self._everyone = _Strikes()
        self._trusted: dict[str, float] = {}  # client → last time it gave the right code
        self._lock = threading.Lock()

    def check(self, client: str = SCRIPT_CLIENT) -> None:
        """Raise :class:`TooManyAttempts` while ``client`` is locked out (no code is compared
        then), or while everyone is and ``client`` has not proved the code lately."""
        with self._lock:
            now = self._clock()
            own = self._clients.get(client)
            left = own.locked_until - now if own else 0.0
            trusted = self._trusted.get(client, -self.trust_s - 1) > now - self.trust_s
            if not trusted:
                left = max(left, self._everyone.locked_until - now)
        if left > 0:
            raise TooManyAttempts(
                f"Trop de codes d'édition erronés : les modifications sont bloquées pendant "
                f"encore {max(1, round(left))} s. Réessayez ensuite avec le bon code."
            )

    def failed(self, client: str = SCRIPT_CLIENT) -> None:
        with self._lock:
            now = self._clock()
            self._forget_idle(now)
            self._clients.setdefault(client, _Strikes()).fail(now, self, self.max_failures)
            self._everyone.fail(now, self, self.global_max_failures)

    def succeeded(self, client: str = SCRIPT_CLIENT) -> None:
        with self._lock:
            self._clients.pop(client, None)
            self._trusted[client] = self._clock()

    def _forget_idle(self, now: float) -> None:
        """Bound the memory an attacker rotating addresses can make the process hold."""
        if len(self._clients) < self.MAX_CLIENTS and len(self._trusted) < self.MAX_CLIENTS:
            return
        for key in [k for k, v in self._clients.items() if v.idle(now, self.window_s)]:
            del self._clients[key]
        for key in [k for k, t in self._trusted.items() if t <= now - self.trust_s]:
            del self._trusted[key]
        while len(self._clients) >= self.MAX_CLIENTS:  # all locked: drop the oldest known
            del self._clients[next(iter(self._clients))]
        while len(self._trusted) >= self.MAX_CLIENTS:
            del self._trusted[next(iter(self._trusted))]


LIMITER = AttemptLimiter()
_FROM_ENV = object()


def configured_secret() -> str | None:
    """The edit code of this server, read at each call (tests and deployments set it late)."""
    return os.environ.get(SECRET_ENV) or None


def requires_code(secret: str | object | None = _FROM_ENV) -> bool:
    """True when writing needs the edit code (the interface then asks for it)."""
    return (configured_secret() if secret is _FROM_ENV else secret) is not None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def code_matches(code: str | None, secret: str) -> bool:
    """Constant-time comparison, whatever the lengths (digests have one length)."""
    return hmac.compare_digest(_digest(code or ""), _digest(secret))


def authorise(
    code: str | None,
    secret: str | object | None = _FROM_ENV,
    limiter: AttemptLimiter | None = None,
    client: str | None = None,
) -> Grant:
    """A :class:`Grant` for one write, or :class:`WriteDenied` with a French message.

    ``secret`` defaults to ``ATLAS_EDIT_SECRET``; ``None`` means writing is open. A missing
    code is refused without counting as an attempt (nobody guessed); a wrong one counts for
    ``client`` (by default the one named by :func:`acting_for` in this thread, see
    :func:`client_key`) and for the process.
    """
    client = client or _CLIENT.get()
    expected = configured_secret() if secret is _FROM_ENV else secret
    if expected is None:
        return Grant(_ISSUED)
    if not isinstance(expected, str):
        raise TypeError("secret must be a string or None")
    limiter = limiter or LIMITER
    limiter.check(client)
    if not code:
        raise WriteDenied(DENIED_MESSAGE)
    if code_matches(code, expected):
        limiter.succeeded(client)
        return Grant(_ISSUED)
    limiter.failed(client)
    raise WriteDenied(DENIED_MESSAGE)


_CLIENT: ContextVar[str] = ContextVar("atlas_client", default=SCRIPT_CLIENT)


def acting_for(client: str) -> None:
    """Name the client of every write made from now on in this thread (one script run).

    Why a context variable: the stores receive the edit code kept by the session, not who
    typed it; the interface names the client once at the start of each run instead of
    threading it through every write function.
    """
    _CLIENT.set(client)


def client_key(peer: str | None, forwarded_for: str | None) -> str:
    """The address a browser's wrong codes are counted under.

    ``peer`` is the address the server sees. When it is the machine itself, the request came
    through the local reverse proxy of the deployment recipe, whose ``X-Forwarded-For`` ends
    with the address it saw; the entries before it are written by the client and not
    trusted. Without a known peer (tests, a proxy elsewhere) all browsers share one key.
    """
    peer = (peer or "").strip()
    if peer in ("127.0.0.1", "::1", "localhost") and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return f"ip:{last}"
    return f"ip:{peer}" if peer else "navigateur"
