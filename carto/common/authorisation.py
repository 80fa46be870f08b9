"""One check for every write of user data: the edit code (``ATLAS_EDIT_SECRET``).

Why one module at the bottom of the package: the stores of imports, site lists, district sets
and IRIS contours, and the diagnosis database, must all refuse a write the same way when an
edit code is configured. Each public write function asks :func:`authorise` for a
:class:`Grant`, and the file primitives of ``carto.common.files`` refuse to write without one,
so a store cannot write without asking. Reading stays open to everyone.

The code is compared in constant time (digests of equal length), never logged nor echoed, and
failed attempts are limited per process (a sliding window, then lock-outs that double), so a
script calling the stores cannot try thousands of codes a second.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

SECRET_ENV = "ATLAS_EDIT_SECRET"
MAX_FAILURES = 5  # wrong codes accepted within WINDOW_S before a lock-out
WINDOW_S = 60.0
FIRST_LOCKOUT_S = 30.0
MAX_LOCKOUT_S = 900.0

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


class AttemptLimiter:
    """Failed attempts of this process in a sliding window; lock-outs double while they recur.

    Why per process rather than per session: a script needs no browser session, and every
    session of a server shares the same secret.
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_s: float = WINDOW_S,
        first_lockout_s: float = FIRST_LOCKOUT_S,
        max_lockout_s: float = MAX_LOCKOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.first_lockout_s = first_lockout_s
        self.max_lockout_s = max_lockout_s
        self._clock = clock
        self._failures: deque[float] = deque()
        self._strikes = 0
        self._locked_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        """Raise :class:`TooManyAttempts` while locked out (no code is compared then)."""
        with self._lock:
            left = self._locked_until - self._clock()
        if left > 0:
            raise TooManyAttempts(
                f"Trop de codes d'édition erronés : les modifications sont bloquées pendant "
                f"encore {max(1, round(left))} s. Réessayez ensuite avec le bon code."
            )

    def failed(self) -> None:
        with self._lock:
            now = self._clock()
            self._failures.append(now)
            while self._failures and self._failures[0] <= now - self.window_s:
                self._failures.popleft()
            if len(self._failures) >= self.max_failures:
                self._strikes += 1
                lockout = self.first_lockout_s * 2 ** (self._strikes - 1)
                self._locked_until = now + min(lockout, self.max_lockout_s)
                self._failures.clear()

    def succeeded(self) -> None:
        with self._lock:
            self._failures.clear()
            self._strikes = 0


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
) -> Grant:
    """A :class:`Grant` for one write, or :class:`WriteDenied` with a French message.

    ``secret`` defaults to ``ATLAS_EDIT_SECRET``; ``None`` means writing is open. A missing
    code is refused without counting as an attempt (nobody guessed); a wrong one counts.
    """
    expected = configured_secret() if secret is _FROM_ENV else secret
    if expected is None:
        return Grant(_ISSUED)
    if not isinstance(expected, str):
        raise TypeError("secret must be a string or None")
    limiter = limiter or LIMITER
    limiter.check()
    if not code:
        raise WriteDenied(DENIED_MESSAGE)
    if code_matches(code, expected):
        limiter.succeeded()
        return Grant(_ISSUED)
    limiter.failed()
    raise WriteDenied(DENIED_MESSAGE)
