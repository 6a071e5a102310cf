"""An infographic's audio description through the API (issue 20, item 3): written at upload it is read into
podcast and loudspeaker outputs; changed or removed, only those outputs are made again (the image outputs
stay as they are). Runs on both stacks (SQLite + folder, PostgreSQL + S3) with the real worker path."""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.assets.test_renditions import run_processing
from tests.service.workflow.wf_support import Flow, Tree
from tests.transcoding.conftest import require_or_skip
from transcoding.tools import espeak_path

DESCRIBED = "Nghị quyết bảy mươi mốt về đột phá phát triển giáo dục. Thứ nhất, đổi mới tư duy."
SPOKEN = {"podcast", "loudspeaker"}


@pytest.fixture(autouse=True)
def _espeak() -> None:
    require_or_skip(espeak_path(), "espeak-ng is not installed")


def _ready(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {p["profile"]: p["renditions"] for p in body["profiles"] if p["renditions"]}


def _rerun(flow: Flow, h: dict[str, str], asset_id: str) -> dict[str, Any]:
    from service.core.runtime import current
    from service.jobs.runner import run_job

    body = flow.get(h, f"/api/v1/assets/{asset_id}/renditions").json()
    assert body["job_status"] == "queued", body  # the edit queued the re-reading
    assert run_job(current(), body["job_id"]) == "succeeded"
    return dict(flow.get(h, f"/api/v1/assets/{asset_id}/renditions").json())


@pytest.mark.slow
def test_the_description_is_read_aloud_and_follows_every_edit(flow: Flow, tree: Tree) -> None:
    h = tree.h["producer"]
    asset_id = flow.upload(h, audio_description=DESCRIBED, title="Infographic có mô tả âm thanh")
    assert flow.asset(h, asset_id)["audio_description"] == DESCRIBED
    first = _ready(run_processing(flow.client, h, asset_id))
    assert SPOKEN <= set(first) and {"web-image", "print"} <= set(first)
    mp3 = next(r for r in first["loudspeaker"] if r["media_type"] == "audio/mpeg")
    assert mp3["duration"] > 3 and mp3["extra"]["source"] == "audio_description"
    images = {r["id"] for name, rows in first.items() if name not in SPOKEN for r in rows}

    r = flow.client.patch(f"/api/v1/assets/{asset_id}", headers=h, json={"audio_description": ""})
    assert r.status_code == 200, r.text
    cleared = _ready(_rerun(flow, h, asset_id))
    assert not SPOKEN & set(cleared)
    assert {r["id"] for rows in cleared.values() for r in rows} == images  # the images were not made again

    longer = DESCRIBED + " Thứ hai, nâng cao chất lượng đội ngũ nhà giáo và cán bộ quản lý giáo dục."
    assert flow.client.patch(f"/api/v1/assets/{asset_id}", headers=h,
                             json={"audio_description": longer}).status_code == 200
    again = _ready(_rerun(flow, h, asset_id))
    assert SPOKEN <= set(again)
    assert next(r for r in again["loudspeaker"] if r["media_type"] == "audio/mpeg")["duration"] > mp3["duration"]


@pytest.mark.slow
def test_an_infographic_without_a_description_has_no_audio(flow: Flow, tree: Tree) -> None:
    h = tree.h["producer"]
    asset_id = flow.upload(h, title="Infographic không có mô tả âm thanh")
    body = run_processing(flow.client, h, asset_id)
    assert not SPOKEN & {p["profile"] for p in body["profiles"]}
