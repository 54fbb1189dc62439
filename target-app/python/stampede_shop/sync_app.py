"""The `sync` variant: Flask on Gunicorn (sync workers, or gthread with --threads). Each request
runs the shared handler program with the blocking driver; while it waits on PostgreSQL or on
the payment provider, its worker (or thread) serves nobody else."""
from __future__ import annotations

import re
import sys
import threading
import time
import traceback

from flask import Flask, Response, request

from . import domain, handlers, metrics, runtime
from .effects import Unavailable, run_sync
from .sync_driver import SyncDriver
from .validate import HttpError

rt = runtime.load()
ctx = handlers.Ctx(variant="sync", admin_token=rt.admin_token, queued=rt.queue == "celery")

_driver = None
_celery = None
_driver_lock = threading.Lock()


def driver() -> SyncDriver:
    """Built in the worker process on first use (after Gunicorn's fork, never in the master);
    once per process, also when gthread's threads all ask at once."""
    global _driver, _celery
    if _driver is not None:
        return _driver
    with _driver_lock:
        if _driver is not None:
            return _driver
        enqueue = None
        if rt.queue == "celery":
            from .queue import TASK, celery_app

            _celery = celery_app(rt)
            enqueue = lambda job: _celery.send_task(TASK, args=[job], task_id=job["orderId"], queue=rt.queue_name)  # noqa: E731
        _driver = SyncDriver(rt, "sync", enqueue)
    return _driver


def queue_counts():
    from .queue import queue_counts as counts

    return counts(rt, driver().redis)


def replication_lag():
    try:
        return run_sync(domain.replication_lag(), driver().perform)
    except Exception:  # noqa: BLE001 — the replica or the primary unreachable: NaN, /readyz says why
        return None


stack = metrics.StackCollector(rt.metrics_root_pid(), lambda: driver().state.accepted(), queue_counts if rt.queue == "celery" else None, replication_lag if rt.replica_url else None)

app = Flask(__name__)


def reply(status: int, body, headers=None) -> Response:
    res = Response(handlers.json_bytes(body), status=status, content_type="application/json; charset=utf-8")
    res.headers["X-Worker-Pid"] = str(__import__("os").getpid())
    res.headers["Connection"] = "close"  # as the Node sync variant: never pin a client to a blocked worker
    for k, v in (headers or {}).items():
        res.headers[k] = v
    return res


def error_reply(e: BaseException) -> Response:
    if isinstance(e, HttpError):
        return reply(e.status, e.body())
    if isinstance(e, Unavailable):
        return reply(503, {"error": "unavailable", "message": str(e)})
    sys.stderr.write(f"[python shop {__import__('os').getpid()}] internal error: {''.join(traceback.format_exception(e))}\n")
    return reply(500, {"error": "internal"})


def endpoint(route: str, handler):
    def view(**params):
        t0 = time.perf_counter()
        try:
            body = handlers.MISSING
            if request.method == "POST":
                if request.content_length is not None and request.content_length > rt.body_limit_bytes:
                    raise HttpError(413, "body_too_large")
                body = handlers.parse_json_body(request.content_type, request.get_data(cache=False), rt.body_limit_bytes)
            req = handlers.Req(request.method, params, request.args.to_dict(flat=False), request.headers.get, body)
            a = run_sync(handler(ctx, req), driver().perform)
            res = reply(a.status, a.body, a.headers)
        except Exception as e:  # noqa: BLE001 — every error becomes an answer, as in app.ts
            res = error_reply(e)
        metrics.HTTP.labels(route=route, method=request.method, status=str(res.status_code)).observe(time.perf_counter() - t0)
        return res

    view.__name__ = f"{handler.__name__}_{route}"
    return view


for method, path, handler in handlers.ROUTES:
    app.add_url_rule(re.sub(r":(\w+)", r"<\1>", path), endpoint=f"{method} {path}", view_func=endpoint(path, handler), methods=[method])


@app.get("/metrics")
def metrics_view():
    return Response(metrics.exposition(stack), content_type="text/plain; version=0.0.4; charset=utf-8")


@app.errorhandler(404)
@app.errorhandler(405)
def not_found(_e):
    res = reply(404, {"error": "not_found"})
    metrics.HTTP.labels(route="unmatched", method=request.method, status="404").observe(0)
    return res
