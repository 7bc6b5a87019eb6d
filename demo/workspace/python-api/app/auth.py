"""Login: the password hash is deliberately expensive, and it dominates POST /token."""
import secrets

from opentelemetry import trace
from passlib.hash import bcrypt
from pydantic import BaseModel

from .repository import OrderRepository, get_pool

tracer = trace.get_tracer(__name__)


class LoginForm(BaseModel):
    username: str
    password: str


def verify_password(password: str, password_hash: str) -> bool:
    with tracer.start_as_current_span("verify_password"):
        return bcrypt.using(rounds=14).verify(password, password_hash)


async def issue_token(username: str, password: str):
    with tracer.start_as_current_span("issue_token"):
        repo = OrderRepository(await get_pool())
        user = await repo.find_user(username)
        if user is None or not verify_password(password, user["password_hash"]):
            return None
        return secrets.token_urlsafe(32)
