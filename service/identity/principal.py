"""Who is calling (a signed-in user or an API client) and the checks made on that alone.

The lowest identity module: audit, orgs, the request dependencies and every domain import it; it imports none
of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from service.core.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user or an API client (newsroom key)."""

    kind: str  # "user" | "client"
    id: uuid.UUID
    label: str
    organisation_id: uuid.UUID
    organisation_path: str
    role: str  # admin | producer | reviewer | staff | client
    scopes: frozenset[str] = field(default_factory=frozenset)
    rate_limit_per_minute: int = 600

    @property
    def user_id(self) -> uuid.UUID | None:
        return self.id if self.kind == "user" else None

    @property
    def client_id(self) -> uuid.UUID | None:
        return self.id if self.kind == "client" else None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def require_national_admin(principal: Principal) -> None:
    """Shared national data (vocabularies, the whole audit trail) is for admins of a top-level unit."""
    if principal.kind != "user" or principal.role != "admin" or principal.organisation_path.count("/") != 2:
        raise Forbidden()
