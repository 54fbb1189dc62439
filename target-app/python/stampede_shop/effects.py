"""Effects: what the shared shop logic asks the outside world to do.

The domain and the HTTP handlers are generators that `yield` one of these and receive its
result, so the same code runs under a blocking driver (Flask / Gunicorn / Celery) and an
asyncio one (FastAPI / Uvicorn): each driver performs an effect its own way — psycopg2 or
asyncpg, redis-py or redis.asyncio, httpx.Client or httpx.AsyncClient. A failure is thrown
back into the generator at the yield, so `try/except` around a `yield` works as expected.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional, Sequence


class UniqueViolation(Exception):
    """SQLSTATE 23505, with the constraint's name, whichever driver raised it."""

    def __init__(self, constraint: Optional[str]):
        super().__init__(f"unique violation on {constraint}")
        self.constraint = constraint


class Unavailable(Exception):
    """A dependency (database, Redis, broker) did not answer: the request is answered 503."""


@dataclass(frozen=True)
class Query:
    """One SQL statement with PostgreSQL-style `$n` parameters; the result is a list of dict rows.

    `db`: "primary", or "read" for the reads a replica may serve (products, a user's order
    history — as the Node shop's target-app/db/routing.ts); without a replica both are the primary.
    """

    sql: str
    params: Sequence[Any] = ()
    db: str = "primary"


@dataclass(frozen=True)
class Pay:
    """The call to the payment provider; the result is (outcome, milliseconds)."""

    order_id: str
    amount_cents: int


@dataclass(frozen=True)
class CacheGet:
    key: str


@dataclass(frozen=True)
class CacheSet:
    key: str
    value: Any


@dataclass(frozen=True)
class CacheInvalidate:
    keys: Sequence[str]


@dataclass(frozen=True)
class CacheClear:
    pass


@dataclass(frozen=True)
class SessionGet:
    token: str


@dataclass(frozen=True)
class SessionCreate:
    session: dict


@dataclass(frozen=True)
class Enqueue:
    """Queue the payment of a reserved order (Celery); raises when the broker refuses it."""

    job: dict


@dataclass(frozen=True)
class Readiness:
    """{dependency: None if ok else what is wrong}"""


Effect = Any
Program = Generator[Effect, Any, Any]


def run_sync(program: Program, perform: Callable[[Effect], Any]) -> Any:
    """Drives a program with a blocking `perform`."""
    try:
        effect = next(program)
        while True:
            try:
                result = perform(effect)
            except BaseException as e:  # thrown back into the program at its yield
                effect = program.throw(e)
            else:
                effect = program.send(result)
    except StopIteration as stop:
        return stop.value


async def run_async(program: Program, perform: Callable[[Effect], Any]) -> Any:
    """Drives a program with an awaitable `perform`."""
    try:
        effect = next(program)
        while True:
            try:
                result = await perform(effect)
            except BaseException as e:
                effect = program.throw(e)
            else:
                effect = program.send(result)
    except StopIteration as stop:
        return stop.value


@dataclass(frozen=True)
class AcceptedCount:
    """The shop's count of checkouts answered 2xx/202 since the last reset."""


@dataclass(frozen=True)
class AcceptedReset:
    pass
