from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from service.core.config import FLAT_NAMES, Settings


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
    assert ok.storage.backend == "s3"


def test_production_refuses_cheap_password_hashes() -> None:
    assert Settings().security.password_hashing == "standard"
    assert Settings(env="test", password_hashing="cheap").security.password_hashing == "cheap"
    with pytest.raises(ValidationError, match="KHO_PASSWORD_HASHING"):
        Settings(env="production", secret_key="s" * 40, password_hashing="cheap")


def test_embedded_defaults() -> None:
    s = Settings()
    assert s.database.url.startswith("sqlite:///") and s.database.url.endswith("var/kho.db")
    assert s.storage.backend == "local" and s.search.engine == "embedded" and s.queue.backend == "embedded"
    assert s.limits.upload_limits["video"] > s.limits.upload_limits["infographic"]


# --- the sections, read from the documented flat names ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]
# Documented KHO_ names that are not settings: media tool paths (read where the tool is found) and the test
# suite's own switches.
NOT_SETTINGS = {"KHO_FFMPEG", "KHO_FFPROBE", "KHO_TESSERACT", "KHO_SOFFICE"}


def documented_names() -> list[str]:
    """Every KHO_* name the operator's documents mention: the README, docker-compose.yml and deploy/."""
    files = [ROOT / "README.md", ROOT / "docker-compose.yml", *(p for p in (ROOT / "deploy").rglob("*") if p.is_file())]
    names = {m for f in files for m in re.findall(r"\bKHO_[A-Z0-9_]*[A-Z0-9]", f.read_text(encoding="utf-8"))}
    return sorted(n for n in names - NOT_SETTINGS if not n.startswith("KHO_TEST_") and "__" not in n)


def test_the_documents_name_the_settings() -> None:
    names = documented_names()
    assert len(names) >= 50, names  # the README table, compose and deploy/ were read
    assert {"KHO_S3_ENDPOINT", "KHO_FFMPEG_TIMEOUT", "KHO_JOB_LEASE_SECONDS", "KHO_STORAGE"} <= set(names)


# Where each flat name belongs, written out here (not read from FLAT_NAMES) so a wrong mapping fails.
SECTION_OF = {
    name: section
    for section, names in {
        None: "ENV VAR_DIR BASE_URL LOG_FORMAT",
        "security": "SECRET_KEY PASSWORD_HASHING TOKEN_TTL_HOURS DOWNLOAD_URL_TTL_SECONDS",
        "database": "DATABASE_URL STARTUP_WAIT_SECONDS",
        "storage": "STORAGE STORAGE_ROOT S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET S3_SECURE S3_REGION "
        "S3_PUBLIC_ENDPOINT S3_CONNECT_TIMEOUT S3_READ_TIMEOUT S3_RETRIES S3_PROBE_TIMEOUT "
        "STORAGE_SWEEP_INTERVAL_SECONDS",
        "search": "SEARCH SEARCH_PATH SEARCH_SHARDS MEILI_URL MEILI_KEY",
        "queue": "QUEUE REDIS_URL",
        "jobs": "WORKER_THREADS JOB_LEASE_SECONDS SWEEP_INTERVAL_SECONDS JOB_MEMORY_LIMIT_MB JOB_TIMEOUT_SECONDS "
        "JOB_RETRY_WINDOW_SECONDS JOB_RETRY_BASE_SECONDS JOB_RETRY_MAX_DELAY_SECONDS",
        "media": "FFMPEG_TIMEOUT FFMPEG_STALL_SECONDS FFMPEG_MAX_MEMORY",
        "limits": "UPLOAD_LIMITS MAX_BODY_BYTES MAX_IMPORT_BYTES IMPORT_MAX_ENTRIES IMPORT_MAX_RATIO "
        "TUS_EXPIRY_HOURS TUS_MAX_OPEN_PER_USER TUS_WEB_CHUNK_BYTES",
        "rate_limit": "RATE_LIMIT_ENABLED RATE_LIMIT_USER_PER_MINUTE RATE_LIMIT_KEY_PER_MINUTE "
        "RATE_LIMIT_ANONYMOUS_PER_MINUTE",
        "mail": "SMTP_HOST SMTP_PORT SMTP_TLS SMTP_USER SMTP_PASSWORD SMTP_FROM SMTP_TIMEOUT_SECONDS",
        "notify": "NOTIFY_URGENT_REMIND_MINUTES NOTIFY_DIGEST_HOUR",
    }.items()
    for name in names.split()
}
# The field is the flat name's tail (JOB_LEASE_SECONDS → jobs.lease_seconds) except for the section switches.
FIELD_OF = {"STORAGE": "backend", "SEARCH": "engine", "QUEUE": "backend"}


def _location(name: str) -> tuple[str | None, str]:
    flat = name.removeprefix("KHO_")
    assert flat in SECTION_OF, f"{name} is documented but this test does not know its section"
    section = SECTION_OF[flat]
    model = type(getattr(Settings(), section)) if section else Settings
    field = FIELD_OF.get(flat) or next(
        f for f in sorted(model.model_fields, key=len, reverse=True) if flat.lower().endswith(f)
    )
    assert flat.lower() in FLAT_NAMES or section is None, f"{name} is documented but no setting reads it"
    return section, field


