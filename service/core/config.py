"""Settings, read once from the environment with the KHO_ prefix (and an optional .env file) when a
`service.core.runtime.Runtime` is built; code reads them from the runtime it is handed (`rt.settings`, or the
`Settings` passed to it), never from os.environ.

The settings are grouped in sections (`settings.database`, `settings.storage`, `settings.search`,
`settings.jobs`, `settings.media`, `settings.limits`, `settings.rate_limit`, `settings.mail`,
`settings.notify`, `settings.security`). The environment keeps its flat names — `KHO_S3_ENDPOINT`,
`KHO_JOB_LEASE_SECONDS`, … as documented in the README, docker-compose.yml and deploy/ — which `FLAT_NAMES`
maps into their sections; the nested form `KHO_<SECTION>__<FIELD>` (e.g. `KHO_STORAGE__S3_BUCKET`) works too.
Constructor keywords take the flat names as well (`Settings(storage="s3", s3_bucket="b")`), so a test can state
what it changes in the words an operator uses.

Every default is the embedded one: SQLite, a local object folder, the embedded search engine and the
embedded (SQLite-backed) queue, all under `var/`; the paths left empty are resolved against `var_dir` once,
when the settings are read. Production mode refuses default secrets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEFAULT_SECRET = "dev-only-change-me"
MiB = 1024 * 1024
ENV_PREFIX = "KHO_"
NESTED_DELIMITER = "__"

DEFAULT_UPLOAD_LIMITS: dict[str, int] = {
    "infographic": 100 * MiB,
    "poster": 500 * MiB,
    "video": 8 * 1024 * MiB,
    "podcast": 1024 * MiB,
    "qa_set": 20 * MiB,
    "document": 200 * MiB,
}


class _Section(BaseModel):
    # A misspelt nested name (KHO_STORAGE__S3_BUCKT) is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid")


class SecuritySettings(_Section):
    secret_key: str = DEFAULT_SECRET
    # "cheap" hashes passwords with argon2's smallest parameters: for the test suite only, where thousands of
    # users are made (a standard hash costs ~0.5 s of CPU on the test machine). Refused in production.
    password_hashing: Literal["standard", "cheap"] = "standard"
    token_ttl_hours: int = 24 * 7
    download_url_ttl_seconds: int = 900


class DatabaseSettings(_Section):
    url: str = ""  # empty → sqlite:///<var_dir>/kho.db (resolved when the settings are read)
    # `kho api` / `kho worker` wait this long for the database at start (logging each wait) before giving up.
    startup_wait_seconds: float = Field(default=600, ge=0)

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgresql", "postgres:"))


class StorageSettings(_Section):
    backend: Literal["local", "s3"] = "local"
    root: Path | None = None  # empty → <var_dir>/objects (resolved when the settings are read)
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "minioadmin"
    s3_secret_key: str = "minioadmin"
    s3_bucket: str = "kho"
    s3_secure: bool = False
    s3_region: str | None = None
    # The host presigned links handed to clients carry (e.g. https://cdn.example.vn), when the service
    # itself reaches the S3 server by an internal name (KHO_S3_ENDPOINT, e.g. minio:9000).
    s3_public_endpoint: str | None = None
    # S3 calls fail fast on a refused or hung server (minio's own default waits minutes); probes wait less.
    s3_connect_timeout: float = Field(default=3, gt=0)
    s3_read_timeout: float = Field(default=20, gt=0)
    s3_retries: int = Field(default=1, ge=0, le=10)
    s3_probe_timeout: float = Field(default=1.0, gt=0)
    # Orphan objects, crashed multipart uploads, expired tus uploads, abandoned work folders (each worker).
    sweep_interval_seconds: float = Field(default=900.0, gt=0)

    @property
    def objects_root(self) -> Path:
        assert self.root is not None, "resolved by Settings"
        return self.root


class SearchSettings(_Section):
    # Empty: "postgres" when the database is PostgreSQL (any number of hosts share it), else "embedded".
    engine: Literal["", "embedded", "meilisearch", "postgres"] = ""
    path: Path | None = None  # empty → <var_dir>/search (resolved when the settings are read)
    # Parts the embedded index is split into and searched in parallel: 1 for small indexes (exact
    # scores), the number of cores from a few hundred thousand assets on (bench/RESULTS.md).
    shards: int = Field(default=1, ge=1, le=64)
    meili_url: str = "http://127.0.0.1:7700"
    meili_key: str = ""

    @property
    def index_dir(self) -> Path:
        assert self.path is not None, "resolved by Settings"
        return self.path


class QueueSettings(_Section):
    backend: Literal["embedded", "redis"] = "embedded"
    redis_url: str = "redis://127.0.0.1:6379/0"


class JobSettings(_Section):
    worker_threads: int = Field(default=2, ge=1, le=64)
    lease_seconds: float = Field(default=120, gt=0)  # a running job unseen this long belongs to a dead worker
    sweep_interval_seconds: float = Field(default=60, gt=0)
    memory_limit_mb: int = Field(default=6144, ge=256)  # address-space cap of one processing child
    timeout_seconds: float = Field(default=3600, gt=0)
    # Storage, database and queue outages: a job is retried with backoff for this long, not a number of tries.
    retry_window_seconds: float = Field(default=1800, ge=0)
    retry_base_seconds: float = Field(default=5, gt=0)
    retry_max_delay_seconds: float = Field(default=300, gt=0)


class MediaSettings(_Section):
    # Limits on each ffmpeg run of a processing job (transcoding.ffmpeg_run.FfmpegLimits, passed down from
    # here): wall-clock seconds, seconds without progress before the watchdog kills it, address space in bytes.
    ffmpeg_timeout: float = Field(default=7200, gt=0)
    ffmpeg_stall_seconds: float = Field(default=120, gt=0)
    ffmpeg_max_memory: int = Field(default=8 * 1024 * MiB, ge=0)  # 0: no cap


class LimitSettings(_Section):
    upload_limits: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_UPLOAD_LIMITS))
    # Bodies of ordinary API calls are small; upload paths get the largest per-kind upload limit instead.
    max_body_bytes: int = Field(default=16 * MiB, ge=1024)
    max_import_bytes: int = Field(default=8 * 1024 * MiB, ge=MiB)
    import_max_entries: int = Field(default=2000, ge=1)
    import_max_ratio: float = Field(default=100.0, gt=1)
    tus_expiry_hours: float = Field(default=24.0, gt=0)
    tus_max_open_per_user: int = Field(default=50, ge=1)
    # The web upload page's PATCH size: small enough that a dropped connection costs little on a weak uplink.
    tus_web_chunk_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)

    @property
    def max_upload_bytes(self) -> int:
        return max(self.upload_limits.values())


class RateLimitSettings(_Section):
    enabled: bool = True
    user_per_minute: int = Field(default=1200, ge=1)
    key_per_minute: int = Field(default=1200, ge=1)
    anonymous_per_minute: int = Field(default=600, ge=1)


class MailSettings(_Section):
    # E-mail for notifications; no host means in-app notifications only.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Kho Truyền Thông <no-reply@kho.local>"
    smtp_timeout_seconds: float = Field(default=20, gt=0)


class NotifySettings(_Section):
    urgent_remind_minutes: float = Field(default=30, gt=0)  # remind reviewers of an urgent item nobody took
    digest_hour: int = Field(default=7, ge=0, le=23)  # local hour (UTC+7) of the daily digest


# Each documented flat name (KHO_<NAME> in the environment, <name> as a keyword) → (section, field).
# Names not listed here are top-level fields (env, var_dir, base_url, log_format).
FLAT_NAMES: dict[str, tuple[str, str]] = {
    "secret_key": ("security", "secret_key"),
    "password_hashing": ("security", "password_hashing"),
    "token_ttl_hours": ("security", "token_ttl_hours"),
    "download_url_ttl_seconds": ("security", "download_url_ttl_seconds"),
    "database_url": ("database", "url"),
    "startup_wait_seconds": ("database", "startup_wait_seconds"),
    "storage": ("storage", "backend"),
    "storage_root": ("storage", "root"),
    **{f"s3_{name}": ("storage", f"s3_{name}") for name in (
        "endpoint", "access_key", "secret_key", "bucket", "secure", "region", "public_endpoint",
        "connect_timeout", "read_timeout", "retries", "probe_timeout",
    )},  # fmt: skip
    "storage_sweep_interval_seconds": ("storage", "sweep_interval_seconds"),
    "search": ("search", "engine"),
    "search_path": ("search", "path"),
    "search_shards": ("search", "shards"),
    "meili_url": ("search", "meili_url"),
    "meili_key": ("search", "meili_key"),
    "queue": ("queue", "backend"),
    "redis_url": ("queue", "redis_url"),
    "worker_threads": ("jobs", "worker_threads"),
    "job_lease_seconds": ("jobs", "lease_seconds"),
    "sweep_interval_seconds": ("jobs", "sweep_interval_seconds"),
    "job_memory_limit_mb": ("jobs", "memory_limit_mb"),
    "job_timeout_seconds": ("jobs", "timeout_seconds"),
    "job_retry_window_seconds": ("jobs", "retry_window_seconds"),
    "job_retry_base_seconds": ("jobs", "retry_base_seconds"),
    "job_retry_max_delay_seconds": ("jobs", "retry_max_delay_seconds"),
    "ffmpeg_timeout": ("media", "ffmpeg_timeout"),
    "ffmpeg_stall_seconds": ("media", "ffmpeg_stall_seconds"),
    "ffmpeg_max_memory": ("media", "ffmpeg_max_memory"),
    "upload_limits": ("limits", "upload_limits"),
    "max_body_bytes": ("limits", "max_body_bytes"),
    "max_import_bytes": ("limits", "max_import_bytes"),
    "import_max_entries": ("limits", "import_max_entries"),
    "import_max_ratio": ("limits", "import_max_ratio"),
    "tus_expiry_hours": ("limits", "tus_expiry_hours"),
    "tus_max_open_per_user": ("limits", "tus_max_open_per_user"),
    "tus_web_chunk_bytes": ("limits", "tus_web_chunk_bytes"),
    "rate_limit_enabled": ("rate_limit", "enabled"),
    "rate_limit_user_per_minute": ("rate_limit", "user_per_minute"),
    "rate_limit_key_per_minute": ("rate_limit", "key_per_minute"),
    "rate_limit_anonymous_per_minute": ("rate_limit", "anonymous_per_minute"),
    **{f"smtp_{name}": ("mail", f"smtp_{name}") for name in (
        "host", "port", "tls", "user", "password", "from", "timeout_seconds",
    )},  # fmt: skip
    "notify_urgent_remind_minutes": ("notify", "urgent_remind_minutes"),
    "notify_digest_hour": ("notify", "digest_hour"),
}


def nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat names moved into their sections; section dicts (the nested form) merged, a flat name winning over
    the same field given nested in the same source. A section name that is also a flat name (`storage`,
    `search`, `queue`) is the flat one when its value is not a mapping."""
    out: dict[str, Any] = {}
    flat: list[tuple[str, str, Any]] = []
    for key, value in values.items():
        if key in _SECTIONS and isinstance(value, Mapping):
            out.setdefault(key, {}).update(value)
        elif key in FLAT_NAMES and not (key in _SECTIONS and isinstance(value, BaseModel)):
            flat.append((*FLAT_NAMES[key], value))
        else:
            out[key] = value
    for section, field, value in flat:
        target = out.setdefault(section, {})
        if isinstance(target, BaseModel):  # a built section and flat names for it: Settings(storage=…, s3_bucket=…)
            target = out[section] = target.model_dump()
        target[field] = value
    return out


