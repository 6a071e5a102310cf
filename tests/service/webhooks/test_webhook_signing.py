"""Webhook signatures are made by the `standardwebhooks` reference library and verify with its `Webhook.verify`,
also for Vietnamese text in the body."""

from __future__ import annotations

import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.webhooks.signing import headers, new_secret, sign


def test_the_specification_vector() -> None:
    # The example of the Standard Webhooks specification's reference implementations.
    assert sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                b'{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signed_headers_verify_and_a_changed_body_does_not() -> None:
    secret = new_secret()
    body = json.dumps({"type": "asset.published", "data": {"title": "Ngày Nhà giáo Việt Nam 20/11"}},
                      ensure_ascii=False).encode()
    sent = headers(secret, "msg_1", int(time.time()), body)
    assert Webhook(secret).verify(body, sent)["data"]["title"] == "Ngày Nhà giáo Việt Nam 20/11"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("Ngày".encode(), b"Ngay"), sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, sent)  # another subscriber's secret
