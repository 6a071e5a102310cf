"""Notification tests: the API stacks of the workflow tests, plus a real SMTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import Stack
from tests.service.notifications.smtp import Inbox, port_of, start


@pytest.fixture
def inbox(stack: Stack) -> Iterator[Inbox]:
    """SMTP on for the test: settings point at a fresh aiosmtpd server; restored afterwards."""
    from service.core import runtime

    box = Inbox()
    controller = start(box)
    saved = {k: os.environ.get(k) for k in ("KHO_SMTP_HOST", "KHO_SMTP_PORT", "KHO_SMTP_TLS")}
    os.environ.update(KHO_SMTP_HOST="127.0.0.1", KHO_SMTP_PORT=str(port_of(controller)), KHO_SMTP_TLS="none")
    runtime.install(runtime.Runtime.build())
    try:
        yield box
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        runtime.install(runtime.Runtime.build())
        controller.stop()
