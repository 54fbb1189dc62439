"""State every worker process of one shop must agree on, without Redis: a small file mapped
into each process (under the launcher's per-instance folder), holding two 64-bit counters —
checkouts answered 2xx/202 since the last admin reset (the invariants compare it with the
database) and the memory caches' generation (an admin reset bumps it, and every worker's
memory cache drops what it held; the Node shop relays a clear through its cluster primary).
Updates take an flock on the file; reads of one aligned 8-byte word need none.
"""
from __future__ import annotations

import fcntl
import mmap
import os
import struct

_ACCEPTED = 0
_CACHE_GEN = 8
_SIZE = 16


class SharedState:
    def __init__(self, path: str):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(fd).st_size < _SIZE:
            os.ftruncate(fd, _SIZE)
        self._fd = fd
        self._map = mmap.mmap(fd, _SIZE)

    def _read(self, off: int) -> int:
        return struct.unpack_from("<q", self._map, off)[0]

    def _update(self, off: int, fn) -> int:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            v = fn(self._read(off))
            struct.pack_into("<q", self._map, off, v)
            return v
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def accepted(self) -> int:
        return self._read(_ACCEPTED)

    def add_accepted(self) -> None:
        self._update(_ACCEPTED, lambda v: v + 1)

    def reset_accepted(self) -> None:
        self._update(_ACCEPTED, lambda v: 0)

    def cache_generation(self) -> int:
        return self._read(_CACHE_GEN)

    def bump_cache_generation(self) -> None:
        self._update(_CACHE_GEN, lambda v: v + 1)
