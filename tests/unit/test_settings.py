from __future__ import annotations

import pytest
from pydantic import ValidationError

from service.config import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in [k for k in os.environ if k.startswith("KHO_")]:
        monkeypatch.delenv(key)


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="KHO_SECRET_KEY"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="MinIO defaults"):
        Settings(env="production", secret_key="s" * 40, storage="s3")
    ok = Settings(env="production", secret_key="s" * 40, storage="s3", s3_access_key="a", s3_secret_key="b")
    assert ok.storage == "s3"


def test_production_refuses_cheap_password_hashes() -> None:
    assert Settings().password_hashing == "standard"
    assert Settings(env="test", password_hashing="cheap").password_hashing == "cheap"
    with pytest.raises(ValidationError, match="KHO_PASSWORD_HASHING"):
        Settings(env="production", secret_key="s" * 40, password_hashing="cheap")


def test_embedded_defaults() -> None:
    s = Settings()
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("var/kho.db")
    assert s.storage == "local" and s.search == "embedded" and s.queue == "embedded"
    assert s.upload_limits["video"] > s.upload_limits["infographic"]
