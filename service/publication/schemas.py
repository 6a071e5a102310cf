from __future__ import annotations

from pydantic import BaseModel, Field

from service.i18n import ui_text
from service.publication.readiness import Readiness


class PublicationOut(BaseModel):
    """Whether the version's renditions let it go live, and in what words to tell the producer."""

    state: str = Field(description="ready | pending | blocked")
    code: str | None = Field(default=None, description="why it is blocked (a stable code)")
    reason: str | None = Field(default=None, description="the processing error or the missing renditions")
    missing: list[str] = Field(default_factory=list, description="required renditions not made yet")
    label_vi: str
    label_en: str


def publication_out(ready: Readiness, version_status: str = "") -> PublicationOut:
    waiting = version_status == "approved" and ready.state == "pending"
    key = "publication_state_" + ("waiting" if waiting else ready.state)
    return PublicationOut(state=ready.state, code=ready.code, reason=ready.reason, missing=ready.missing,
                          label_vi=ui_text(key, "vi"), label_en=ui_text(key, "en"))
