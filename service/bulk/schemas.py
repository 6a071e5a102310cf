from __future__ import annotations

from pydantic import BaseModel


class ImportRowOut(BaseModel):
    row: int
    file: str
    status: str
    asset_id: str | None = None
    code: str | None = None
    detail: str | None = None


class ImportReportOut(BaseModel):
    total: int
    created: int
    duplicates: int
    failed: int
    rows: list[ImportRowOut]
    unlisted: list[str]
