"""The flash-sale shop in Python: the same HTTP API, schema and stock decision as the Node shop.

Layout: `effects` (what the shared code asks of the outside world), `domain` and `handlers`
(the shop's logic, written once as generators that yield effects), `validate` (every input),
and per variant the driver that performs the effects — `sync_app` (Flask, SQLAlchemy over
psycopg2, blocking calls) and `async_app` (FastAPI, SQLAlchemy's asyncio pool over asyncpg,
httpx.AsyncClient). `tasks` is the Celery payment worker (sync driver).
"""
