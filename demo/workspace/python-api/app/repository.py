"""Data access. Each method opens a span; asyncpg's instrumentation adds one span per query."""
import asyncpg
from opentelemetry import trace

tracer = trace.get_tracer(__name__)
_pool = None


async def get_pool():
    global _pool
    if _pool is None:
        _pool = await asyncpg.create_pool(dsn="postgresql://orders@localhost/orders")
    return _pool


class OrderRepository:
    def __init__(self, pool):
        self.pool = pool

    async def list_orders(self, user_id: int):
        with tracer.start_as_current_span("load_orders"):
            orders = await self.pool.fetch("SELECT id, total FROM orders WHERE user_id = $1", user_id)
            result = []
            for order in orders:
                # N+1: one query per order instead of one join
                items = await self.pool.fetch("SELECT sku, qty FROM order_items WHERE order_id = $1", order["id"])
                result.append({"id": order["id"], "total": order["total"], "items": [dict(i) for i in items]})
            return result

    async def find_user(self, username: str):
        with tracer.start_as_current_span("find_user"):
            return await self.pool.fetchrow("SELECT id, password_hash FROM users WHERE name = $1", username)
