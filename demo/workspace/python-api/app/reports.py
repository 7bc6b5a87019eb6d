"""Reports: some stored reports have no region, and building them fails with KeyError."""
from opentelemetry import trace

tracer = trace.get_tracer(__name__)

REPORTS = {n: {"id": n, "rows": n % 7, "region": "emea"} for n in range(1, 200)}


def summarize(report: dict) -> dict:
    return {"id": report["id"], "rows": report["rows"], "region": report["region"].upper()}


async def build_report(report_id: int):
    with tracer.start_as_current_span("build_report"):
        report = dict(REPORTS.get(report_id, {"id": report_id, "rows": 0}))
        return summarize(report)
