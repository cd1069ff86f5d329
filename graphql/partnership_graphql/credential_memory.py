"""What the API keeps in memory about credentials: sign-ins that held, for a moment, and
credentials that failed, counted by address.

Both live on the event loop and are bounded, so no caller can make them grow without end.
"""

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable

from access.authentication import Authenticated

# How long a checked sign-in is taken as it was: within this, a revoked or expired token, a
# revoked grant or a closed session may still be honoured. Grants reach the read models a
# moment after they are recorded anyway; what this buys is a page that reads nothing before
# it runs, which is most of what signing in costs.
REMEMBER_SECONDS = 1.0
# Sign-ins remembered at once, the least recently used forgotten first.
REMEMBERED_MAX = 4096


# Addresses whose failed credentials are counted at once, the oldest forgotten first.
COUNTED_ADDRESSES_MAX = 16_384


class RememberedSignIns:
    """Sign-ins checked in the last `seconds`, by a digest of the credentials that made them
    (the secret itself is never kept). Only sign-ins that held are remembered: credentials
    that fail are checked afresh every time. Used on the event loop only."""

    def __init__(
        self,
        seconds: float = REMEMBER_SECONDS,
        most: int = REMEMBERED_MAX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.most, self.clock = seconds, most, clock
        self._kept: OrderedDict[bytes, tuple[float, Authenticated]] = OrderedDict()

    @staticmethod
    def key(authorization: str | None, cookie: str | None) -> bytes:
        digest = hashlib.sha256()
        for part in (authorization, cookie):
            digest.update(b"\x00" if part is None else b"\x01" + part.encode())
        return digest.digest()

    def recall(self, key: bytes) -> Authenticated | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        until, authenticated = kept
        if until <= self.clock():
            del self._kept[key]
            return None
        self._kept.move_to_end(key)
        return authenticated

    def keep(self, key: bytes, authenticated: Authenticated) -> None:
        if self.seconds <= 0:
            return
        self._kept[key] = (self.clock() + self.seconds, authenticated)
        self._kept.move_to_end(key)
        while len(self._kept) > self.most:
            self._kept.popitem(last=False)

    def forget(self, key: bytes) -> None:
        self._kept.pop(key, None)


class FailedCredentials:
    """Credentials that did not hold, counted by the address they came from, a minute at a
    time. Each made-up token is a new key to the rate limit, so it is the address that runs
    out: past `per_minute` failures, its requests with credentials not recently seen to hold
    are refused unchecked until the minute is out."""

    def __init__(
        self,
        per_minute: int | None,
        most: int = COUNTED_ADDRESSES_MAX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute, self.most, self.clock = per_minute, most, clock
        self._counted: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def _minute(self) -> int:
        return int(self.clock() // 60)

    def used_up(self, address: str) -> bool:
        if self.per_minute is None:
            return False
        counted = self._counted.get(address)
        return (
            counted is not None and counted[0] == self._minute() and counted[1] >= self.per_minute
        )

    def note(self, address: str) -> None:
        if self.per_minute is None:
            return
        minute = self._minute()
        counted = self._counted.pop(address, None)
        failures = counted[1] + 1 if counted is not None and counted[0] == minute else 1
        self._counted[address] = (minute, failures)
        while len(self._counted) > self.most:
            self._counted.popitem(last=False)