class _FlatEnvSource(PydanticBaseSettingsSource):
    """The KHO_* variables one standard source loaded (the environment or the .env file), read by their flat
    names or the nested KHO_<SECTION>__<FIELD> form. pydantic-settings alone would look only for
    KHO_STORAGE__S3_ENDPOINT and take KHO_STORAGE=s3 for a JSON-encoded section."""

    def __init__(self, settings_cls: type[BaseSettings], env_vars: Mapping[str, str | None]) -> None:
        super().__init__(settings_cls)
        self.env_vars = env_vars

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads every variable at once

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        prefix = ENV_PREFIX.lower()
        for raw_key, value in self.env_vars.items():
            key = raw_key.lower()
            if value is None or not key.startswith(prefix):
                continue
            name = key[len(prefix) :]
            if NESTED_DELIMITER in name:
                section, _, field = name.partition(NESTED_DELIMITER)
                if section in _SECTIONS:
                    values.setdefault(section, {})[field] = _decode(section, field, value)
                continue
            if name in FLAT_NAMES:
                values[name] = _decode(*FLAT_NAMES[name], value)
            elif name in Settings.model_fields and name not in _SECTIONS:
                values[name] = value
        return nest(values)


def _decode(section: str, field: str, value: str) -> Any:
    """Dict and list fields come as JSON (KHO_UPLOAD_LIMITS='{"video": 1073741824}'), as pydantic-settings
    reads them; scalars stay strings for pydantic to convert."""
    model = Settings.model_fields[section].annotation
    info = model.model_fields.get(field) if isinstance(model, type) and issubclass(model, BaseModel) else None
    if info is not None and get_origin(info.annotation) in (dict, list):
        return json.loads(value)
    return value


