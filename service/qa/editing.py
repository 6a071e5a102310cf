"""Item-by-item editing. Every edit writes the whole edited set as a new original (the canonical JSON
export) and makes it a new version through the workflow's new-file path, so it is re-processed and
needs review like any new version: a draft is replaced in place, a published asset keeps its live
version until a reviewer approves the pending one."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from service.assets import policy, qa_file
from service.assets import repository as assets_repo
from service.assets import service as assets
from service.assets.ingest import StoredOriginal, original_key
from service.assets.schemas import AssetPatch
from service.audit import service as audit
from service.core.errors import Conflict, KhoError, NotFound, ServiceUnavailable
from service.identity.principal import Principal
from service.jobs import service as jobs
from service.models import Asset, Version
from service.models.base import utcnow
from service.qa import items as qa_items
from service.qa import service as qa
from service.qa.schemas import QaEditOut, QaItemIn
from service.workflow import repository as workflow_repo
from service.workflow import revisions
from storage.base import ObjectStore, StorageFull, StorageUnavailable
from transcoding.qa.messages import message
from transcoding.qa.model import QaItem, QaModelError, QaSet, parse_correct
from transcoding.qa.report import preview_of
from transcoding.qa.richtext import RichText

JSON = "application/json"
Edit = Callable[[list[QaItem]], None]
Details = dict[str, int | None]


def build_item(data: QaItemIn, position: int) -> QaItem:
    """The editor's item as the model, its answer through the allow-list HTML reader, validated like an
    imported item (422 `qa_invalid_item` naming the 1-based position)."""
    answer = RichText.from_html(data.answer) if data.answer is not None else RichText.from_plain(
        data.answer_text or "")
    item = QaItem(question=data.question, answer=answer, choices=tuple(data.choices), source=data.source)
    try:
        item = replace(item, correct=parse_correct(data.correct, item.choices))
        item.validate()
    except QaModelError as exc:
        vi, en = message(exc.code, **{**exc.values, "question": preview_of(item.question)})
        raise KhoError("qa_invalid_item", status=422, position=position, reason_vi=vi, reason_en=en,
                       extra={"position": position, "item_code": exc.code}) from exc
    return item


def check_position(items: list[QaItem], position: int, *, insert: bool = False) -> int:
    """The 0-based index of a 1-based position (for an insert, one past the end is allowed)."""
    last = len(items) + (1 if insert else 0)
    if not 1 <= position <= last:
        raise KhoError("qa_no_position", status=404, position=position, count=len(items))
    return position - 1


def working_version(session: Session, asset: Asset) -> Version:
    """The version an edit builds on: the open pending version of a published asset (so edits pile up
    in one proposal), else the current one."""
    if asset.status not in ("draft", "changes_requested", "published"):
        raise Conflict("invalid_state", action="sửa câu hỏi / edit items", state=asset.status)
    current = assets_repo.get_version(session, asset.current_version_id) if asset.current_version_id else None
    if current is None:
        raise NotFound(what="phiên bản / version")
    latest = workflow_repo.latest_version(session, asset.id)
    if asset.status == "published" and latest is not None and latest.id != current.id:
        if latest.status == "in_review":
            raise Conflict("invalid_state", action="sửa câu hỏi / edit items", state="in_review")
        if latest.status in workflow_repo.OPEN_VERSION_STATUSES:
            return latest
    return current


def load_set(session: Session, store: ObjectStore, asset: Asset, version: Version) -> QaSet:
    """The version's set: from its rows once processed, else parsed from its original (the job may not
    have run yet, or — for a metadata-only revision — the rows were never copied)."""
    report = version.probe.get("import") if isinstance(version.probe, dict) else None
    rows = qa_items.items_of(session, version.id)
    if isinstance(report, dict) and rows:
        return QaSet(title=str(report.get("title") or asset.title),
                     organisation=str(report.get("organisation") or ""),
                     items=tuple(qa_items.to_model(row) for row in rows))
    return qa_file.read_stored(store, version.object_key, version.media_type, title=asset.title).qa_set


def _store_json(store: ObjectStore, asset: Asset, number: int, data: bytes) -> StoredOriginal:
    key = original_key(asset.id, number, JSON)
    try:
        if store.exists(key):  # another edit took this number a moment ago (SQLite has no row lock)
            raise Conflict(reason="another edit is being saved; try again")
        store.put(key, io.BytesIO(data), size=len(data), content_type=JSON)
    except StorageUnavailable as exc:
        raise ServiceUnavailable("storage_unavailable") from exc
    except StorageFull as exc:
        raise KhoError("storage_full", status=507) from exc
    return StoredOriginal(key=key, sha256=hashlib.sha256(data).hexdigest(), size=len(data), media_type=JSON)


def _save(session: Session, store: ObjectStore, principal: Principal, asset: Asset, base: Version, old: QaSet,
          new: QaSet, operation: str, details: Details) -> QaEditOut:
    if new == old:
        raise Conflict("qa_unchanged")
    data = new.to_json().encode("utf-8")
    qa_file.validate_upload(data, JSON)  # the processing job parses exactly these bytes
    number = revisions.next_number(session, asset)
    stored = _store_json(store, asset, number, data)
    filename = f"{Path(base.original_filename).stem or 'bo-cau-hoi'}.json"
    try:
        version = revisions.add_file_version(session, store, principal, asset, stored, filename, AssetPatch(),
                                             number)
    except BaseException:
        store.delete(stored.key)  # before the version row owns the bytes (afterwards on_rollback covers it)
        raise
    audit.record(session, "qa.items_edited", "asset", asset.id, actor=principal, operation=operation,
                 version=version.number, base_version=base.number, count=len(new.items), details=details)
    live = assets_repo.get_version(session, asset.current_version_id) if asset.current_version_id else None
    return QaEditOut(asset_id=asset.id, asset_status=asset.status, version=qa.version_ref(version),
                     live_version=qa.version_ref(live) if live and live.id != version.id else None,
                     job_id=jobs.process_job_id(version.id), count=len(new.items),
                     items=[qa_items.to_out(i, item) for i, item in enumerate(new.items, 1)])


def edit(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID, operation: str,
         change: Edit, details: Details) -> QaEditOut:
    """Lock the asset, check the editor, apply `change` to the working version's items, save."""
    asset = workflow_repo.get_asset_for_update(session, asset_id, policy.visible_filter(principal, utcnow()))
    if asset is None:
        raise NotFound(what="tài nguyên / asset")
    assets.require_editable(session, principal, asset)
    qa.require_qa_set(asset)
    base = working_version(session, asset)
    old = load_set(session, store, asset, base)
    items = list(old.items)
    change(items)
    return _save(session, store, principal, asset, base, old, replace(old, items=tuple(items)), operation, details)


