"""Who is told of an event, from roles, the organisation tree and usage records."""

from __future__ import annotations

import re
import uuid

from sqlalchemy.orm import Session

from service.assets import policy
from service.identity.principal import Principal
from service.identity.tokens import principal_for_user
from service.models import Asset, Organisation, User
from service.notifications import repository
from service.plans import access

# A unit that speaks for a wider scope than its own subtree: the Ministry's offices speak for the whole
# sector; a Sở GDĐT for its province (whose wards and schools sit under the People's Committee).
SPEAKS_FOR_PARENT = {"ministry_unit": "ministry", "department": "province"}


def scope_path(owner: Organisation, parent: Organisation | None) -> str:
    """The subtree an urgent rebuttal of `owner` reaches."""
    if parent is not None and SPEAKS_FOR_PARENT.get(owner.kind) == parent.kind:
        return parent.path
    return owner.path


def in_scope(session: Session, asset: Asset) -> list[User]:
    owner = repository.organisation(session, asset.owner_org_id)
    if owner is None:
        return []
    parent = repository.organisation(session, owner.parent_id) if owner.parent_id else None
    return repository.users_in_subtree(session, scope_path(owner, parent))


def makers(session: Session, asset: Asset, version_id: uuid.UUID | None) -> list[User]:
    """The asset's author and the version's author and submitter."""
    ids: list[uuid.UUID | None] = [asset.created_by_id]
    version = repository.version(session, version_id) if version_id else None
    if version is not None:
        ids += [version.created_by_id, version.submitted_by_id]
    return repository.users(session, [i for i in ids if i is not None])


def takers(session: Session, asset: Asset) -> list[User]:
    return repository.takers(session, asset.id)


def reviewers(session: Session, ids: list[uuid.UUID]) -> list[User]:
    return repository.users(session, ids)


def without(people: list[User], actor_id: uuid.UUID | None) -> list[User]:
    return [p for p in people if p.id != actor_id]


MENTION = re.compile(r"@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def mentioned(session: Session, asset: Asset, text: str) -> list[User]:
    """People named as @e-mail in a comment who may see the asset's workspace (others are not told that a
    discussion they cannot open exists)."""
    people = repository.users_by_email(session, MENTION.findall(text))
    owner = repository.organisation(session, asset.owner_org_id)
    if owner is None:
        return []
    principals = [(p, _principal(session, p)) for p in people]
    return [p for p, who in principals if who is not None and policy.in_workspace(who, owner.id, owner.path)]


def _principal(session: Session, user: User) -> Principal | None:
    org = repository.organisation(session, user.organisation_id)
    return principal_for_user(user, org) if org else None


UNIT_MANAGERS = ("admin", "reviewer", "producer")


def unit_people(session: Session, org_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[User]]:
    """Who answers for each unit: its contact person (đầu mối) when they have an account, else the unit's
    managers, else everyone in it."""
    people = repository.people_of_units(session, org_ids)
    contacts = repository.contact_emails(session, org_ids)
    chosen: dict[uuid.UUID, list[User]] = {}
    for org_id, members in people.items():
        contact = [u for u in members if u.email.lower() == contacts.get(org_id)]
        managers = [u for u in members if u.role in UNIT_MANAGERS]
        chosen[org_id] = contact or managers or members
    return chosen


def overseers(session: Session, org_id: uuid.UUID) -> list[User]:
    """The administrators and reviewers of the units this one reports to (its reporting line)."""
    _, graph = access.lines(session)
    above = graph.get(org_id, [])
    people = repository.people_of_units(session, above)
    return [u for members in people.values() for u in members if u.role in ("admin", "reviewer")]