class _NestedInitSource(PydanticBaseSettingsSource):
    """Constructor keywords in either form, nested before the sources are merged (so `Settings(storage="s3")`
    sets the backend and keeps the S3 fields the environment gave)."""

    def __init__(self, inner: PydanticBaseSettingsSource) -> None:
        super().__init__(inner.settings_cls)
        self.inner = inner

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError

    def __call__(self) -> dict[str, Any]:
        return nest(self.inner())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
    base_url: str = "http://127.0.0.1:8000"
    log_format: Literal["json", "text"] = "json"

    security: SecuritySettings = Field(default_factory=SecuritySettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The standard sources have loaded the variables (honouring `_env_file=` and the config); these read
        # them by the flat names. Precedence is pydantic-settings' own: keywords, environment, .env, defaults.
        assert isinstance(env_settings, EnvSettingsSource) and isinstance(dotenv_settings, DotEnvSettingsSource)
        return (
            _NestedInitSource(init_settings),
            _FlatEnvSource(settings_cls, env_settings.env_vars),
            _FlatEnvSource(settings_cls, dotenv_settings.env_vars),
        )

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_names(cls, data: Any) -> Any:
        # Settings.model_validate({...flat names...}) as well as the sources above.
        return nest(data) if isinstance(data, Mapping) else data

    @model_validator(mode="after")
    def _resolve_defaults(self) -> Settings:
        """Paths and engines left empty, resolved once against var_dir and the database."""
        if not self.database.url:
            self.database.url = f"sqlite:///{(self.var_dir / 'kho.db').as_posix()}"
        if self.storage.root is None:
            self.storage.root = self.var_dir / "objects"
        if self.search.path is None:
            self.search.path = self.var_dir / "search"
        if not self.search.engine:
            self.search.engine = "postgres" if self.database.is_postgres else "embedded"
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        if self.security.password_hashing != "standard":
            problems.append("KHO_PASSWORD_HASHING must be 'standard' (cheap hashes are for tests)")
        secret = self.security.secret_key
        if secret == DEFAULT_SECRET or len(secret) < 32:
            problems.append("KHO_SECRET_KEY must be set to a random value of at least 32 characters")
        s3_keys = (self.storage.s3_access_key, self.storage.s3_secret_key)
        if self.storage.backend == "s3" and s3_keys == ("minioadmin", "minioadmin"):
            problems.append("KHO_S3_ACCESS_KEY / KHO_S3_SECRET_KEY must not be the MinIO defaults")
        if "postgres:postgres@" in self.database.url or ":changethis@" in self.database.url:
            problems.append("KHO_DATABASE_URL uses a default password")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def tmp_dir(self) -> Path:
        return self.var_dir / "tmp"


_SECTIONS = frozenset(
    name
    for name, info in Settings.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
)
