"""A run that cropped around an older focal point never records its crops (the newer point's job does)."""

from __future__ import annotations

from pathlib import Path

from service.models import Rendition, Version
from service.processing.refocus import plan_record
from transcoding.types import RenditionOutput


def _out(profile: str, spec: str) -> tuple[str, RenditionOutput]:
    out = RenditionOutput(Path(f"/tmp/{profile}-{spec}"), profile, spec, "image/jpeg", extra={"spec": spec})
    return f"renditions/x/{profile}/{spec}.jpg", out


def _row(profile: str, spec: str) -> Rendition:
    return Rendition(profile=profile, variant=spec, extra={"spec": spec})


UPLOADED = [_out("web-image", "jpeg-800"), _out("web-image", "thumb-320"), _out("zalo-oa", "cover-16x9")]


def test_a_current_full_run_records_everything_and_replaces_its_profiles() -> None:
    plan = plan_record({}, "infographic", Version(focal_revision=2), UPLOADED, 2)
    assert [k for k, _ in plan.record] == [k for k, _ in UPLOADED] and plan.unused == []
    assert plan.doomed(_row("web-image", "thumb-320")) and not plan.doomed(_row("print", "pdf-300ppi"))


def test_a_stale_full_run_leaves_the_crops_to_the_newer_job() -> None:
    plan = plan_record({}, "infographic", Version(focal_revision=3), UPLOADED, 2)
    assert [o.variant for _, o in plan.record] == ["jpeg-800"]
    assert plan.unused == ["renditions/x/web-image/thumb-320.jpg", "renditions/x/zalo-oa/cover-16x9.jpg"]
    assert plan.doomed(_row("web-image", "jpeg-800")) and not plan.doomed(_row("web-image", "thumb-320"))


def test_a_refocus_run_records_only_the_outputs_it_was_asked_for_unless_stale() -> None:
    payload = {"outputs": [["web-image", "thumb-320"], ["zalo-oa", "cover-16x9"]]}
    plan = plan_record(payload, "infographic", Version(focal_revision=1), UPLOADED, 1)
    assert [o.variant for _, o in plan.record] == ["thumb-320", "cover-16x9"]
    assert plan.unused == ["renditions/x/web-image/jpeg-800.jpg"]
    assert not plan.doomed(_row("web-image", "jpeg-800")) and plan.doomed(_row("zalo-oa", "cover-16x9"))
    stale = plan_record(payload, "infographic", Version(focal_revision=2), UPLOADED, 1)
    assert stale.record == [] and len(stale.unused) == 3 and not stale.doomed(_row("zalo-oa", "cover-16x9"))
