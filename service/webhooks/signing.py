"""Standard Webhooks signatures (https://www.standardwebhooks.com), made by the reference library itself
(`standardwebhooks.Webhook.sign`), so what we send is by construction what receivers' `Webhook.verify` checks:
HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with the base64 secret after the `whsec_` prefix."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    # The library signs text; our bodies are UTF-8 JSON, so decoding and its re-encoding give the same bytes.
    return Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode("utf-8"))


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, msg_id, timestamp, body), "content-type": "application/json"}
