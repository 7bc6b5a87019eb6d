"""orders-api: a FastAPI service. Run with `opentelemetry-instrument uvicorn app.main:app`."""
from fastapi import FastAPI, HTTPException

from . import auth, reports
from .repository import OrderRepository, get_pool

app = FastAPI(title="orders-api")


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/users/{user_id}/orders")
async def get_user_orders(user_id: int):
    repo = OrderRepository(await get_pool())
    orders = await repo.list_orders(user_id)
    return {"user": user_id, "orders": orders}


@app.post("/token")
async def create_token(form: auth.LoginForm):
    token = await auth.issue_token(form.username, form.password)
    if token is None:
        raise HTTPException(status_code=401, detail="bad credentials")
    return {"access_token": token, "token_type": "bearer"}


@app.get("/reports/{report_id}")
async def get_report(report_id: int):
    return await reports.build_report(report_id)
