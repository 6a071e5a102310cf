"""Seams between the pages and services that are still being built.

Each function names the service it stands in for. When that service lands, the function calls it
(detected by module presence) and the page follows without change. Nothing here invents data: a
missing service shows as "not available yet" on the page.
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.models import Job, Rendition, VocabularyTerm


def module_if_present(name: str) -> Any | None:
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


def service_function(module: str, *names: str) -> Callable[..., Any] | None:
    """The first of `names` defined by `module`, or None while that service does not exist."""
    found = module_if_present(module)
    for name in names:
        fn = getattr(found, name, None) if found else None
        if callable(fn):
            return fn
    return None


# --- renditions and jobs (SEAM: no rendition/job read service yet; the jobs package's readers are used) ---

def renditions_of(session: Session, version_id: uuid.UUID | None) -> list[Rendition]:
    if version_id is None:
        return []
    from service.jobs import rendition_repository

    return rendition_repository.of_version(session, version_id)


def renditions_by_version(session: Session, version_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Rendition]]:
    return {v: renditions_of(session, v) for v in version_ids}


def jobs_of(session: Session, asset_id: uuid.UUID) -> list[Job]:
    from service.jobs import repository as jobs_repo

    return jobs_repo.jobs_of_asset(session, asset_id)


def object_url(key: str, *, filename: str | None = None, content_type: str | None = None) -> str:
    """A short-lived URL for an object the caller has already been authorised to see."""
    from service.runtime import download_ttl, get_store

    ttl = download_ttl() if filename else timedelta(hours=1)
    return get_store().download_url(key, expires=ttl, filename=filename, content_type=content_type)


# --- vocabularies and organisations ---

def vocabulary_terms(session: Session, include_retired: bool = False) -> list[VocabularyTerm]:
    from service.vocab import repository as vocab_repo

    return vocab_repo.list_terms(session, include_retired=include_retired)


def org_names(session: Session, org_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    from service.orgs import repository as orgs_repo

    out: dict[uuid.UUID, str] = {}
    for org_id in org_ids:
        org = orgs_repo.get(session, org_id)
        if org:
            out[org_id] = org.name
    return out


# --- services under construction by other teams ---

def workflow() -> Any | None:
    """service/workflow (issue 5): submit/approve/request-changes/reject/withdraw, review queue."""
    return module_if_present("service.workflow.service")


def kits() -> Any | None:
    """service/kits (issue 8): collections and ZIP download."""
    return module_if_present("service.kits.service")


def reports() -> Any | None:
    """service/reports (issue 8): dashboard figures."""
    return module_if_present("service.reports.service")


def webhooks() -> Any | None:
    """service/webhooks (issue 8): subscriptions and delivery log."""
    return module_if_present("service.webhooks.service")
