"""The blocking driver: performs effects with SQLAlchemy's QueuePool over psycopg2, redis-py
and httpx.Client. Used by the Flask app (one request per Gunicorn sync worker, or one per
thread with gthread) and by the Celery payment worker. While a call waits on PostgreSQL, Redis
or the payment provider, the thread that made it does nothing else — that is the variant."""
from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import psycopg2
import psycopg2.errors
import sqlalchemy
import sqlalchemy.exc

from . import metrics
from .effects import (AcceptedCount, AcceptedReset, CacheClear, CacheGet, CacheInvalidate, CacheSet, Enqueue, Pay, Query,
                      Readiness, SessionCreate, SessionGet, UniqueViolation, Unavailable)
from .domain import Accepted
from .runtime import Runtime, pyformat, sqlalchemy_url
from .shared_state import SharedState
from .stores import SESSION_TTL_MS, MemoryCache, MemorySessions, new_token

PAYMENT_TIMEOUT_S = 10.0


class Pool:
    """A SQLAlchemy QueuePool (pool_size + max_overflow) with the Node shop's pool metrics."""

    def __init__(self, name: str, url: str, size: int, overflow: int):
        self.name = name
        self.engine = sqlalchemy.create_engine(sqlalchemy_url(url, "psycopg2"), pool_size=size, max_overflow=overflow, pool_timeout=10)
        sqlalchemy.event.listen(self.engine, "connect", lambda conn, _rec: setattr(conn, "autocommit", True))
        self.waiting = 0
        self.lock = threading.Lock()

    def _gauges(self) -> None:
        p = self.engine.pool
        metrics.POOL.labels(db=self.name, state="total").set(p.checkedout() + p.checkedin())
        metrics.POOL.labels(db=self.name, state="idle").set(p.checkedin())
        metrics.POOL.labels(db=self.name, state="waiting").set(self.waiting)

    def query(self, sql: str, params) -> list:
        t0 = time.perf_counter()
        with self.lock:
            self.waiting += 1
        try:
            conn = self.engine.raw_connection()
        except sqlalchemy.exc.TimeoutError as e:
            raise Unavailable(f"timed out waiting for a pool connection: {e}")
        except (sqlalchemy.exc.OperationalError, psycopg2.OperationalError) as e:
            raise Unavailable(f"could not connect: {e}")
        finally:
            with self.lock:
                self.waiting -= 1
        metrics.POOL_WAIT.labels(db=self.name).observe(time.perf_counter() - t0)
        self._gauges()
        try:
            cur = conn.cursor()
            try:
                cur.execute(pyformat(sql), {f"p{i + 1}": v for i, v in enumerate(params)})
                if cur.description is None:
                    return []
                names = [d[0] for d in cur.description]
                return [dict(zip(names, row)) for row in cur.fetchall()]
            finally:
                cur.close()
        except psycopg2.errors.UniqueViolation as e:
            raise UniqueViolation(e.diag.constraint_name)
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            conn.invalidate()  # a broken connection is not given back to the pool
            raise Unavailable(str(e))
        finally:
            conn.close()  # back to the pool
            self._gauges()

    def close(self) -> None:
        self.engine.dispose()


class RedisCache:
    kind = "redis"

    def __init__(self, r, ttl_ms: int, prefix: str):
        self.r, self.ttl_ms, self.prefix = r, ttl_ms, prefix

    def get(self, key: str):
        hit = self.r.get(self.prefix + key)
        metrics.CACHE.labels(cache="redis", result="hit" if hit is not None else "miss").inc()
        return None if hit is None else json.loads(hit)

    def set(self, key: str, value: Any) -> None:
        self.r.set(self.prefix + key, json.dumps(value, separators=(",", ":")), px=self.ttl_ms)

    def invalidate(self, keys) -> None:
        if keys:
            self.r.delete(*[self.prefix + k for k in keys])

    def clear(self) -> None:
        # SCAN, never KEYS: the server may hold other tenants' keys
        batch = []
        for k in self.r.scan_iter(match=self.prefix + "*", count=500):
            batch.append(k)
            if len(batch) >= 500:
                self.r.delete(*batch)
                batch = []
        if batch:
            self.r.delete(*batch)


class RedisSessions:
    kind = "redis"

    def __init__(self, r, prefix: str):
        self.r, self.prefix = r, prefix

    def create(self, s: dict) -> str:
        t = new_token()
        self.r.set(self.prefix + t, json.dumps(s), px=SESSION_TTL_MS)
        return t

    def get(self, token: str):
        v = self.r.get(self.prefix + token)
        return None if v is None else json.loads(v)


