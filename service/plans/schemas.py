from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

TaskStatus = Literal["not_started", "in_progress", "done", "overdue"]
Measure = Literal["products_published", "contact_share", "active_schools_share", "staff_reached_share", "declared"]


class PlanIn(BaseModel):
    organisation_code: str | None = Field(None, max_length=64)
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=500)
    number: str = Field("", max_length=100)
    issued_on: date | None = None
    parent_plan_id: uuid.UUID | None = None


class PlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    year: int
    title: str
    number: str
    issued_on: date | None
    reference: str  # "255/KH-BGDĐT ngày 11/02/2026"
    parent_plan_id: uuid.UUID | None
    document_name: str | None
    checkpoints: list[str]


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=5000)
    position: str = Field("", max_length=32)
    lead_unit: str = Field("", max_length=300)
    lead_organisation_code: str | None = Field(None, max_length=64)
    partner_units: list[str] = Field(default_factory=list, max_length=50)
    expected_product: str = Field("", max_length=5000)
    timing: str = Field("", max_length=200)
    due_on: date | None = None


class TaskPatch(BaseModel):
    status: TaskStatus | None = None
    note: str | None = Field(None, max_length=5000)
    due_on: date | None = None
    link_asset_id: uuid.UUID | None = None


class TaskOut(BaseModel):
    id: uuid.UUID
    plan_id: uuid.UUID
    position: str
    section: str
    title: str
    lead_unit: str
    lead_org_id: uuid.UUID | None
    partner_units: list[str]
    expected_product: str
    timing: str
    due_on: date | None
    recurrence: str | None
    status: str
    asset_ids: list[uuid.UUID] = []


class ImportRowOut(BaseModel):
    row: int
    position: str
    title: str
    timing: str
    due_on: date | None
    recurrence: str | None
    problems: list[str]


class ImportOut(BaseModel):
    created: int
    rows: list[ImportRowOut]


class TargetIn(BaseModel):
    template_code: str | None = Field(None, max_length=64)
    code: str | None = Field(None, max_length=64)
    label: str | None = Field(None, max_length=2000)
    unit_of_measure: str = Field("", max_length=64)
    value: float | None = Field(None, ge=0)
    value_max: float | None = Field(None, ge=0)
    is_percent: bool = False
    period: Literal["year", "half"] = "year"
    applies_to: Literal["self", "children"] = "self"
    child_kind: str | None = Field(None, max_length=32)
    measure: Measure | None = None


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    plan_id: uuid.UUID | None
    code: str
    label: str
    unit_of_measure: str
    value: float
    value_max: float | None
    is_percent: bool
    period: str
    applies_to: str
    child_kind: str | None
    measure: str
    source: str


class DeclarationIn(BaseModel):
    organisation_code: str | None = Field(None, max_length=64)
    period: str = Field(pattern=r"^\d{4}(-H[12])?$")
    achieved: float = Field(ge=0)
    total: float | None = Field(None, gt=0)
    note: str = Field("", max_length=5000)


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    organisation_id: uuid.UUID
    asset_id: uuid.UUID | None
    channel: str
    used_on: date
    post_url: str | None
    views: int | None
    listeners: int | None
    copies: int | None
    staff_reached: int | None
    note: str
    has_image: bool
    review: str
    review_note: str | None
    created_at: datetime


class EvidencePatch(BaseModel):
    channel: str | None = Field(None, max_length=64)
    used_on: date | None = None
    post_url: HttpUrl | None = None
    views: int | None = Field(None, ge=0)
    listeners: int | None = Field(None, ge=0)
    copies: int | None = Field(None, ge=0)
    staff_reached: int | None = Field(None, ge=0)
    note: str | None = Field(None, max_length=5000)


class ReviewIn(BaseModel):
    decision: Literal["accepted", "returned"]
    note: str = Field("", max_length=5000)


class ContactIn(BaseModel):
    full_name: str = Field(min_length=1, max_length=200)
    position: str = Field("", max_length=200)
    phone: str = Field("", max_length=40, pattern=r"^[0-9 +().-]*$")
    email: str = Field("", max_length=320, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactOut(ContactIn):
    model_config = ConfigDict(from_attributes=True)
    organisation_id: uuid.UUID
    role: str


class ProfileIn(BaseModel):
    staff_count: int | None = Field(None, ge=0, le=10_000_000)


class LinesIn(BaseModel):
    reports_to: list[str] = Field(max_length=10)


class LinesOut(BaseModel):
    organisation_code: str
    reports_to: list[str]
    reporters: list[str]


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    author_id: uuid.UUID | None
    text: str
    status: str | None
    at: datetime
