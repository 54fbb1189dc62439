"""Every input the shop accepts, checked as target-app/http/schemas.ts checks it (zod there).

Anything else is answered 400 `{"error": "invalid_input", "details": {"where", "issues": [{"path",
"message"}]}}` before it reaches the database. JSON numbers must be numbers (a string "7" is not
an id), booleans are not numbers, unknown body keys are refused, query strings are digits only.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from .domain import CART_QUANTITY_MAX, PAGE_SIZE_MAX

PG_INT_MAX = 2_147_483_647
_DIGITS = re.compile(r"^[0-9]{1,10}$")
_PAGE_SIZE = re.compile(r"^[0-9]{1,3}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]+$")
_IDEM = re.compile(r"^[A-Za-z0-9_.:-]+$")
_UUID = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$")


class HttpError(Exception):
    def __init__(self, status: int, code: str, details: Any = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.details = details

    def body(self) -> dict:
        return {"error": self.code, **({"details": self.details} if self.details else {})}


class _Issues:
    def __init__(self, where: str):
        self.where = where
        self.issues: List[dict] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append({"path": path, "message": message})

    def check(self) -> None:
        if self.issues:
            raise HttpError(400, "invalid_input", {"where": self.where, "issues": self.issues[:5]})


def _is_int(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    return isinstance(v, float) and v.is_integer()


def _body_int(iss: _Issues, obj: dict, key: str, lo: int, hi: int, default: Optional[int], required: bool = True) -> Optional[int]:
    if key not in obj:
        if default is None and required:
            iss.add(key, "Invalid input: expected number, received undefined")
        return default
    v = obj[key]
    if not _is_int(v):
        iss.add(key, f"Invalid input: expected {'int' if isinstance(v, float) else 'number'}, received {_kind(v)}")
        return None
    v = int(v)
    if v < lo:
        iss.add(key, f"Too small: expected number to be >={lo}")
    elif v > hi:
        iss.add(key, f"Too big: expected number to be <={hi}")
    return v


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _object(iss: _Issues, body: Any, allowed: tuple, strict: bool = True) -> dict:
    if not isinstance(body, dict):
        iss.add("", f"Invalid input: expected object, received {'undefined' if body is _MISSING else _kind(body)}")
        iss.check()
    extra = [k for k in body if k not in allowed]
    if strict and extra:
        iss.add("", f"Unrecognized key{'s' if len(extra) > 1 else ''}: {', '.join(repr(k) for k in extra)}")
    return body


class _Missing:
    pass


_MISSING = _Missing()
MISSING = _MISSING  # no JSON body was sent (the Node shop sees `undefined`)


def _query_one(iss: _Issues, query: Dict[str, List[str]], key: str) -> Optional[str]:
    vals = query.get(key)
    if not vals:
        return None
    if len(vals) > 1:
        iss.add(key, "Invalid input: expected string, received array")
        return None
    return vals[0]


def _digits(iss: _Issues, raw: Optional[str], key: str, default: Optional[int], lo: int = 1, hi: int = PG_INT_MAX, pattern=_DIGITS) -> Optional[int]:
    if raw is None:
        return default
    if not pattern.match(raw):
        iss.add(key, "expected a positive integer")
        return None
    v = int(raw)
    if v < lo:
        iss.add(key, f"Too small: expected number to be >={lo}")
    elif v > hi:
        iss.add(key, f"Too big: expected number to be <={hi}")
    return v


def path_id(raw: str) -> int:
    iss = _Issues("path")
    v = _digits(iss, raw, "id", None)
    iss.check()
    return v  # type: ignore[return-value]


def order_id(raw: str) -> str:
    iss = _Issues("path")
    if not _UUID.match(raw):
        iss.add("id", "Invalid UUID")
    iss.check()
    return raw


def product_list_query(query: Dict[str, List[str]]) -> tuple:
    iss = _Issues("query")
    page = _digits(iss, _query_one(iss, query, "page"), "page", 1)
    size = _digits(iss, _query_one(iss, query, "pageSize"), "pageSize", 20, 1, PAGE_SIZE_MAX, _PAGE_SIZE)
    iss.check()
    return page, size


def id_query(query: Dict[str, List[str]], key: str) -> int:
    iss = _Issues("query")
    v = _digits(iss, _query_one(iss, query, key), key, 1)
    iss.check()
    return v  # type: ignore[return-value]


def login_body(body: Any) -> str:
    iss = _Issues("body")
    o = _object(iss, body, ("username",))
    u = o.get("username", _MISSING)
    if not isinstance(u, str):
        iss.add("username", f"Invalid input: expected string, received {'undefined' if u is _MISSING else _kind(u)}")
    elif len(u) < 1:
        iss.add("username", "Too small: expected string to have >=1 characters")
    elif len(u) > 64:
        iss.add("username", "Too big: expected string to have <=64 characters")
    elif not _USERNAME.match(u):
        iss.add("username", "letters, digits and _ . @ - only")
    iss.check()
    return u  # type: ignore[return-value]


def cart_body(body: Any) -> tuple:
    iss = _Issues("body")
    o = _object(iss, body, ("productId", "quantity"))
    pid = _body_int(iss, o, "productId", 1, PG_INT_MAX, None)
    qty = _body_int(iss, o, "quantity", 1, CART_QUANTITY_MAX, 1)
    iss.check()
    return pid, qty


def checkout_body(body: Any) -> int:
    iss = _Issues("body")
    o = _object(iss, body, ("saleId",))
    sid = _body_int(iss, o, "saleId", 1, PG_INT_MAX, 1)
    iss.check()
    return sid  # type: ignore[return-value]


def idempotency_key(raw: Optional[str]) -> Optional[str]:
    if raw is None:
        return None
    iss = _Issues("Idempotency-Key header")
    if len(raw) < 1:
        iss.add("", "Too small: expected string to have >=1 characters")
    elif len(raw) > 200:
        iss.add("", "Too big: expected string to have <=200 characters")
    elif not _IDEM.match(raw):
        iss.add("", "letters, digits and _ . : - only")
    iss.check()
    return raw


def reset_body(body: Any) -> tuple:
    iss = _Issues("body")
    o = _object(iss, body, ("saleId", "stock"))
    sid = _body_int(iss, o, "saleId", 1, PG_INT_MAX, 1)
    stock = _body_int(iss, o, "stock", 0, 10_000_000, None, required=False)
    iss.check()
    return sid, stock


def invariants_body(body: Any) -> tuple:
    iss = _Issues("body")
    o = _object(iss, body, ("saleId", "orderIds"))
    sid = _body_int(iss, o, "saleId", 1, PG_INT_MAX, 1)
    ids = o.get("orderIds", [])
    if not isinstance(ids, list):
        iss.add("orderIds", f"Invalid input: expected array, received {_kind(ids)}")
    elif len(ids) > 1_000_000:
        iss.add("orderIds", "Too big: expected array to have <=1000000 items")
    else:
        for i, x in enumerate(ids):
            if not isinstance(x, str) or not _UUID.match(x):
                iss.add(f"orderIds.{i}", "Invalid UUID")
                if len(iss.issues) >= 5:
                    break
    iss.check()
    return sid, ids
