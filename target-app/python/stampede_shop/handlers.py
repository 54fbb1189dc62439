"""The HTTP API, framework-neutral: each route is a program (see effects.py) from a parsed
request to (status, JSON body, extra headers). Flask and FastAPI register these same routes
with their own routers and run the programs with their own drivers, so both variants answer
exactly as target-app/http/app.ts does — routes, status codes, JSON shapes, error codes.
"""
from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from . import domain, validate
from .effects import AcceptedCount, AcceptedReset, CacheClear, Readiness, SessionCreate, SessionGet
from .validate import HttpError, MISSING


@dataclass
class Req:
    method: str
    params: Dict[str, str]
    query: Dict[str, List[str]]
    headers: Callable[[str], Optional[str]]
    body: Any = MISSING


@dataclass
class Ctx:
    variant: str
    admin_token: str
    queued: bool


@dataclass
class Answer:
    status: int
    body: Any
    headers: Dict[str, str] = field(default_factory=dict)


def session_token(req: Req) -> Optional[str]:
    auth = req.headers("authorization")
    if auth and auth.startswith("Bearer "):
        return auth[7:].strip() or None
    cookie = req.headers("cookie")
    if not cookie:
        return None
    for part in cookie.split(";"):
        k, _, v = part.strip().partition("=")
        if k == "sid":
            return v or None
    return None


def _require_session(req: Req):
    token = session_token(req)
    s = (yield SessionGet(token)) if token else None
    if not s:
        raise HttpError(401, "not_logged_in")
    return s


def _require_admin(ctx: Ctx, req: Req) -> None:
    given = req.headers("x-admin-token")
    if given is None:
        auth = req.headers("authorization")
        if auth and auth.startswith("Bearer "):
            given = auth[7:]
    if not given or not hmac.compare_digest(given.encode(), ctx.admin_token.encode()):
        raise HttpError(401, "admin_token_required")


def healthz(ctx: Ctx, req: Req):
    return Answer(200, {"ok": True, "pid": os.getpid(), "variant": ctx.variant})
    yield  # a program, like every route


def readyz(ctx: Ctx, req: Req):
    checks = yield Readiness()
    ok = all(v is None for v in checks.values())
    return Answer(200 if ok else 503, {"ok": ok, "checks": {k: (v if v is not None else "ok") for k, v in checks.items()}})


def product(ctx: Ctx, req: Req):
    pid = validate.path_id(req.params["id"])
    p = yield from domain.get_product(pid)
    if not p:
        raise HttpError(404, "product_not_found")
    return Answer(200, p)


def products(ctx: Ctx, req: Req):
    page, size = validate.product_list_query(req.query)
    return Answer(200, (yield from domain.list_products(page, size)))


def sale(ctx: Ctx, req: Req):
    sid = validate.id_query(req.query, "id")
    s = yield from domain.get_sale(sid)
    if not s:
        raise HttpError(404, "sale_not_found")
    return Answer(200, s)


def login(ctx: Ctx, req: Req):
    username = validate.login_body(req.body)
    user = yield from domain.login_user(username)
    token = yield SessionCreate(user)
    return Answer(200, {**user, "token": token}, {"Set-Cookie": f"sid={token}; Path=/; HttpOnly; SameSite=Lax"})


def get_cart(ctx: Ctx, req: Req):
    s = yield from _require_session(req)
    return Answer(200, {"items": (yield from domain.get_cart(s["userId"]))})


def post_cart(ctx: Ctx, req: Req):
    s = yield from _require_session(req)
    pid, qty = validate.cart_body(req.body)
    if not (yield from domain.product_exists(pid)):
        raise HttpError(404, "product_not_found")
    return Answer(200, {"items": (yield from domain.add_to_cart(s["userId"], pid, qty))})


def checkout(ctx: Ctx, req: Req):
    s = yield from _require_session(req)
    sid = validate.checkout_body({} if req.body is MISSING else req.body)
    key = validate.idempotency_key(req.headers("idempotency-key"))
    status, body = yield from domain.checkout(s["userId"], sid, key, ctx.queued)
    return Answer(status, body)


def order(ctx: Ctx, req: Req):
    oid = validate.order_id(req.params["id"])
    o = yield from domain.find_order(oid)
    if not o:
        raise HttpError(404, "order_not_found")
    return Answer(200, o)


def orders(ctx: Ctx, req: Req):
    s = yield from _require_session(req)
    return Answer(200, {"orders": (yield from domain.user_orders(s["userId"]))})


def admin_reset(ctx: Ctx, req: Req):
    _require_admin(ctx, req)
    sid, stock = validate.reset_body({} if req.body is MISSING else req.body)
    s = yield from domain.reset_sale(sid, stock)
    if not s:
        raise HttpError(404, "sale_not_found")
    yield CacheClear()
    yield AcceptedReset()
    return Answer(200, s)


def get_invariants(ctx: Ctx, req: Req):
    _require_admin(ctx, req)
    sid = validate.id_query(req.query, "saleId")
    inv = yield from domain.invariants(sid, (yield AcceptedCount()))
    if not inv:
        raise HttpError(404, "sale_not_found")
    return Answer(200, inv)


def post_invariants(ctx: Ctx, req: Req):
    _require_admin(ctx, req)
    sid, ids = validate.invariants_body({} if req.body is MISSING else req.body)
    inv = yield from domain.invariants(sid, (yield AcceptedCount()))
    if not inv:
        raise HttpError(404, "sale_not_found")
    missing = yield from domain.missing_orders(ids)
    return Answer(200, {**inv, "checkedOrderIds": len(ids), "missingOrderIds": missing})


# (method, path with :params as in the Node shop, handler); /metrics is the drivers' own.
ROUTES = [
    ("GET", "/healthz", healthz),
    ("GET", "/readyz", readyz),
    ("GET", "/products/:id", product),
    ("GET", "/products", products),
    ("GET", "/sale", sale),
    ("POST", "/login", login),
    ("GET", "/cart", get_cart),
    ("POST", "/cart", post_cart),
    ("POST", "/checkout", checkout),
    ("GET", "/orders/:id", order),
    ("GET", "/orders", orders),
    ("POST", "/admin/reset", admin_reset),
    ("GET", "/admin/invariants", get_invariants),
    ("POST", "/admin/invariants", post_invariants),
]


def parse_json_body(content_type: Optional[str], raw: bytes, limit: int) -> Any:
    """As express.json({ strict: true }): only application/json is parsed; objects and arrays only."""
    import json

    mime = (content_type or "").split(";")[0].strip().lower()
    if mime != "application/json":
        # every POST takes JSON: a body of another type is refused, not read as an empty one
        # (which would run /checkout or /admin/reset with their defaults) — as the Node shop
        if len(raw) > 0:
            raise HttpError(415, "unsupported_media_type")
        return MISSING
    if len(raw) > limit:
        raise HttpError(413, "body_too_large")
    if len(raw) == 0:
        return {}
    try:
        v = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "invalid_json")
    if not isinstance(v, (dict, list)):
        raise HttpError(400, "invalid_json")
    return v


UNAVAILABLE_CODES = {"57P01", "57P03", "53300"}


def json_bytes(body: Any) -> bytes:
    import json

    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
