"""Settings, read once from the environment with the KHO_ prefix (and an optional .env file) when a
`service.runtime.Runtime` is built; code reads them from the runtime (`get_settings()`), never from os.environ.

Every default is the embedded one: SQLite, a local object folder, the embedded search engine and the
embedded (SQLite-backed) queue, all under `var/`. Production mode refuses default secrets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-only-change-me"
MiB = 1024 * 1024

DEFAULT_UPLOAD_LIMITS: dict[str, int] = {
    "infographic": 100 * MiB,
    "poster": 500 * MiB,
    "video": 8 * 1024 * MiB,
    "podcast": 1024 * MiB,
    "qa_set": 20 * MiB,
    "document": 200 * MiB,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHO_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = DEFAULT_SECRET
    # "cheap" hashes passwords with argon2's smallest parameters: for the test suite only, where thousands of
    # users are made (a standard hash costs ~0.5 s of CPU on the test machine). Refused in production.
    password_hashing: Literal["standard", "cheap"] = "standard"

    database_url: str = ""  # empty → sqlite:///<var_dir>/kho.db

    storage: Literal["local", "s3"] = "local"
    storage_root: Path | None = None  # empty → <var_dir>/objects
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "minioadmin"
    s3_secret_key: str = "minioadmin"
    s3_bucket: str = "kho"
    s3_secure: bool = False
    s3_region: str | None = None
    # The host presigned links handed to clients carry (e.g. https://cdn.example.vn), when the service
    # itself reaches the S3 server by an internal name (KHO_S3_ENDPOINT, e.g. minio:9000).
    s3_public_endpoint: str | None = None

    # Empty: "postgres" when the database is PostgreSQL (any number of hosts share it), else "embedded".
    search: Literal["", "embedded", "meilisearch", "postgres"] = ""
    search_path: Path | None = None  # empty → <var_dir>/search
    # Parts the embedded index is split into and searched in parallel: 1 for small indexes (exact
    # scores), the number of cores from a few hundred thousand assets on (bench/RESULTS.md).
    search_shards: int = Field(default=1, ge=1, le=64)
    meili_url: str = "http://127.0.0.1:7700"
    meili_key: str = ""

    queue: Literal["embedded", "redis"] = "embedded"
    redis_url: str = "redis://127.0.0.1:6379/0"
    worker_threads: int = Field(default=2, ge=1, le=64)

    job_lease_seconds: float = Field(default=120, gt=0)  # a running job unseen this long belongs to a dead worker
    sweep_interval_seconds: float = Field(default=60, gt=0)
    job_memory_limit_mb: int = Field(default=6144, ge=256)  # address-space cap of one processing child
    job_timeout_seconds: float = Field(default=3600, gt=0)
    # Limits on each ffmpeg run of a processing job (transcoding.ffmpeg_run.FfmpegLimits, passed down from
    # here): wall-clock seconds, seconds without progress before the watchdog kills it, address space in bytes.
    ffmpeg_timeout: float = Field(default=7200, gt=0)
    ffmpeg_stall_seconds: float = Field(default=120, gt=0)
    ffmpeg_max_memory: int = Field(default=8 * 1024 * MiB, ge=0)  # 0: no cap
    upload_limits: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_UPLOAD_LIMITS))
    download_url_ttl_seconds: int = 900
    token_ttl_hours: int = 24 * 7
    # Storage, database and queue outages: a job is retried with backoff for this long, not a number of tries.
    job_retry_window_seconds: float = Field(default=1800, ge=0)
    job_retry_base_seconds: float = Field(default=5, gt=0)
    job_retry_max_delay_seconds: float = Field(default=300, gt=0)
    # S3 calls fail fast on a refused or hung server (minio's own default waits minutes); probes wait less.
    s3_connect_timeout: float = Field(default=3, gt=0)
    s3_read_timeout: float = Field(default=20, gt=0)
    s3_retries: int = Field(default=1, ge=0, le=10)
    s3_probe_timeout: float = Field(default=1.0, gt=0)
    # `kho api` / `kho worker` wait this long for the database at start (logging each wait) before giving up.
    startup_wait_seconds: float = Field(default=600, ge=0)

    @model_validator(mode="after")
    def _default_search_engine(self) -> Settings:
        if not self.search:
            self.search = "postgres" if self.db_url.startswith(("postgresql", "postgres:")) else "embedded"
        return self

    # E-mail for notifications; no host means in-app notifications only.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Kho Truyền Thông <no-reply@kho.local>"
    smtp_timeout_seconds: float = Field(default=20, gt=0)
    notify_urgent_remind_minutes: float = Field(default=30, gt=0)  # remind reviewers of an urgent item nobody took
    notify_digest_hour: int = Field(default=7, ge=0, le=23)  # local hour (UTC+7) of the daily digest

    # Operations: logs, request bodies, rate limits, resumable uploads, bulk imports, the storage sweep.
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

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        if self.password_hashing != "standard":
            problems.append("KHO_PASSWORD_HASHING must be 'standard' (cheap hashes are for tests)")
        if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
            problems.append("KHO_SECRET_KEY must be set to a random value of at least 32 characters")
        if self.storage == "s3" and (self.s3_access_key, self.s3_secret_key) == ("minioadmin", "minioadmin"):
            problems.append("KHO_S3_ACCESS_KEY / KHO_S3_SECRET_KEY must not be the MinIO defaults")
        if "postgres:postgres@" in self.database_url or ":changethis@" in self.database_url:
            problems.append("KHO_DATABASE_URL uses a default password")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'kho.db').as_posix()}"

    @property
    def objects_root(self) -> Path:
        return self.storage_root or self.var_dir / "objects"

    @property
    def search_dir(self) -> Path:
        return self.search_path or self.var_dir / "search"

    @property
    def tmp_dir(self) -> Path:
        return self.var_dir / "tmp"

    @property
    def max_upload_bytes(self) -> int:
        return max(self.upload_limits.values())


