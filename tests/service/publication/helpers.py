"""Helpers for distribution tests: `Publisher` creates published assets with real
stored renditions. Until the workflow package lands, publication is set through the ORM (test setup
only) — uploads, storage and renditions are real."""

from __future__ import annotations

import io
import json
import subprocess
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.assets.media import meta, multipart, png
from tests.support import require_or_skip

SCHEMA_PATH = Path(__file__).parent / "data" / "ninjs-schema_2.1.json"


def jpeg(size: tuple[int, int] = (160, 90), seed: int = 0) -> bytes:
    img = Image.new("RGB", size, (seed % 256, 80, 160))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


@cache
def mp3() -> bytes:
    """A tiny real MP3 made with ffmpeg once per session (2 s sine)."""
    try:
        out = subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                              "-ac", "1", "-b:a", "64k", "-f", "mp3", "pipe:1"],
                             capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        require_or_skip(False, "ffmpeg is not available")
        raise
    return out.stdout


def unique_mp3() -> bytes:
    """`mp3()` with an ID3 tag of its own: the repository refuses a second upload of the same bytes."""
    import tempfile

    from mutagen.id3 import ID3, TXXX

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.mp3"
        path.write_bytes(mp3())
        tags = ID3()
        tags.add(TXXX(desc="test", text=[uuid.uuid4().hex]))
        tags.save(path)
        return path.read_bytes()


def mp4_bytes(tmp: Path) -> bytes:
    path = tmp / f"{uuid.uuid4().hex}.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=15:duration=2",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                    str(path)], check=True, timeout=60)
    return path.read_bytes()


@dataclass
class Rend:
    profile: str
    variant: str
    content: bytes
    media_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


class Publisher:
    def __init__(self, client: TestClient, factory: Factory) -> None:
        self.client = client
        self.factory = factory

    def upload(self, *, org_code: str | None = None, kind: str = "infographic", content: bytes | None = None,
               filename: str = "anh.png", **fields: Any) -> str:
        headers = self.factory.headers("producer", org_code)
        body, ctype = multipart(meta(kind, **fields), filename, content if content is not None else png())
        r = self.client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def publish(self, *, org_code: str | None = None, kind: str = "infographic", content: bytes | None = None,
                filename: str = "anh.png", renditions: list[Rend] | None = None, **fields: Any) -> str:
        asset_id = self.upload(org_code=org_code, kind=kind, content=content, filename=filename, **fields)
        set_status(asset_id, "published")
        for rend in renditions or []:
            add_rendition(asset_id, rend)
        return asset_id


def set_status(asset_id: str, status: str, reason: str | None = None, *, ago: timedelta | None = None) -> None:
    """Test-only stand-in for the workflow: change the status and emit the topic it will emit."""
    from service.core.db import unit_of_work
    from service.models import Asset, Version
    from service.models.base import utcnow
    from service.outbox import events as outbox

    topic = {"published": "asset.published", "withdrawn": "asset.withdrawn", "superseded": "asset.superseded"}
    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        now = utcnow() - (ago or timedelta(0))
        asset.status = status
        asset.updated_at = asset.edited_at = now
        if status == "published":
            asset.published_at = now
            version = session.get(Version, asset.current_version_id)
            assert version is not None
            version.status, version.submitted_at, version.decided_at = "published", now - timedelta(hours=5), now
        if status == "withdrawn":
            asset.withdrawn_reason = reason or "Số liệu đã cũ"
        outbox.emit(session, topic.get(status, "asset.updated"), asset_id=asset.id)


def add_rendition(asset_id: str, rend: Rend) -> None:
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.models import Asset, Rendition

    key = f"renditions/test/{uuid.uuid4().hex}/{rend.profile}-{rend.variant}"
    get_store().put(key, io.BytesIO(rend.content), size=len(rend.content), content_type=rend.media_type)
    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None and asset.current_version_id is not None
        session.add(Rendition(version_id=asset.current_version_id, profile=rend.profile, variant=rend.variant,
                              object_key=key, media_type=rend.media_type, size=len(rend.content),
                              width=rend.width, height=rend.height, duration=rend.duration))


def api_key(factory: Factory, org_code: str | None = None, scopes: list[str] | None = None,
            rate: int = 600) -> tuple[str, dict[str, str]]:
    """(client id, Authorization headers) for a new API key."""
    from service.auth import service as auth_service
    from service.core.db import unit_of_work
    from service.orgs import repository as orgs_repo

    org_code = org_code or factory.org("newsroom")
    with unit_of_work() as session:
        org = orgs_repo.by_code(session, org_code)
        assert org is not None
        created = auth_service.create_api_key(session, name=f"Tòa soạn {org_code}", organisation_id=org.id,
                                              scopes=scopes or ["assets:read", "assets:download"],
                                              rate_limit_per_minute=rate)
        client_id = str(created.client.id)
    return client_id, {"Authorization": f"Bearer {created.key}"}


def ninjs_validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


# The ninjs 2.1 schema contradicts itself on associations: an association must have `name`, yet the ninjsType
# it refers to declares `unevaluatedProperties: false` without `name` (IPTC ninjs issue, fixed in 3.0), so a
# conformant validator refuses every association. Only that one message, only under `associations`, is left out.
SCHEMA_CONTRADICTION = "Unevaluated properties are not allowed ('name' was unexpected)"


def ninjs_errors(item: dict[str, Any]) -> list[str]:
    """Every schema error of a ninjs item, less the schema's own contradiction above."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in ninjs_validator().iter_errors(item)
            if not (e.message == SCHEMA_CONTRADICTION and list(e.absolute_path)[:1] == ["associations"])]
