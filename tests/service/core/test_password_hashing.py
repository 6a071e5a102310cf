"""Cheap test hashes are a setting, and a stored hash verifies whatever the current setting."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from service.core import runtime, security


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(kind: str) -> None:
        monkeypatch.setenv("KHO_PASSWORD_HASHING", kind)
        runtime.install(runtime.Runtime.build())  # settings are read once per runtime

    yield use
    monkeypatch.undo()
    runtime.install(runtime.Runtime.build())


def test_the_setting_chooses_the_parameters_and_either_hash_verifies(hashing: Callable[[str], None]) -> None:
    hashing("cheap")
    cheap = security.hash_password(runtime.current().settings.security, "mật khẩu")
    hashing("standard")
    standard = security.hash_password(runtime.current().settings.security, "mật khẩu")
    assert "$m=8," in cheap and "$m=65536," in standard  # argon2id's memory cost in KiB
    for stored in (cheap, standard):
        assert security.verify_password(runtime.current().settings.security, stored, "mật khẩu")
        assert not security.verify_password(runtime.current().settings.security, stored, "mat khau")
    assert not security.verify_password(runtime.current().settings.security, "not-a-hash", "mật khẩu")


def test_the_unknown_email_hash_follows_the_setting(hashing: Callable[[str], None]) -> None:
    hashing("cheap")
    assert "$m=8," in security.dummy_hash(runtime.current().settings.security)
    hashing("standard")
    assert "$m=65536," in security.dummy_hash(runtime.current().settings.security)
