"""What the launcher (target-app/launcher/python-shop.ts) hands every process: one JSON object
in STAMPEDE_PY_SHOP_RUNTIME — the validated knobs plus what was resolved at start (database and
Redis URLs, the payment service's URL, the admin token, the instance id that namespaces Redis
keys and the Celery queue, and the folder of the shared state file)."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Optional

ENV = "STAMPEDE_PY_SHOP_RUNTIME"


@dataclass(frozen=True)
class Runtime:
    variant: str
    workers: int
    pool: int
    pool_overflow: int
    cache: str
    cache_ttl_ms: int
    queue: str
    sessions: str
    recover_after_ms: int
    body_limit_bytes: int
    pgbouncer: bool
    admin_token: str
    instance_id: str
    database_url: str
    # a streaming replica of the primary: product and order-history reads (None: the primary serves them)
    replica_url: Optional[str]
    redis_url: Optional[str]
    payment_url: str
    state_dir: str

    @property
    def cache_prefix(self) -> str:
        return f"stampede:{self.instance_id}:cache:"

    @property
    def session_prefix(self) -> str:
        return f"stampede:{self.instance_id}:sess:"

    @property
    def queue_name(self) -> str:
        return f"stampede-{self.instance_id}-payments"

    @property
    def state_file(self) -> str:
        return os.path.join(self.state_dir, "shared-state")

    def metrics_root_pid(self) -> int:
        """The process whose tree serves HTTP: Gunicorn's master; Uvicorn's supervisor with
        several workers, else the Uvicorn process itself."""
        if self.variant == "sync" or self.workers > 1:
            return os.getppid()
        return os.getpid()


def load() -> Runtime:
    raw = os.environ.get(ENV)
    if not raw:
        raise RuntimeError(f"{ENV} is not set: this module is started by the target launcher")
    d = json.loads(raw)
    return Runtime(
        variant=d["variant"], workers=int(d["workers"]), pool=int(d["pool"]), pool_overflow=int(d["poolOverflow"]),
        cache=d["cache"], cache_ttl_ms=int(d["cacheTtlMs"]), queue=d["queue"], sessions=d["sessions"],
        recover_after_ms=int(d["recoverAfterMs"]), body_limit_bytes=int(d["bodyLimitBytes"]), pgbouncer=bool(d["pgbouncer"]),
        admin_token=d["adminToken"], instance_id=d["instanceId"], database_url=d["databaseUrl"], replica_url=d.get("replicaUrl"), redis_url=d.get("redisUrl"),
        payment_url=d["paymentUrl"], state_dir=d["stateDir"],
    )


def sqlalchemy_url(url: str, driver: str) -> str:
    """postgres://… or postgresql://… → postgresql+<driver>://…"""
    return re.sub(r"^postgres(ql)?://", f"postgresql+{driver}://", url)


_PARAM = re.compile(r"\$(\d+)")


def pyformat(sql: str) -> str:
    """`$n` placeholders → psycopg2's `%(pn)s` (a parameter may be used twice), `%` escaped."""
    return _PARAM.sub(lambda m: f"%(p{m.group(1)})s", sql.replace("%", "%%"))
