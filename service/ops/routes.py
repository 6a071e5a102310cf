"""Prometheus scrape endpoint (left out of the OpenAPI schema: it is for the monitoring system)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from service.ops import metrics

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics() -> Response:
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
