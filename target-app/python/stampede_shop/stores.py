"""The in-process stores, the same for both drivers (no I/O): the memory cache and the memory
session store. A memory cache is per process — a stock change invalidates it only in the
process that made it, as in the Node shop — except that an admin reset (the shared generation
counter, see shared_state.py) empties every process's copy."""
from __future__ import annotations

import secrets
import time
from typing import Any, Optional

from . import metrics
from .shared_state import SharedState

SESSION_TTL_MS = 24 * 3600_000


def new_token() -> str:
    return secrets.token_urlsafe(18)


class MemoryCache:
    kind = "memory"

    def __init__(self, ttl_ms: int, state: SharedState, max_entries: int = 50_000):
        self.ttl = ttl_ms / 1000
        self.state = state
        self.max_entries = max_entries
        self.entries: dict = {}
        self.generation = state.cache_generation()

    def _fresh(self) -> None:
        g = self.state.cache_generation()
        if g != self.generation:
            self.entries.clear()
            self.generation = g

    def get(self, key: str) -> Optional[Any]:
        self._fresh()
        e = self.entries.get(key)
        if e and e[1] > time.monotonic():
            metrics.CACHE.labels(cache="memory", result="hit").inc()
            return e[0]
        metrics.CACHE.labels(cache="memory", result="miss").inc()
        return None

    def set(self, key: str, value: Any) -> None:
        if len(self.entries) >= self.max_entries:
            self.entries.pop(next(iter(self.entries)))
        self.entries[key] = (value, time.monotonic() + self.ttl)

    def invalidate(self, keys) -> None:
        for k in keys:
            self.entries.pop(k, None)

    def clear(self) -> None:
        self.entries.clear()
        self.state.bump_cache_generation()
        self.generation = self.state.cache_generation()


class MemorySessions:
    """A login made in one worker process is unknown to the others (as behind a load balancer)."""

    kind = "memory"

    def __init__(self):
        self.map: dict = {}

    def create(self, s: dict) -> str:
        t = new_token()
        self.map[t] = s
        return t

    def get(self, token: str) -> Optional[dict]:
        return self.map.get(token)
