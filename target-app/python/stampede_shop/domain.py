"""The shop's domain, as in target-app/domain/*.ts: the same SQL, the same atomic stock decision.

Every function is a generator of effects (see effects.py). The stock decision is ONE statement:
the conditional `UPDATE sales … WHERE stock > 0` feeds the order INSERT, PostgreSQL re-checks
`stock > 0` under the row lock, and the partial unique index `orders_one_per_user` rolls the
whole statement back for a user's second attempt. Only the unsharded layout exists here.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Optional

from . import metrics
from .effects import (CacheGet, CacheInvalidate, CacheSet, Enqueue, Pay, Query, UniqueViolation)

CART_QUANTITY_MAX = 99
PAGE_SIZE_MAX = 100
COLUMNS = "id, user_id, sale_id, status, amount_cents, created_at, updated_at"


def iso(v: Any) -> str:
    """A timestamp as JavaScript's toISOString() writes it (UTC, milliseconds, Z)."""
    if isinstance(v, datetime):
        u = v.astimezone(timezone.utc)
        return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"
    return str(v)


def product_key(pid: int) -> str:
    return f"product:{pid}"


def sale_key(sid: int) -> str:
    return f"sale:{sid}"


def stock_keys(sale_id: int, product_id: int) -> list:
    return [sale_key(sale_id), product_key(product_id)]


def to_order(r: dict) -> dict:
    return {
        "id": str(r["id"]),
        "userId": int(r["user_id"]),
        "saleId": int(r["sale_id"]),
        "status": r["status"],
        "amountCents": int(r["amount_cents"]),
        "createdAt": iso(r["created_at"]),
        "updatedAt": iso(r["updated_at"]),
    }


def to_product(r: dict) -> dict:
    p = {"id": int(r["id"]), "name": str(r["name"]), "description": str(r["description"]), "priceCents": int(r["price_cents"])}
    if r.get("sale_id") is not None:
        p["flashSale"] = {"saleId": int(r["sale_id"]), "priceCents": int(r["sale_price_cents"]), "stockLeft": int(r["stock"])}
    return p


def cached(key: str, load):
    """The cached value, or what `load` (a program) yields, stored for the TTL."""
    hit = yield CacheGet(key)
    if hit is not None:
        return hit
    value = yield from load()
    if value is not None:
        yield CacheSet(key, value)
    return value


# --- catalogue ---------------------------------------------------------------------------

def get_product(pid: int):
    def load():
        rows = yield Query(
            """SELECT p.id, p.name, p.description, p.price_cents, s.id AS sale_id, s.price_cents AS sale_price_cents, s.stock
               FROM products p LEFT JOIN sales s ON s.product_id = p.id WHERE p.id = $1""",
            (pid,),
            db="read",
        )
        return to_product(rows[0]) if rows else None

    return (yield from cached(product_key(pid), load))


def list_products(page: int, page_size: int):
    def load():
        rows = yield Query("SELECT id, name, description, price_cents FROM products ORDER BY id LIMIT $1 OFFSET $2", (page_size, (page - 1) * page_size), db="read")
        return [to_product(r) for r in rows]

    products = yield from cached(f"products:{page}:{page_size}", load)
    return {"page": page, "pageSize": page_size, "products": products or []}


def replication_lag():
    """Seconds the replica is behind the primary, as the Node launcher measures it
    (target-app/launcher/services/replica.ts): 0 when it has replayed everything the primary has
    written, else how old the newest transaction it shows is. The LSN is passed as text (asyncpg
    would encode a pg_lsn parameter from an int)."""
    rows = yield Query("SELECT pg_current_wal_lsn()::text AS lsn", ())
    lsn = rows[0]["lsn"]
    rows = yield Query(
        """SELECT pg_wal_lsn_diff($1::text::pg_lsn, pg_last_wal_replay_lsn())::text AS behind,
                  EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS since""",
        (lsn,),
        db="read",
    )
    r = rows[0]
    if r["behind"] is None:
        raise RuntimeError("the replica is not replaying WAL (pg_last_wal_replay_lsn() is null)")
    if float(r["behind"]) <= 0:
        return 0.0
    return max(0.0, float(r["since"] or 0))


def product_exists(pid: int):
    rows = yield Query("SELECT 1 FROM products WHERE id = $1", (pid,), db="read")
    return len(rows) > 0


# --- users and carts ----------------------------------------------------------------------

def login_user(username: str):
    rows = yield Query(
        "INSERT INTO users (username) VALUES ($1) ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING id",
        (username,),
    )
    return {"userId": int(rows[0]["id"]), "username": username}


def get_cart(user_id: int):
    rows = yield Query("SELECT product_id, quantity FROM cart_items WHERE user_id = $1 ORDER BY product_id", (user_id,))
    return [{"productId": int(r["product_id"]), "quantity": int(r["quantity"])} for r in rows]


def add_to_cart(user_id: int, product_id: int, quantity: int):
    yield Query(
        f"""INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
            ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, {CART_QUANTITY_MAX})""",
        (user_id, product_id, quantity),
    )
    return (yield from get_cart(user_id))


