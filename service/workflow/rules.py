"""Pure rules of the review workflow (no database): who may approve at which level.

Two-level (or n-level) approval is data: `Organisation.approval_levels` of the owner. Each approval
after the first must come from a reviewer of a unit strictly above the unit that gave the previous
one (e.g. the department, then the ministry). An approval is refused when it would leave too few units
above the approver for the remaining levels, so an asset can never get stuck half-approved.
"""

from __future__ import annotations

import uuid

from service.core.errors import Forbidden
from service.identity.principal import Principal

EDIT_STATES = ("draft", "changes_requested")
ALT_TEXT_KINDS = ("infographic", "poster")


def depth(path: str) -> int:
    """0 for a root ("/a/"), 1 for its child ("/a/b/"), …"""
    return path.count("/") - 2


def ancestor_ids(path: str) -> list[uuid.UUID]:
    """The organisation ids on a materialised path, root first (the last one is the unit itself)."""
    return [uuid.UUID(hex=part) for part in path.strip("/").split("/") if part]


def check_not_author(principal: Principal, *authors: uuid.UUID | None) -> None:
    if principal.user_id is not None and principal.user_id in authors:
        raise Forbidden("self_approval")


def check_approval_level(principal: Principal, approvals: list[tuple[uuid.UUID | None, str]], levels: int) -> int:
    """Raise unless `principal` may give the next approval; returns the level it would be (1-based)."""
    if any(actor == principal.user_id for actor, _ in approvals):
        raise Forbidden("already_approved")
    level = len(approvals) + 1
    own = principal.organisation_path
    if approvals:
        previous = approvals[-1][1]
        if previous == own or not previous.startswith(own):
            raise Forbidden("approval_level", level=level, levels=max(levels, level))
    if depth(own) < levels - level:
        raise Forbidden("approval_level", level=level, levels=levels)
    return level


def may_approve(principal: Principal, approvals: list[tuple[uuid.UUID | None, str]], levels: int,
                authors: tuple[uuid.UUID | None, ...]) -> bool:
    try:
        check_not_author(principal, *authors)
        check_approval_level(principal, approvals, levels)
    except Forbidden:
        return False
    return True
