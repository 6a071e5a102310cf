"""The dashboard: the reports service's figures for an organisation subtree and period, as inline SVG bar
charts drawn on the server by the reports' one chart renderer (the PDF embeds the same SVG; nothing for the
CSP to allow), with XLSX/PDF exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from markupsafe import Markup
from starlette.responses import Response

from service.http.deps import SessionDep
from service.models.base import utcnow
from service.orgs import service as orgs
from service.reports import service as reports
from service.reports.charts import report_charts, svg
from service.reports.period import current_half
from web.present import labels_for
from web.render import lang_of, render
from web.routing import page_router
from web.session import ReviewerUser
from web.wording import channel_namer, metric_label

router = page_router()


def _periods(now_label: str) -> list[str]:
    year, _, half = now_label.partition("-")
    y = int(year)
    return [f"{y}-H2", f"{y}-H1", f"{y}", f"{y - 1}-H2", f"{y - 1}-H1", f"{y - 1}"][1 if half == "H1" else 0:]


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
        "report": report, "charts": report_charts(report, lang, channel_namer(labels_for(session, lang))),
        "chart_svg": lambda chart: Markup(svg(chart)),  # noqa: S704 - built as an element tree: escaped
        "metric_label": lambda code: metric_label(code, lang), "periods": _periods(now_label), "units": units,
        "code": code, "period": report["period"]["label"]})
