"""Who may see and act on which asset (service/assets/policy.py), checked without HTTP or a database.

The SQL filters are exercised by the API tests; here are the Python rules the pages and routes call on one
asset: workspace, edit, review and which version is public.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.assets.policy import can_edit, can_review, in_workspace, version_visible
from service.identity.principal import Principal
from service.models import Asset, Version

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PROVINCE, DEPARTMENT, SCHOOL, NEIGHBOUR = (uuid.uuid4() for _ in range(4))
PATHS = {
    PROVINCE: f"/{PROVINCE.hex}/",
    DEPARTMENT: f"/{PROVINCE.hex}/{DEPARTMENT.hex}/",
    SCHOOL: f"/{PROVINCE.hex}/{DEPARTMENT.hex}/{SCHOOL.hex}/",
    NEIGHBOUR: f"/{PROVINCE.hex}/{NEIGHBOUR.hex}/",
}


def who(role: str, org: uuid.UUID, kind: str = "user") -> Principal:
    return Principal(kind=kind, id=uuid.uuid4(), label=role, organisation_id=org, organisation_path=PATHS[org],
                     role=role, scopes=frozenset({"assets:read"}))


def asset(owner: uuid.UUID, status: str = "published", **when: datetime | None) -> tuple[Asset, Version]:
    version = Version(id=uuid.uuid4())
    item = Asset(id=uuid.uuid4(), owner_org_id=owner, status=status, current_version_id=version.id,
                 publish_at=when.get("publish_at"), expires_at=when.get("expires_at"))
    return item, version


@pytest.mark.parametrize(("role", "org", "expected"), [
    ("producer", SCHOOL, True),  # its own unit
    ("producer", DEPARTMENT, False),  # a producer's workspace is its unit only, not the subtree
    ("reviewer", DEPARTMENT, True),
    ("admin", PROVINCE, True),
    ("reviewer", NEIGHBOUR, False),  # a sibling unit
    ("staff", SCHOOL, False),  # staff have no workspace, even in their own unit
])
def test_workspace(role: str, org: uuid.UUID, expected: bool) -> None:
    assert in_workspace(who(role, org), SCHOOL, PATHS[SCHOOL]) is expected


def test_an_api_client_has_no_workspace_even_in_its_unit() -> None:
    assert not in_workspace(who("client", SCHOOL, kind="client"), SCHOOL, PATHS[SCHOOL])


def test_a_path_that_only_shares_a_text_prefix_is_not_the_subtree() -> None:
    short = uuid.UUID(int=0xAB)
    principal = Principal(kind="user", id=uuid.uuid4(), label="x", organisation_id=short,
                          organisation_path="/ab/", role="reviewer")
    assert not in_workspace(principal, uuid.uuid4(), "/abc/")
    assert not can_review(principal, "/abc/")
    assert can_review(principal, "/ab/cd/")


@pytest.mark.parametrize(("role", "org", "expected"), [
    ("producer", SCHOOL, True),
    ("producer", NEIGHBOUR, False),
    ("producer", DEPARTMENT, False),  # producers edit their own unit's assets only
    ("admin", DEPARTMENT, True),  # admins edit their subtree's
    ("admin", NEIGHBOUR, False),
    ("reviewer", DEPARTMENT, False),  # reviewers review, they do not edit
    ("staff", SCHOOL, False),
])
def test_edit(role: str, org: uuid.UUID, expected: bool) -> None:
    item, _ = asset(SCHOOL)
    assert can_edit(who(role, org), item, PATHS[SCHOOL]) is expected


def test_an_api_client_never_edits() -> None:
    item, _ = asset(SCHOOL)
    assert not can_edit(who("producer", SCHOOL, kind="client"), item, PATHS[SCHOOL])


@pytest.mark.parametrize(("role", "org", "expected"), [
    ("reviewer", DEPARTMENT, True),
    ("reviewer", SCHOOL, True),  # its own unit's assets
    ("admin", PROVINCE, True),
    ("reviewer", NEIGHBOUR, False),
    ("producer", SCHOOL, False),
    ("staff", PROVINCE, False),
])
def test_review(role: str, org: uuid.UUID, expected: bool) -> None:
    assert can_review(who(role, org), PATHS[SCHOOL]) is expected


def test_the_live_version_is_public_to_anyone() -> None:
    item, version = asset(SCHOOL)
    assert version_visible(who("staff", NEIGHBOUR), item, version, PATHS[SCHOOL], NOW)


def test_another_version_of_a_live_asset_stays_in_the_workspace() -> None:
    item, _ = asset(SCHOOL)
    pending = Version(id=uuid.uuid4())
    assert not version_visible(who("staff", SCHOOL), item, pending, PATHS[SCHOOL], NOW)
    assert version_visible(who("reviewer", DEPARTMENT), item, pending, PATHS[SCHOOL], NOW)


@pytest.mark.parametrize("when", [
    {"publish_at": NOW + timedelta(seconds=1)},  # embargoed until a second from now
    {"expires_at": NOW},  # expiry is exclusive: gone at the instant
    {"expires_at": NOW - timedelta(days=1)},
], ids=["embargo", "expires-now", "expired"])
def test_outside_the_window_even_the_current_version_is_private(when: dict[str, datetime]) -> None:
    item, version = asset(SCHOOL, **when)
    assert not version_visible(who("staff", SCHOOL), item, version, PATHS[SCHOOL], NOW)
    assert version_visible(who("producer", SCHOOL), item, version, PATHS[SCHOOL], NOW)


def test_the_window_bounds() -> None:
    item, version = asset(SCHOOL, publish_at=NOW, expires_at=NOW + timedelta(seconds=1))
    assert version_visible(who("staff", NEIGHBOUR), item, version, PATHS[SCHOOL], NOW)  # publish_at inclusive


@pytest.mark.parametrize("status", ["draft", "in_review", "changes_requested", "approved", "withdrawn", "superseded"])
def test_an_unpublished_asset_shows_no_version_outside_the_workspace(status: str) -> None:
    item, version = asset(SCHOOL, status=status)
    assert not version_visible(who("staff", SCHOOL), item, version, PATHS[SCHOOL], NOW)
