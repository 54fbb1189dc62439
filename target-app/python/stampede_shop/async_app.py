"""The `async` variant: FastAPI on Uvicorn. Each request runs the shared handler program with the
asyncio driver — SQLAlchemy's asyncio pool over asyncpg, redis.asyncio, httpx.AsyncClient — so
one process keeps serving while its requests wait on PostgreSQL or the payment provider."""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import traceback
from typing import Any

import asyncpg
import httpx
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import domain, handlers, metrics, runtime
from .domain import Accepted
from .effects import (AcceptedCount, AcceptedReset, CacheClear, CacheGet, CacheInvalidate, CacheSet, Enqueue, Pay, Query,
                      Readiness, SessionCreate, SessionGet, UniqueViolation, Unavailable, run_async)
from .shared_state import SharedState
from .stores import SESSION_TTL_MS, MemoryCache, MemorySessions, new_token
from .sync_driver import NoCache, PAYMENT_TIMEOUT_S, payment_outcome
from .validate import HttpError

rt = runtime.load()
ctx = handlers.Ctx(variant="async", admin_token=rt.admin_token, queued=rt.queue == "celery")


class AsyncPool:
    """SQLAlchemy's AsyncAdaptedQueuePool (pool_size + max_overflow) handing out asyncpg connections."""

    def __init__(self, name: str, url: str, size: int, overflow: int):
        self.name = name
        # PgBouncer in transaction mode cannot keep asyncpg's named prepared statements
        connect_args = {"statement_cache_size": 0} if rt.pgbouncer else {}
        self.engine = create_async_engine(runtime.sqlalchemy_url(url, "asyncpg"), pool_size=size, max_overflow=overflow, pool_timeout=10, connect_args=connect_args)
        self.waiting = 0

    def _gauges(self) -> None:
        p = self.engine.sync_engine.pool
        metrics.POOL.labels(db=self.name, state="total").set(p.checkedout() + p.checkedin())
        metrics.POOL.labels(db=self.name, state="idle").set(p.checkedin())
        metrics.POOL.labels(db=self.name, state="waiting").set(self.waiting)

    async def query(self, sql: str, params) -> list:
        t0 = time.perf_counter()
        self.waiting += 1
        try:
            conn = await self.engine.connect()
            raw = await conn.get_raw_connection()
        except sqlalchemy.exc.TimeoutError as e:
            raise Unavailable(f"timed out waiting for a pool connection: {e}")
        except (OSError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError, sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as e:
            raise Unavailable(f"could not connect: {e}")
        finally:
            self.waiting -= 1
        metrics.POOL_WAIT.labels(db=self.name).observe(time.perf_counter() - t0)
        self._gauges()
        try:
            apg = raw.driver_connection
            rows = await apg.fetch(sql, *params)
            return [dict(r) for r in rows]
        except asyncpg.UniqueViolationError as e:
            raise UniqueViolation(e.constraint_name)
        except (OSError, asyncpg.PostgresConnectionError, asyncpg.ConnectionDoesNotExistError, asyncpg.AdminShutdownError) as e:
            await conn.invalidate()
            raise Unavailable(str(e))
        finally:
            await conn.close()
            self._gauges()


class RedisCache:
    kind = "redis"

    def __init__(self, r, ttl_ms: int, prefix: str):
        self.r, self.ttl_ms, self.prefix = r, ttl_ms, prefix

    async def get(self, key: str):
        hit = await self.r.get(self.prefix + key)
        metrics.CACHE.labels(cache="redis", result="hit" if hit is not None else "miss").inc()
        return None if hit is None else json.loads(hit)

    async def set(self, key: str, value: Any) -> None:
        await self.r.set(self.prefix + key, json.dumps(value, separators=(",", ":")), px=self.ttl_ms)

    async def invalidate(self, keys) -> None:
        if keys:
            await self.r.delete(*[self.prefix + k for k in keys])

    async def clear(self) -> None:
        batch = []
        async for k in self.r.scan_iter(match=self.prefix + "*", count=500):
            batch.append(k)
        for i in range(0, len(batch), 500):
            await self.r.delete(*batch[i:i + 500])


class RedisSessions:
    kind = "redis"

    def __init__(self, r, prefix: str):
        self.r, self.prefix = r, prefix

    async def create(self, s: dict) -> str:
        t = new_token()
        await self.r.set(self.prefix + t, json.dumps(s), px=SESSION_TTL_MS)
        return t

    async def get(self, token: str):
        v = await self.r.get(self.prefix + token)
        return None if v is None else json.loads(v)


async def _maybe(v):
    return (await v) if asyncio.iscoroutine(v) else v


class AsyncDriver:
    def __init__(self):
        self.state = SharedState(rt.state_file)
        self.db = AsyncPool("primary", rt.database_url, rt.pool, rt.pool_overflow)
        self.read = AsyncPool("replica", rt.replica_url, rt.pool, rt.pool_overflow) if rt.replica_url else self.db
        self.redis = None
        if rt.redis_url:
            import redis.asyncio

            self.redis = redis.asyncio.Redis.from_url(rt.redis_url, socket_connect_timeout=3, socket_timeout=5)
        self.cache = (
            MemoryCache(rt.cache_ttl_ms, self.state) if rt.cache == "memory"
            else RedisCache(self.redis, rt.cache_ttl_ms, rt.cache_prefix) if rt.cache == "redis"
            else NoCache()
        )
        self.sessions = RedisSessions(self.redis, rt.session_prefix) if rt.sessions == "redis" else MemorySessions()
        self.http = httpx.AsyncClient(timeout=PAYMENT_TIMEOUT_S, limits=httpx.Limits(max_connections=512, max_keepalive_connections=256))
        self.celery = None
        if rt.queue == "celery":
            from .queue import celery_app

            self.celery = celery_app(rt)

    async def pay(self, order_id: str, amount_cents: int):
        t0 = time.perf_counter()
        try:
            r = await self.http.post(f"{rt.payment_url}/pay", json={"orderId": order_id, "amountCents": amount_cents})
            outcome = payment_outcome(r.status_code)
        except httpx.HTTPError:
            outcome = "error"
        dt = time.perf_counter() - t0
        metrics.PAYMENT.labels(outcome=outcome, caller="async").observe(dt)
        return outcome, dt * 1000

    async def enqueue(self, job: dict):
        from .queue import TASK

        # Celery's client is blocking (kombu): the publish runs in a thread, off the event loop.
        return await asyncio.get_running_loop().run_in_executor(None, lambda: self.celery.send_task(TASK, args=[job], task_id=job["orderId"], queue=rt.queue_name))

    async def readiness(self) -> dict:
        out = {}
        try:
            await self.db.query("SELECT 1", ())
            out["database"] = None
        except Exception as e:  # noqa: BLE001
            out["database"] = str(e) or type(e).__name__
        if self.read is not self.db:
            try:
                await self.read.query("SELECT 1", ())
                out["replica"] = None
            except Exception as e:  # noqa: BLE001
                out["replica"] = str(e) or type(e).__name__
        if self.redis is not None:
            key = "redis+queue" if rt.queue == "celery" else "redis"
            try:
                await self.redis.ping()
                out[key] = None
            except Exception as e:  # noqa: BLE001
                out[key] = str(e) or type(e).__name__
        # the payment provider, as the Node shop asks it (readiness is not the measured path)
        try:
            r = await self.http.get(f"{rt.payment_url}/healthz", timeout=2.0)
            out["payment"] = None if r.is_success else f"the payment service answered {r.status_code}"
        except Exception as e:  # noqa: BLE001
            out["payment"] = str(e) or type(e).__name__
        return out

    async def perform(self, e):
        import redis.exceptions as rex

        try:
            if isinstance(e, Query):
                return await (self.read if e.db == "read" else self.db).query(e.sql, e.params)
            if isinstance(e, CacheGet):
                return await _maybe(self.cache.get(e.key))
            if isinstance(e, CacheSet):
                return await _maybe(self.cache.set(e.key, e.value))
            if isinstance(e, CacheInvalidate):
                return await _maybe(self.cache.invalidate(e.keys))
            if isinstance(e, CacheClear):
                return await _maybe(self.cache.clear())
            if isinstance(e, SessionGet):
                return await _maybe(self.sessions.get(e.token))
            if isinstance(e, SessionCreate):
                return await _maybe(self.sessions.create(e.session))
        except (rex.ConnectionError, rex.TimeoutError) as err:
            raise Unavailable(f"Redis: {err}")
        if isinstance(e, Pay):
            return await self.pay(e.order_id, e.amount_cents)
        if isinstance(e, Enqueue):
            return await self.enqueue(e.job)
        if isinstance(e, Accepted):
            return self.state.add_accepted()
        if isinstance(e, AcceptedCount):
            return self.state.accepted()
        if isinstance(e, AcceptedReset):
            return self.state.reset_accepted()
        if isinstance(e, Readiness):
            return await self.readiness()
        raise TypeError(f"unknown effect {e!r}")


driver = AsyncDriver()


def queue_counts():
    import redis

    from .queue import queue_counts as counts

    return counts(rt, redis.Redis.from_url(rt.redis_url, socket_connect_timeout=2, socket_timeout=2))


# The replica's lag is read on the event loop before each scrape; the collector (run in a thread) reports it.
_lag: dict = {"seconds": None}
stack = metrics.StackCollector(rt.metrics_root_pid(), driver.state.accepted, queue_counts if rt.queue == "celery" else None, (lambda: _lag["seconds"]) if rt.replica_url else None)
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


def reply(status: int, body, headers=None) -> Response:
    res = Response(handlers.json_bytes(body), status_code=status, media_type="application/json; charset=utf-8")
    res.headers["X-Worker-Pid"] = str(os.getpid())
    for k, v in (headers or {}).items():
        res.headers[k] = v
    return res


def error_reply(e: BaseException) -> Response:
    if isinstance(e, HttpError):
        return reply(e.status, e.body())
    if isinstance(e, Unavailable):
        return reply(503, {"error": "unavailable", "message": str(e)})
    sys.stderr.write(f"[python shop {os.getpid()}] internal error: {''.join(traceback.format_exception(e))}\n")
    return reply(500, {"error": "internal"})


def endpoint(route: str, handler):
    async def view(request: Request):
        t0 = time.perf_counter()
        try:
            body = handlers.MISSING
            if request.method == "POST":
                length = request.headers.get("content-length")
                if length is not None and length.isdigit() and int(length) > rt.body_limit_bytes:
                    raise HttpError(413, "body_too_large")
                raw = bytearray()
                async for chunk in request.stream():
                    raw += chunk
                    if len(raw) > rt.body_limit_bytes:
                        raise HttpError(413, "body_too_large")
                body = handlers.parse_json_body(request.headers.get("content-type"), bytes(raw), rt.body_limit_bytes)
            query: dict = {}
            for k, v in request.query_params.multi_items():
                query.setdefault(k, []).append(v)
            req = handlers.Req(request.method, dict(request.path_params), query, request.headers.get, body)
            a = await run_async(handler(ctx, req), driver.perform)
            res = reply(a.status, a.body, a.headers)
        except Exception as e:  # noqa: BLE001 — every error becomes an answer, as in app.ts
            res = error_reply(e)
        metrics.HTTP.labels(route=route, method=request.method, status=str(res.status_code)).observe(time.perf_counter() - t0)
        return res

    view.__name__ = f"{handler.__name__}_{route}"
    return view


for method, path, handler in handlers.ROUTES:
    import re

    app.add_api_route(re.sub(r":(\w+)", r"{\1}", path), endpoint(path, handler), methods=[method], include_in_schema=False)


@app.get("/metrics", include_in_schema=False)
async def metrics_view():
    if rt.replica_url:
        try:
            _lag["seconds"] = await run_async(domain.replication_lag(), driver.perform)
        except Exception:  # noqa: BLE001 — the replica or the primary unreachable: NaN, /readyz says why
            _lag["seconds"] = None
    body = await asyncio.get_running_loop().run_in_executor(None, metrics.exposition, stack)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


@app.exception_handler(StarletteHTTPException)
async def not_found(request: Request, _exc):
    metrics.HTTP.labels(route="unmatched", method=request.method, status="404").observe(0)
    return reply(404, {"error": "not_found"})