def update_item(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID, position: int,
                data: QaItemIn) -> QaEditOut:
    def change(items: list[QaItem]) -> None:
        items[check_position(items, position)] = build_item(data, position)

    return edit(session, store, principal, asset_id, "update", change, {"position": position})


def insert_item(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID, position: int | None,
                data: QaItemIn) -> QaEditOut:
    def change(items: list[QaItem]) -> None:
        at = len(items) + 1 if position is None else position
        items.insert(check_position(items, at, insert=True), build_item(data, at))

    return edit(session, store, principal, asset_id, "insert", change, {"position": position})


def delete_item(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID,
                position: int) -> QaEditOut:
    def change(items: list[QaItem]) -> None:
        index = check_position(items, position)
        if len(items) == 1:
            raise Conflict("qa_last_item")
        del items[index]

    return edit(session, store, principal, asset_id, "delete", change, {"position": position})


def reorder_items(session: Session, store: ObjectStore, principal: Principal, asset_id: uuid.UUID,
                  order: list[int]) -> QaEditOut:
    def change(items: list[QaItem]) -> None:
        if sorted(order) != list(range(1, len(items) + 1)):
            raise KhoError("qa_bad_order", status=422, count=len(items))
        items[:] = [items[p - 1] for p in order]

    return edit(session, store, principal, asset_id, "reorder", change, {})
