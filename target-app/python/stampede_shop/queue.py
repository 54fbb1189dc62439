"""The Celery side shared by the web apps (which enqueue) and the payment worker (tasks.py).

Broker: Redis. A job is acknowledged only after it ran (acks_late), and a job whose worker
died is given back (reject_on_worker_lost; the Redis transport re-delivers unacknowledged
jobs after the visibility timeout), so a queued order ends paid or failed. Each shop instance
has its own queue and unacked keys, so several shops can share one Redis.
"""
from __future__ import annotations

from celery import Celery

from .runtime import Runtime

TASK = "stampede_shop.tasks.pay_order"


def celery_app(rt: Runtime) -> Celery:
    app = Celery("stampede_shop", broker=rt.redis_url)
    visibility_s = max(1, rt.recover_after_ms // 1000)
    app.conf.update(
        task_default_queue=rt.queue_name,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility_s,
            "unacked_key": f"{rt.queue_name}-unacked",
            "unacked_index_key": f"{rt.queue_name}-unacked-index",
            "unacked_mutex_key": f"{rt.queue_name}-unacked-mutex",
        },
    )
    return app


def queue_counts(rt: Runtime, r) -> dict:
    """waiting = jobs in the broker's list; active = taken by a worker and not yet acknowledged."""
    return {"waiting": int(r.llen(rt.queue_name)), "active": int(r.hlen(f"{rt.queue_name}-unacked"))}
