"""The organisation tree. Admins manage their own unit and everything below it, nothing above or beside."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from service.audit import service as audit
from service.core.errors import Conflict, Forbidden, KhoError, NotFound
from service.identity.principal import Principal
from service.inputs.text import find_control
from service.models import Organisation
from service.models.org import ORG_KINDS
from service.orgs import repository


def in_subtree(ancestor_path: str, org_path: str) -> bool:
    return org_path.startswith(ancestor_path)


def get_or_404(session: Session, org_id: uuid.UUID) -> Organisation:
    org = repository.get(session, org_id)
    if not org:
        raise NotFound(what="đơn vị / organisation")
    return org


def require_manageable(session: Session, principal: Principal, org_id: uuid.UUID) -> Organisation:
    org = get_or_404(session, org_id)
    if principal.role != "admin" or not in_subtree(principal.organisation_path, org.path):
        raise Forbidden()
    return org


def create(session: Session, *, code: str, name: str, kind: str, parent_code: str | None = None,
           name_en: str | None = None, approval_levels: int = 1) -> Organisation:
    if kind not in ORG_KINDS:
        raise KhoError("validation_failed", reason=f"kind must be one of {', '.join(ORG_KINDS)}")
    if repository.by_code(session, code):
        raise Conflict(reason=f"organisation code {code} exists")
    parent = None
    if parent_code:
        parent = repository.by_code(session, parent_code)
        if not parent:
            raise KhoError("validation_failed", reason=f"unknown parent code {parent_code}")
    org_id = uuid.uuid4()
    path = f"{parent.path if parent else '/'}{org_id.hex}/"
    org = Organisation(id=org_id, code=code, name=name, name_en=name_en, kind=kind,
                       parent_id=parent.id if parent else None, path=path, approval_levels=approval_levels)
    repository.add(session, org)
    return org


def create_child(session: Session, principal: Principal, *, code: str, name: str, kind: str,
                 parent_id: uuid.UUID | None, name_en: str | None = None, approval_levels: int = 1) -> Organisation:
    """An admin adds a unit under their own unit or anywhere below it (never a new root)."""
    parent = require_manageable(session, principal, parent_id or principal.organisation_id)
    org = create(session, code=code, name=name, kind=kind, parent_code=parent.code, name_en=name_en,
                 approval_levels=approval_levels)
    audit.record(session, "organisation.created", "organisation", org.id, actor=principal, code=code,
                 parent=parent.code, kind=kind, approval_levels=approval_levels)
    return org


def update(session: Session, principal: Principal, org_id: uuid.UUID, changes: dict[str, Any]) -> Organisation:
    org = require_manageable(session, principal, org_id)
    before = {k: getattr(org, k) for k in changes}
    for key, value in changes.items():
        if value is not None:
            setattr(org, key, value)
    repository.add(session, org)
    # approval_levels decides who must sign off: a permission change, audited with before/after.
    audit.record(session, "organisation.updated", "organisation", org.id, actor=principal,
                 before=before, after={k: getattr(org, k) for k in changes})
    return org


def list_subtree(session: Session, principal: Principal, under: uuid.UUID | None) -> list[Organisation]:
    root = get_or_404(session, under) if under else get_or_404(session, principal.organisation_id)
    return repository.subtree(session, root.path)


IMPORT_COLUMNS = ("code", "name", "parent_code", "kind")
MAX_IMPORT_ROWS = 20000
_CODE_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass
class ImportResult:
    rows: list[dict[str, Any]]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r["status"] == status)


def _read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise KhoError("invalid_csv", status=422, reason=f"missing columns: {', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        rows.append((number, {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in raw.items() if k}))
        if len(rows) > MAX_IMPORT_ROWS:
            raise KhoError("invalid_csv", status=422, reason=f"more than {MAX_IMPORT_ROWS} rows")
    return rows


def _row_problem(row: dict[str, str]) -> str | None:
    if (found := find_control(row)) is not None:  # the rule of every other way in (service/inputs)
        return f"control character U+{ord(found[1]):04X} in column {found[0][0]}"
    if not _CODE_OK.match(row.get("code", "")):
        return "invalid code"
    if not row.get("name") or len(row["name"]) > 300:
        return "name is required (at most 300 characters)"
    if row.get("kind") not in ORG_KINDS:
        return f"kind must be one of {', '.join(ORG_KINDS)}"
    if not row.get("parent_code"):
        return "parent_code is required (new top-level units are not imported)"
    levels = row.get("approval_levels") or "1"
    if not levels.isdigit() or not 1 <= int(levels) <= 5:
        return "approval_levels must be 1-5"
    return None


def import_csv(session: Session, principal: Principal, text: str, *, dry_run: bool = False) -> ImportResult:
    """Create units from CSV (code, name, parent_code, kind[, name_en, approval_levels]) under the admin's
    subtree. Parents may appear later in the file. Every row gets a status; a bad row never stops the rest."""
    rows = _read_csv(text)
    report: dict[int, dict[str, Any]] = {}
    known = {o.code: o.path for o in repository.by_codes(
        session, list({r[k] for _, r in rows for k in ("code", "parent_code") if r.get(k)})).values()}
    in_file = [r["code"] for _, r in rows]
    pending = []
    for number, row in rows:
        code = row.get("code", "")
        problem = _row_problem(row)
        if problem is None and in_file.count(code) > 1:
            problem = "code appears more than once in the file"
        if problem is None and code in known:
            report[number] = {"row": number, "code": code, "status": "exists"}
            continue
        if problem:
            report[number] = {"row": number, "code": code, "status": "error", "error": problem}
        else:
            pending.append((number, row))
    while pending:
        waiting = []
        for number, row in pending:
            parent_path = known.get(row["parent_code"])
            if parent_path is None:
                waiting.append((number, row))
                continue
            report[number] = _import_row(session, principal, number, row, parent_path, known, dry_run)
        if len(waiting) == len(pending):
            for number, row in waiting:
                report[number] = {"row": number, "code": row["code"], "status": "error",
                                  "error": f"unknown parent code {row['parent_code']}"}
            break
        pending = waiting
    result = ImportResult([report[n] for n in sorted(report)])
    if not dry_run:
        audit.record(session, "organisation.imported", "organisation", principal.organisation_id, actor=principal,
                     created=[r["code"] for r in result.rows if r["status"] == "created"][:1000],
                     errors=result.count("error"))
    return result


def _import_row(session: Session, principal: Principal, number: int, row: dict[str, str], parent_path: str,
                known: dict[str, str], dry_run: bool) -> dict[str, Any]:
    code = row["code"]
    if not in_subtree(principal.organisation_path, parent_path):
        known[code] = "/outside/"  # its own children are outside too
        return {"row": number, "code": code, "status": "error", "error": "parent is outside your subtree"}
    if dry_run:
        known[code] = f"{parent_path}{uuid.uuid4().hex}/"
        return {"row": number, "code": code, "status": "created"}
    org = create(session, code=code, name=row["name"], kind=row["kind"], parent_code=row["parent_code"],
                 name_en=row.get("name_en") or None, approval_levels=int(row.get("approval_levels") or 1))
    known[code] = org.path
    return {"row": number, "code": code, "status": "created", "id": org.id}


# Reads the web pages show, offered here so that web/ calls services only (never a repository).
by_codes = repository.by_codes
