"""service.identity.principal: the checks made on who is calling alone (no database)."""

from __future__ import annotations

import uuid

import pytest

from service.core.errors import Forbidden
from service.identity.principal import Principal, require_national_admin


def _principal(kind: str = "user", role: str = "admin", path: str = "/BGDDT/") -> Principal:
    return Principal(kind=kind, id=uuid.uuid4(), label="x", organisation_id=uuid.uuid4(), organisation_path=path,
                     role=role)


def test_an_admin_of_a_top_level_unit_is_a_national_admin() -> None:
    require_national_admin(_principal())


@pytest.mark.parametrize("principal", [
    _principal(path="/BGDDT/SGD-HUE/"),  # an admin, but of a unit below the top
    _principal(role="producer"),
    _principal(kind="client", role="client"),
])
def test_anyone_else_is_refused(principal: Principal) -> None:
    with pytest.raises(Forbidden):
        require_national_admin(principal)