class NoCache:
    kind = "none"

    def get(self, key):
        return None

    def set(self, key, value):
        pass

    def invalidate(self, keys):
        pass

    def clear(self):
        pass


def payment_outcome(status: int) -> str:
    return "paid" if status == 200 else "declined" if status == 402 else "error"


class SyncDriver:
    def __init__(self, rt: Runtime, caller: str = "sync", enqueue=None):
        self.rt = rt
        self.caller = caller
        self.state = SharedState(rt.state_file)
        self.db = Pool("primary", rt.database_url, rt.pool, rt.pool_overflow)
        self.read = Pool("replica", rt.replica_url, rt.pool, rt.pool_overflow) if rt.replica_url else self.db
        self.redis = None
        if rt.redis_url:
            import redis

            self.redis = redis.Redis.from_url(rt.redis_url, socket_connect_timeout=3, socket_timeout=5, health_check_interval=30)
        self.cache = (
            MemoryCache(rt.cache_ttl_ms, self.state) if rt.cache == "memory"
            else RedisCache(self.redis, rt.cache_ttl_ms, rt.cache_prefix) if rt.cache == "redis"
            else NoCache()
        )
        self.sessions = RedisSessions(self.redis, rt.session_prefix) if rt.sessions == "redis" else MemorySessions()
        self.http = httpx.Client(timeout=PAYMENT_TIMEOUT_S, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        self.enqueue = enqueue

    def pay(self, order_id: str, amount_cents: int):
        t0 = time.perf_counter()
        try:
            r = self.http.post(f"{self.rt.payment_url}/pay", json={"orderId": order_id, "amountCents": amount_cents})
            outcome = payment_outcome(r.status_code)
        except httpx.HTTPError:
            outcome = "error"
        dt = time.perf_counter() - t0
        metrics.PAYMENT.labels(outcome=outcome, caller=self.caller).observe(dt)
        return outcome, dt * 1000

    def readiness(self) -> dict:
        out = {}
        try:
            self.db.query("SELECT 1", ())
            out["database"] = None
        except Exception as e:  # noqa: BLE001 — readiness reports whatever is wrong
            out["database"] = str(e) or type(e).__name__
        if self.read is not self.db:
            try:
                self.read.query("SELECT 1", ())
                out["replica"] = None
            except Exception as e:  # noqa: BLE001
                out["replica"] = str(e) or type(e).__name__
        if self.redis is not None:
            try:
                self.redis.ping()
                out["redis+queue" if self.rt.queue == "celery" else "redis"] = None
            except Exception as e:  # noqa: BLE001
                out["redis+queue" if self.rt.queue == "celery" else "redis"] = str(e) or type(e).__name__
        # the payment provider, as the Node shop asks it (readiness is not the measured path)
        try:
            r = self.http.get(f"{self.rt.payment_url}/healthz", timeout=2.0)
            out["payment"] = None if r.is_success else f"the payment service answered {r.status_code}"
        except Exception as e:  # noqa: BLE001
            out["payment"] = str(e) or type(e).__name__
        return out

    def perform(self, e):
        if isinstance(e, Query):
            return (self.read if e.db == "read" else self.db).query(e.sql, e.params)
        if isinstance(e, CacheGet):
            return self._redis_guard(lambda: self.cache.get(e.key))
        if isinstance(e, CacheSet):
            return self._redis_guard(lambda: self.cache.set(e.key, e.value))
        if isinstance(e, CacheInvalidate):
            return self._redis_guard(lambda: self.cache.invalidate(e.keys))
        if isinstance(e, CacheClear):
            return self._redis_guard(self.cache.clear)
        if isinstance(e, SessionGet):
            return self._redis_guard(lambda: self.sessions.get(e.token))
        if isinstance(e, SessionCreate):
            return self._redis_guard(lambda: self.sessions.create(e.session))
        if isinstance(e, Pay):
            return self.pay(e.order_id, e.amount_cents)
        if isinstance(e, Enqueue):
            if self.enqueue is None:
                raise RuntimeError("no queue configured")
            return self.enqueue(e.job)
        if isinstance(e, Accepted):
            return self.state.add_accepted()
        if isinstance(e, AcceptedCount):
            return self.state.accepted()
        if isinstance(e, AcceptedReset):
            return self.state.reset_accepted()
        if isinstance(e, Readiness):
            return self.readiness()
        raise TypeError(f"unknown effect {e!r}")

    @staticmethod
    def _redis_guard(fn):
        import redis

        try:
            return fn()
        except redis.exceptions.ConnectionError as err:
            raise Unavailable(f"Redis: {err}")
        except redis.exceptions.TimeoutError as err:
            raise Unavailable(f"Redis timed out: {err}")
