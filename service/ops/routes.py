"""Prometheus scrape endpoint (left out of the OpenAPI schema: it is for the monitoring system)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from service.core.runtime import Runtime, runtime_of
from service.ops import metrics

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics(rt: Annotated[Runtime, Depends(runtime_of)]) -> Response:
    return Response(metrics.render(rt), media_type=CONTENT_TYPE_LATEST)