def _sample(info: FieldInfo, default: Any) -> tuple[str, Any]:
    """A raw environment value unlike the default, and what the field should hold after reading it."""
    annotation = info.annotation
    if get_origin(annotation) is Literal:
        choice = next(a for a in get_args(annotation) if a not in ("", default))
        return choice, choice
    if annotation is bool:
        return ("false", False) if default else ("true", True)
    if annotation is int:
        return str(default + 1), default + 1
    if annotation is float:
        return str(default + 1.5), default + 1.5
    if get_origin(annotation) is dict:
        return '{"video": 12345}', {"video": 12345}
    if annotation is Path or Path in get_args(annotation):
        return "/srv/kho-sample", Path("/srv/kho-sample")
    return "sample-value", "sample-value"


def _leaf(settings: Settings, section: str | None, field: str) -> Any:
    return getattr(getattr(settings, section) if section else settings, field)


@pytest.mark.parametrize("name", documented_names())
def test_every_documented_name_lands_in_its_section(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    section, field = _location(name)
    model = type(getattr(Settings(), section)) if section else Settings
    default = _leaf(Settings(), section, field)
    raw, expected = _sample(model.model_fields[field], default)
    before = Settings().model_dump()
    monkeypatch.setenv(name, raw)
    after = Settings().model_dump()
    assert _leaf(Settings(), section, field) == expected != default
    changed = {(s, k) for s, v in after.items() for k in (v if isinstance(v, dict) else [None])
               if (after[s][k] if k else after[s]) != (before[s][k] if k else before[s])}
    if name != "KHO_VAR_DIR":  # var_dir also moves the paths resolved against it
        assert changed == {(section, field) if section else (field, None)}


def test_dotenv_is_read_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "KHO_S3_BUCKET=from-dotenv\nKHO_SMTP_PORT=2525\nKHO_FFMPEG_TIMEOUT=42\nKHO_STORAGE=s3\n"
        "KHO_UPLOAD_LIMITS={\"video\": 77}\n", encoding="utf-8")
    monkeypatch.setenv("KHO_S3_BUCKET", "from-env")
    s = Settings()
    assert s.storage.s3_bucket == "from-env" and s.storage.backend == "s3"
    assert (s.mail.smtp_port, s.media.ffmpeg_timeout, s.limits.upload_limits) == (2525, 42, {"video": 77})
    # Keywords win over both, and setting one field of a section keeps the others the sources gave.
    s = Settings(s3_bucket="keyword", storage="local")
    assert (s.storage.s3_bucket, s.storage.backend, s.mail.smtp_port) == ("keyword", "local", 2525)
    assert Settings(_env_file=None).mail.smtp_port == 587  # type: ignore[call-arg]


def test_the_nested_form(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KHO_S3_BUCKET=flat-in-dotenv\nKHO_JOBS__LEASE_SECONDS=30\n", encoding="utf-8")
    monkeypatch.setenv("KHO_STORAGE__S3_BUCKET", "nested-in-env")
    monkeypatch.setenv("KHO_RATE_LIMIT__ENABLED", "false")
    monkeypatch.setenv("KHO_LIMITS__UPLOAD_LIMITS", '{"poster": 9}')
    s = Settings()
    assert s.storage.s3_bucket == "nested-in-env"  # the environment wins whatever the form
    assert (s.jobs.lease_seconds, s.rate_limit.enabled, s.limits.upload_limits) == (30, False, {"poster": 9})
    assert Settings(storage={"s3_bucket": "kw"}).storage.s3_bucket == "kw"
    # Within one source the flat name wins over the nested one.
    monkeypatch.setenv("KHO_S3_BUCKET", "flat-in-env")
    assert Settings().storage.s3_bucket == "flat-in-env"
    monkeypatch.setenv("KHO_STORAGE__S3_BUCKT", "typo")
    with pytest.raises(ValidationError, match="s3_buckt"):
        Settings()


def test_production_refusals_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KHO_ENV", "production")
    monkeypatch.setenv("KHO_SECRET_KEY", "short")
    with pytest.raises(ValidationError, match="KHO_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("KHO_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("KHO_SECURITY__PASSWORD_HASHING", "cheap")
    with pytest.raises(ValidationError, match="KHO_PASSWORD_HASHING"):
        Settings()
    monkeypatch.delenv("KHO_SECURITY__PASSWORD_HASHING")
    monkeypatch.setenv("KHO_DATABASE_URL", "postgresql+psycopg://postgres:postgres@db:5432/kho")
    with pytest.raises(ValidationError, match="KHO_DATABASE_URL"):
        Settings()
    monkeypatch.setenv("KHO_DATABASE_URL", "postgresql+psycopg://kho:s3cret@db:5432/kho")
    monkeypatch.setenv("KHO_STORAGE", "s3")
    with pytest.raises(ValidationError, match="MinIO defaults"):
        Settings()
    monkeypatch.setenv("KHO_S3_ACCESS_KEY", "a")
    monkeypatch.setenv("KHO_S3_SECRET_KEY", "b")
    s = Settings()
    assert (s.env, s.storage.backend, s.search.engine) == ("production", "s3", "postgres")


def test_paths_resolve_against_var_dir(tmp_path: Path) -> None:
    s = Settings(var_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert s.storage.objects_root == tmp_path / "objects" and s.search.index_dir == tmp_path / "search"
    assert s.database.url == f"sqlite:///{(tmp_path / 'kho.db').as_posix()}"
    assert Settings.model_validate(s.model_dump()) == s  # a dumped Settings reads back as itself
