"""Operational knobs, read from KHO_* variables next to the core settings (which this package must not edit)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.once import once

MiB = 1024 * 1024


class OpsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHO_", env_file=".env", extra="ignore")

    log_format: Literal["json", "text"] = "json"
    # Bodies of ordinary API calls are small; upload paths get the largest per-kind upload limit instead.
    max_body_bytes: int = Field(default=16 * MiB, ge=1024)
    max_import_bytes: int = Field(default=8 * 1024 * MiB, ge=MiB)
    rate_limit_enabled: bool = True
    rate_limit_user_per_minute: int = Field(default=1200, ge=1)
    rate_limit_key_per_minute: int = Field(default=1200, ge=1)
    rate_limit_anonymous_per_minute: int = Field(default=600, ge=1)
    tus_expiry_hours: float = Field(default=24.0, gt=0)
    tus_max_open_per_user: int = Field(default=50, ge=1)
    # The web upload page's PATCH size: small enough that a dropped connection costs little on a weak uplink.
    tus_web_chunk_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)
    import_max_entries: int = Field(default=2000, ge=1)
    import_max_ratio: float = Field(default=100.0, gt=1)
    # Orphan objects, crashed multipart uploads, expired tus uploads, abandoned work folders (each worker).
    storage_sweep_interval_seconds: float = Field(default=900.0, gt=0)


@once
def get_ops_settings() -> OpsSettings:
    return OpsSettings()