# --- sale -----------------------------------------------------------------------------------

def load_sale(sid: int):
    rows = yield Query("SELECT id, product_id, price_cents, initial_stock, stock, reset_at FROM sales WHERE id = $1", (sid,))
    if not rows:
        return None
    r = rows[0]
    return {
        "id": int(r["id"]),
        "productId": int(r["product_id"]),
        "priceCents": int(r["price_cents"]),
        "initialStock": int(r["initial_stock"]),
        "stockLeft": int(r["stock"]),
        "resetAt": iso(r["reset_at"]),
    }


def get_sale(sid: int):
    return (yield from cached(sale_key(sid), lambda: load_sale(sid)))


def reset_sale(sid: int, stock: Optional[int]):
    yield Query("DELETE FROM orders WHERE sale_id = $1", (sid,))
    yield Query(
        "UPDATE sales SET initial_stock = COALESCE($2::int, initial_stock), stock = COALESCE($2::int, initial_stock), reset_at = now() WHERE id = $1",
        (sid, stock),
    )
    return (yield from load_sale(sid))


def invariants(sid: int, accepted: Optional[int]):
    sale = yield from load_sale(sid)
    if sale is None:
        return None
    by_status = {"pending": 0, "paid": 0, "failed": 0, "rejected": 0}
    acknowledged = 0
    rows = yield Query(
        "SELECT status, count(*)::int AS n, (count(*) FILTER (WHERE acknowledged))::int AS acked FROM orders WHERE sale_id = $1 GROUP BY status",
        (sid,),
    )
    for r in rows:
        by_status[r["status"]] += int(r["n"])
        acknowledged += int(r["acked"])
    holding = by_status["pending"] + by_status["paid"]
    sold = sale["initialStock"] - sale["stockLeft"]
    return {
        "saleId": sid,
        "stockAtStart": sale["initialStock"],
        "stockLeft": sale["stockLeft"],
        "sold": sold,
        "holding": holding,
        "ordersByStatus": by_status,
        "oversold": max(0, holding - sale["initialStock"], sold - sale["initialStock"]),
        "stockConsistent": sold == holding,
        "acknowledgedInDb": acknowledged,
        "accepted": accepted,
        "acceptedButMissing": None if accepted is None else max(0, accepted - acknowledged),
        "drained": by_status["pending"] == 0,
    }


def missing_orders(ids: list):
    found = set()
    for i in range(0, len(ids), 5000):
        rows = yield Query("SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'rejected'", (ids[i:i + 5000],))
        found.update(str(r["id"]) for r in rows)
    return [x for x in ids if x not in found]


# --- orders ---------------------------------------------------------------------------------

def _by_key(user_id: int, key: str):
    rows = yield Query(f"SELECT {COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2", (user_id, key))
    return to_order(rows[0]) if rows else None


def _holding(user_id: int, sale_id: int):
    rows = yield Query(f"SELECT {COLUMNS} FROM orders WHERE user_id = $1 AND sale_id = $2 AND status IN ('pending', 'paid')", (user_id, sale_id))
    return to_order(rows[0]) if rows else None


def reserve(sale_id: int, user_id: int, key: Optional[str], acknowledge: bool):
    """('reserved'|'sold_out'|'duplicate'|'replay', order or None)"""
    if key:
        prior = yield from _by_key(user_id, key)
        if prior:
            return ("replay", prior)
    oid = str(uuid.uuid4())
    try:
        rows = yield Query(
            f"""WITH s AS (UPDATE sales SET stock = stock - 1 WHERE id = $1 AND stock > 0 RETURNING price_cents)
                INSERT INTO orders (id, user_id, sale_id, status, idempotency_key, amount_cents, acknowledged)
                SELECT $2::uuid, $3::bigint, $1, 'pending', $4::text, price_cents, $5::boolean FROM s
                RETURNING {COLUMNS}""",
            (sale_id, oid, user_id, key, acknowledge),
        )
        if rows:
            return ("reserved", to_order(rows[0]))
    except UniqueViolation as e:
        if e.constraint == "orders_one_per_user":
            return ("duplicate", (yield from _holding(user_id, sale_id)))
        if e.constraint == "orders_idempotency" and key:
            prior = yield from _by_key(user_id, key)
            if prior:
                return ("replay", prior)
        raise
    # Sold out: the rejection is recorded too, so a retry with the same key gets the same answer.
    rows = yield Query(
        f"""INSERT INTO orders (id, user_id, sale_id, status, idempotency_key, amount_cents) VALUES ($1::uuid, $2, $3, 'rejected', $4, 0)
            ON CONFLICT DO NOTHING RETURNING {COLUMNS}""",
        (oid, user_id, sale_id, key),
    )
    if rows:
        return ("sold_out", to_order(rows[0]))
    prior = (yield from _by_key(user_id, key)) if key else None
    if prior:
        return ("replay", prior)
    raise RuntimeError("sold-out order could not be recorded")


