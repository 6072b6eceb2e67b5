"""Token-bucket throttle with API Gateway's stage semantics: a steady rate plus a burst."""

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Admits a request when a whole token is left; tokens refill at `rate_per_second` up to `burst`.

    The bucket starts full, as a newly deployed stage does, so the first `burst` requests pass at
    once and afterwards at most `rate_per_second` pass per second. Safe to share between threads.
    """

    def __init__(
        self, rate_per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError(
                f"invalid throttle: rate {rate_per_second}/s and burst {burst}; "
                "both must be positive and burst at least 1"
            )
        self.rate_per_second = rate_per_second
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated_at = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take one token and return True, or return False when the request is over the limit."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated_at)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_second)
            self._updated_at = now

            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True
