"""The dashboard: the reports service's figures for an organisation subtree and period, as inline SVG bar
charts drawn on the server (no chart library, nothing for the CSP to allow), with XLSX/PDF exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import Response

from service.deps import SessionDep
from service.models.base import utcnow
from service.orgs import service as orgs
from service.reports import service as reports
from service.reports.period import current_half
from web.charts import BarChart, bar_chart
from web.present import labels_for
from web.render import lang_of, render, translator
from web.routing import page_router
from web.session import ReviewerUser
from web.wording import channel_namer, metric_label

router = page_router()


def _periods(now_label: str) -> list[str]:
    year, _, half = now_label.partition("-")
    y = int(year)
    return [f"{y}-H2", f"{y}-H1", f"{y}", f"{y - 1}-H2", f"{y - 1}-H1", f"{y - 1}"][1 if half == "H1" else 0:]


def charts_of(report: dict[str, Any], lang: str, channel: Callable[[str], str] = str) -> list[BarChart]:
    t = translator(lang)
    products, usage = report["products"], report["usage"]
    return [
        bar_chart("uploads-kind", t("chart_products_kind"), [(p["label"], p["count"]) for p in products["by_kind"]]),
        bar_chart("uploads-topic", t("chart_products_topic"),
                  [(p["label"], p["count"]) for p in products["by_topic"]]),
        bar_chart("downloads-channel", t("chart_usage_channel"),
                  [(channel(c["channel"]), c.get("download", 0) + c.get("api_pull", 0)) for c in usage["by_channel"]]),
        bar_chart("downloads-unit", t("chart_usage_unit"),
                  [(u["name"], u.get("download", 0) + u.get("api_pull", 0)) for u in usage["by_unit"]]),
        bar_chart("reach-kind", t("chart_reach"),
                  [(t("org_kind_" + r["kind"]), r["share_pct"]) for r in report["reach"]["by_org_kind"]], unit="%"),
        bar_chart("top-assets", t("chart_top_assets"), [(a["title"], a["count"]) for a in report["top_assets"]]),
    ]


@router.get("/bao-cao")
def dashboard(request: Request, user: ReviewerUser, session: SessionDep,
              ky: Annotated[str | None, Query(pattern=r"^\d{4}(-H[12])?$")] = None,
              don_vi: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    now_label = current_half(utcnow())
    units = orgs.list_subtree(session, user.principal, None)
    code = don_vi or units[0].code
    report = reports.report_for(session, user.principal, code, ky or now_label)
    lang = lang_of(request)
    return render(request, "dashboard.html", {
        "report": report, "charts": charts_of(report, lang, channel_namer(labels_for(session, lang))),
        "metric_label": lambda code: metric_label(code, lang), "periods": _periods(now_label), "units": units,
        "code": code, "period": report["period"]["label"]})
