"""The shop's Prometheus metrics, under the names the runner scrapes from the Node shop
(target-app/metrics/registry.ts, runner/orchestrate/server-series.ts).

prometheus_client runs in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by the launcher to
a fresh folder per shop): every Gunicorn/Uvicorn worker and the Celery worker write their
samples there, and any worker's /metrics merges them all. Process CPU and memory are summed
over the serving processes (the master and its workers, read from /proc), since the
multiprocess collector has no process metrics of its own.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, List, Optional

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, CounterMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

HTTP = Histogram(
    "http_request_duration_seconds", "HTTP request duration by route, method and status", ["route", "method", "status"],
    buckets=[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
)
CACHE = Counter("cache_requests", "cache lookups by cache kind and result (hit|miss)", ["cache", "result"])
ORDERS = Counter("orders", "checkout outcomes: accepted (2xx/202), rejected (duplicate), sold_out, payment_failed, error", ["outcome"])
PAYMENT = Histogram(
    "payment_duration_seconds", "latency of the call to the payment provider, by outcome", ["outcome", "caller"],
    buckets=[0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2, 5],
)
POOL_WAIT = Histogram(
    "db_pool_wait_seconds", "time a query waited for a pool connection", ["db"],
    buckets=[0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
)
# livesum: the sum over live processes, as the Node primary sums its workers' pools
POOL = Gauge("db_pool_clients", "SQLAlchemy pool connections by state (total, idle, waiting = queued checkouts), summed over processes", ["db", "state"], multiprocess_mode="livesum")

_CLK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def serving_pids(root: int) -> List[int]:
    """root and its descendants (the Gunicorn/Uvicorn master and its workers)."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _cpu_rss(pid: int):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / _CLK
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * _PAGE
        return cpu, rss
    except (OSError, IndexError, ValueError):
        return 0.0, 0


class StackCollector:
    """Process metrics of the whole serving stack plus the shop's cross-process gauges."""

    def __init__(self, root_pid: int, accepted: Callable[[], int], queue_counts: Optional[Callable[[], dict]], lag: Optional[Callable[[], Optional[float]]] = None):
        self.root_pid = root_pid
        self.accepted = accepted
        self.queue_counts = queue_counts
        # only with a replica: a lag series without one would read as a perfectly fresh replica
        self.lag = lag

    def collect(self) -> Iterable:
        cpu = rss = 0
        for pid in serving_pids(self.root_pid):
            c, r = _cpu_rss(pid)
            cpu += c
            rss += r
        cm = CounterMetricFamily("process_cpu_seconds", "user+system CPU of the serving processes (master and workers)")
        cm.add_metric([], cpu)
        yield cm
        yield GaugeMetricFamily("process_resident_memory_bytes", "resident memory of the serving processes", value=rss)
        yield GaugeMetricFamily("orders_accepted_since_reset", "checkouts answered 2xx/202 since the last admin reset", value=self.accepted())
        if self.queue_counts:
            g = GaugeMetricFamily("queue_jobs", "Celery payment jobs by state (waiting in the broker, active = taken but not acknowledged)", labels=["state"])
            try:
                for state, n in self.queue_counts().items():
                    g.add_metric([state], n)
            except Exception:
                pass  # broker unreachable: /readyz says why
            yield g
        if self.lag:
            lag = self.lag()
            yield GaugeMetricFamily("replication_lag_seconds", "replica lag behind the primary (NaN when it cannot be read)", value=float("nan") if lag is None else lag)


def exposition(stack: StackCollector) -> bytes:
    reg = CollectorRegistry()
    MultiProcessCollector(reg)
    reg.register(stack)
    return generate_latest(reg)
