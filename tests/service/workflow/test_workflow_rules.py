"""The review workflow's pure rules (service/workflow/rules.py): no HTTP, no database.

An organisation tree as materialised paths: ministry (root) → province → department → school. Each approval
after the first must come from a unit strictly above the previous approver's; an approver must leave enough
units above for the remaining levels.
"""

from __future__ import annotations

import uuid

import pytest

from service.core.errors import Forbidden
from service.identity.principal import Principal
from service.workflow.rules import ancestor_ids, check_approval_level, check_not_author, depth, may_approve

MINISTRY, PROVINCE, DEPARTMENT, SCHOOL, OTHER_PROVINCE = (uuid.uuid4() for _ in range(5))
PATHS = {
    MINISTRY: f"/{MINISTRY.hex}/",
    PROVINCE: f"/{MINISTRY.hex}/{PROVINCE.hex}/",
    DEPARTMENT: f"/{MINISTRY.hex}/{PROVINCE.hex}/{DEPARTMENT.hex}/",
    SCHOOL: f"/{MINISTRY.hex}/{PROVINCE.hex}/{DEPARTMENT.hex}/{SCHOOL.hex}/",
    OTHER_PROVINCE: f"/{MINISTRY.hex}/{OTHER_PROVINCE.hex}/",
}


def reviewer(org: uuid.UUID, *, kind: str = "user") -> Principal:
    return Principal(kind=kind, id=uuid.uuid4(), label="người duyệt", organisation_id=org,
                     organisation_path=PATHS[org], role="reviewer")


def approval(by: Principal) -> tuple[uuid.UUID | None, str]:
    return by.user_id, by.organisation_path


def refusal(call: object) -> str:
    with pytest.raises(Forbidden) as caught:
        call()  # type: ignore[operator]
    return caught.value.code


@pytest.mark.parametrize(("org", "expected"), [(MINISTRY, 0), (PROVINCE, 1), (DEPARTMENT, 2), (SCHOOL, 3)])
def test_depth_counts_units_above(org: uuid.UUID, expected: int) -> None:
    assert depth(PATHS[org]) == expected


def test_ancestor_ids_are_root_first_and_end_with_the_unit() -> None:
    assert ancestor_ids(PATHS[SCHOOL]) == [MINISTRY, PROVINCE, DEPARTMENT, SCHOOL]
    assert ancestor_ids(PATHS[MINISTRY]) == [MINISTRY]


def test_an_author_may_not_approve_their_own_version() -> None:
    author = reviewer(DEPARTMENT)
    assert refusal(lambda: check_not_author(author, None, author.user_id)) == "self_approval"
    check_not_author(author, None, uuid.uuid4())  # someone else's version


def test_an_api_client_is_never_taken_for_an_author() -> None:
    client = reviewer(DEPARTMENT, kind="client")
    check_not_author(client, None)  # user_id is None: a missing author must not match it


def test_single_level_any_reviewer_gives_level_one() -> None:
    assert check_approval_level(reviewer(SCHOOL), [], levels=1) == 1
    assert check_approval_level(reviewer(MINISTRY), [], levels=1) == 1


def test_second_level_must_come_from_strictly_above() -> None:
    first = reviewer(DEPARTMENT)
    assert check_approval_level(reviewer(PROVINCE), [approval(first)], levels=2) == 2
    assert check_approval_level(reviewer(MINISTRY), [approval(first)], levels=2) == 2  # skipping a unit is fine


@pytest.mark.parametrize("second", [DEPARTMENT, SCHOOL, OTHER_PROVINCE],
                         ids=["same-unit", "below", "sideways"])
def test_second_level_from_the_same_unit_below_or_sideways_is_refused(second: uuid.UUID) -> None:
    first = reviewer(DEPARTMENT)
    assert refusal(lambda: check_approval_level(reviewer(second), [approval(first)], levels=2)) == "approval_level"


def test_a_reviewer_approves_once() -> None:
    first = reviewer(PROVINCE)
    assert refusal(lambda: check_approval_level(first, [approval(first)], levels=3)) == "already_approved"


def test_first_approval_must_leave_units_above_for_the_remaining_levels() -> None:
    # Three levels: the first approver needs two units above it, or the asset would get stuck.
    assert check_approval_level(reviewer(DEPARTMENT), [], levels=3) == 1
    assert refusal(lambda: check_approval_level(reviewer(PROVINCE), [], levels=3)) == "approval_level"
    assert refusal(lambda: check_approval_level(reviewer(MINISTRY), [], levels=2)) == "approval_level"


def test_the_root_can_give_the_last_level() -> None:
    approvals = [approval(reviewer(DEPARTMENT)), approval(reviewer(PROVINCE))]
    assert check_approval_level(reviewer(MINISTRY), approvals, levels=3) == 3


def test_a_path_prefix_that_is_not_an_ancestor_is_not_above() -> None:
    # "/ab/" is a string prefix of "/abc/…" only without the trailing slash: the rule compares whole segments.
    parent = Principal(kind="user", id=uuid.uuid4(), label="x", organisation_id=uuid.uuid4(),
                       organisation_path="/ab/", role="reviewer")
    first: tuple[uuid.UUID | None, str] = (uuid.uuid4(), "/abc/def/")
    assert refusal(lambda: check_approval_level(parent, [first], levels=2)) == "approval_level"


def test_may_approve_combines_author_and_level_rules() -> None:
    author = reviewer(PROVINCE)
    first = reviewer(DEPARTMENT)
    assert may_approve(reviewer(PROVINCE), [approval(first)], 2, (uuid.uuid4(),))
    assert not may_approve(author, [approval(first)], 2, (author.user_id,))
    assert not may_approve(reviewer(SCHOOL), [approval(first)], 2, (uuid.uuid4(),))
