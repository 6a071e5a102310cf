"""Flash confirmations: one message carried across the redirect that follows a form, in a short-lived
signed cookie. What is stored is a catalogue key and its parameters (not text), so the next page says it
in its own language; the signature stops anyone from making a page show words it did not choose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from fastapi import Request
from starlette.responses import Response

from service.core.config import Settings
from service.core.runtime import runtime_of

FLASH_COOKIE = "kho_flash"
MAX_AGE = 120  # seconds: the message belongs to the very next page, not to a later visit
_MAX_PARAM = 300


@dataclass(frozen=True)
class Flash:
    key: str  # a UI catalogue key
    params: dict[str, str]
    level: str = "ok"  # ok | warn


def _sign(settings: Settings, payload: bytes) -> str:
    secret = settings.security.secret_key.encode()
    return hmac.new(secret, b"flash:" + payload, hashlib.sha256).hexdigest()[:32]


def flash(response: Response, settings: Settings, key: str, level: str = "ok", **params: object) -> Response:
    """Attach a confirmation to a (redirect) response; the next rendered page shows it once."""
    body = {"k": key, "l": level, "p": {name: str(value)[:_MAX_PARAM] for name, value in params.items()}}
    payload = base64.urlsafe_b64encode(json.dumps(body, ensure_ascii=False).encode()).decode()
    response.set_cookie(FLASH_COOKIE, f"{payload}.{_sign(settings, payload.encode())}", max_age=MAX_AGE, httponly=True,
                        samesite="lax", secure=settings.base_url.startswith("https://"), path="/")
    return response


def peek(request: Request) -> Flash | None:
    """The pending message, if its cookie is intact (a tampered or malformed cookie is ignored)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return None
    payload, signature = raw.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(runtime_of(request).settings, payload.encode())):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload.encode()))
        key, level, params = str(body["k"]), str(body.get("l", "ok")), body.get("p", {})
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(params, dict):
        return None
    return Flash(key, {str(k): str(v) for k, v in params.items()}, "warn" if level == "warn" else "ok")


def clear(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