def mark_paid(order_id: str, latency_ms: float):
    rows = yield Query(
        """WITH o AS (UPDATE orders SET status = 'paid', acknowledged = true, updated_at = now() WHERE id = $1::uuid AND status = 'pending' RETURNING id)
           INSERT INTO payments (order_id, status, latency_ms) SELECT id, 'paid', $2::int FROM o RETURNING order_id""",
        (order_id, round(latency_ms)),
    )
    return len(rows) > 0


def release_failed(order_id: str, payment_status: str, latency_ms: Optional[float], acknowledged: Optional[bool]):
    """pending → failed and the unit back to the sale; `acknowledged` None keeps the flag."""
    rows = yield Query(
        """WITH o AS (UPDATE orders SET status = 'failed', acknowledged = COALESCE($2::boolean, acknowledged), updated_at = now()
                      WHERE id = $1::uuid AND status = 'pending' RETURNING id, sale_id),
                p AS (INSERT INTO payments (order_id, status, latency_ms) SELECT id, $3, $4::int FROM o)
           UPDATE sales SET stock = stock + 1 FROM o WHERE sales.id = o.sale_id RETURNING sales.id""",
        (order_id, acknowledged, payment_status, None if latency_ms is None else round(latency_ms)),
    )
    return len(rows) > 0


def find_order(oid: str):
    rows = yield Query(f"SELECT {COLUMNS} FROM orders WHERE id = $1::uuid", (oid,))
    return to_order(rows[0]) if rows else None


def user_orders(user_id: int, limit: int = 50):
    # the replica when there is one: it may lag (a just-placed order can be missing for a moment)
    rows = yield Query(f"SELECT {COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2", (user_id, limit), db="read")
    return [to_order(r) for r in rows]


# --- checkout -------------------------------------------------------------------------------

_sale_products: dict = {}


def _sale_product(sale_id: int):
    if sale_id in _sale_products:
        return _sale_products[sale_id]
    rows = yield Query("SELECT product_id FROM sales WHERE id = $1", (sale_id,))
    if not rows:
        return None
    _sale_products[sale_id] = int(rows[0]["product_id"])
    return _sale_products[sale_id]


def _answer_for(order: dict):
    body = {"orderId": order["id"], "status": order["status"], "replay": True}
    s = order["status"]
    if s == "paid":
        return 201, body
    if s == "pending":
        return 202, body
    if s == "failed":
        return 402, {**body, "error": "payment_failed"}
    return 409, {**body, "error": "sold_out"}


class Accepted:  # noqa: D101 (an effect, performed by the drivers)
    """Yielded when a checkout is answered 2xx/202 (counted across processes for the invariants)."""


def checkout(user_id: int, sale_id: int, key: Optional[str], queued: bool):
    """(status, body) — the same answers as target-app/domain/checkout.ts."""
    product_id = yield from _sale_product(sale_id)
    if product_id is None:
        return 404, {"error": "sale_not_found", "saleId": sale_id}
    kind, order = yield from reserve(sale_id, user_id, key, queued)
    if kind == "replay":
        return _answer_for(order)
    if kind == "duplicate":
        metrics.ORDERS.labels(outcome="rejected").inc()
        return 409, {"error": "already_ordered", "orderId": order["id"] if order else None, "status": order["status"] if order else None}
    if kind == "sold_out":
        metrics.ORDERS.labels(outcome="sold_out").inc()
        return 409, {"error": "sold_out", "orderId": order["id"], "status": "rejected"}
    keys = stock_keys(sale_id, product_id)
    yield CacheInvalidate(keys)

    if queued:
        try:
            yield Enqueue({"orderId": order["id"], "userId": order["userId"], "amountCents": order["amountCents"], "saleId": sale_id, "productId": product_id})
        except Exception:
            yield from release_failed(order["id"], "not_enqueued", None, False)
            yield CacheInvalidate(keys)
            metrics.ORDERS.labels(outcome="error").inc()
            return 503, {"error": "queue_unavailable", "orderId": order["id"], "status": "failed"}
        metrics.ORDERS.labels(outcome="accepted").inc()
        yield Accepted()
        return 202, {"orderId": order["id"], "status": "pending"}

    outcome, ms = yield Pay(order["id"], order["amountCents"])
    if outcome == "paid":
        if not (yield from mark_paid(order["id"], ms)):
            return 409, {"error": "order_not_pending", "orderId": order["id"]}
        metrics.ORDERS.labels(outcome="accepted").inc()
        yield Accepted()
        return 201, {"orderId": order["id"], "status": "paid"}
    yield from release_failed(order["id"], outcome, ms, None)
    yield CacheInvalidate(keys)
    metrics.ORDERS.labels(outcome="payment_failed").inc()
    return 402, {"error": "payment_failed", "orderId": order["id"], "status": "failed"}


def pay_queued(job: dict):
    """The Celery worker's half of a queued checkout: pay, then paid or failed (unit released)."""
    outcome, ms = yield Pay(job["orderId"], job["amountCents"])
    keys = stock_keys(job["saleId"], job["productId"])
    if outcome == "paid":
        done = yield from mark_paid(job["orderId"], ms)
    else:
        done = yield from release_failed(job["orderId"], outcome, ms, None)
        yield CacheInvalidate(keys)
    return outcome, done
