"""docker-compose.yml runs the scale mode with no shared disk: two API hosts behind a round-robin proxy,
two workers, PostgreSQL, MinIO and Redis, restart policies and health checks. Read with PyYAML (compose
file) and crossplane (nginx's own configuration grammar), not with the project's code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import crossplane
import yaml

REPO = Path(__file__).resolve().parents[1]
LONG_RUNNING_RESTART = "unless-stopped"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services(kind: str) -> dict[str, dict[str, Any]]:
    """Services whose command is `kho <kind>`."""
    return {name: svc for name, svc in _compose()["services"].items()
            if svc.get("command", [])[:2] == ["kho", kind]}


def _instances(services: dict[str, dict[str, Any]]) -> int:
    return sum(int(svc.get("deploy", {}).get("replicas", 1)) for svc in services.values())


def _volume_sources(svc: dict[str, Any]) -> set[str]:
    sources = set()
    for volume in svc.get("volumes", []):
        sources.add(volume.split(":", 1)[0] if isinstance(volume, str) else str(volume.get("source")))
    return sources


def test_two_api_hosts_and_two_workers() -> None:
    apis, workers = _services("api"), _services("worker")
    assert _instances(apis) == 2 and _instances(workers) == 2
    for svc in [*apis.values(), *workers.values()]:
        env = svc["environment"]
        assert env["KHO_DATABASE_URL"].startswith("postgresql") and env["KHO_STORAGE"] == "s3"
        assert env["KHO_QUEUE"] == "redis" and env.get("KHO_SEARCH") != ""
        assert env["KHO_S3_ENDPOINT"] == "minio:9000" and env["KHO_S3_PUBLIC_ENDPOINT"]


def test_no_volume_is_shared_by_api_or_worker_hosts() -> None:
    hosts = {**_services("api"), **_services("worker")}
    seen: dict[str, str] = {}
    for name, svc in hosts.items():
        replicas = int(svc.get("deploy", {}).get("replicas", 1))
        for source in _volume_sources(svc):
            assert replicas == 1, f"{name}: replicas would share the volume {source}"
            assert source not in seen, f"{name} and {seen[source]} share {source}"
            seen[source] = name


def test_proxy_round_robins_over_both_api_hosts() -> None:
    services = _compose()["services"]
    proxies = {name: svc for name, svc in services.items() if str(svc.get("image", "")).startswith("nginx")}
    assert len(proxies) == 1
    [proxy] = proxies.values()
    [config] = [v for v in proxy["volumes"] if v.split(":")[1] == "/etc/nginx/nginx.conf"]
    parsed = crossplane.parse(str(REPO / config.split(":")[0].removeprefix("./")))
    assert parsed["status"] == "ok", parsed["errors"]
    http = _block(parsed["config"][0]["parsed"], "http")
    [upstream] = [d for d in http if d["directive"] == "upstream"]
    balancing = {d["directive"] for d in upstream["block"]} & {"ip_hash", "hash", "least_conn", "random"}
    assert not balancing  # round robin: no stickiness is needed by any request
    targets = {d["args"][0].split(":")[0] for d in upstream["block"] if d["directive"] == "server"}
    assert targets == set(_services("api"))
    passes = [d["args"][0] for server in http if server["directive"] == "server"
              for loc in server["block"] if loc["directive"] == "location"
              for d in loc["block"] if d["directive"] == "proxy_pass"]
    assert f"http://{upstream['args'][0]}" in passes and "http://minio:9000" in passes


def _block(directives: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    [found] = [d for d in directives if d["directive"] == name]
    return list(found["block"])


def test_backing_services_restart_policies_and_health_checks() -> None:
    services = _compose()["services"]
    images = {str(svc.get("image", "")).split(":")[0] for svc in services.values()}
    assert {"postgres", "minio/minio", "redis", "nginx"} <= images
    for name, svc in services.items():
        if svc.get("command") == ["kho", "migrate"]:
            assert svc["restart"] in ("on-failure", "no")  # a one-shot job
            continue
        assert svc.get("restart") == LONG_RUNNING_RESTART, name
        assert svc.get("healthcheck", {}).get("test"), name
        for needed in svc.get("depends_on", {}):
            assert needed in services, f"{name} depends on unknown {needed}"
    migrate = [n for n, s in services.items() if s.get("command") == ["kho", "migrate"]]
    for name, svc in {**_services("api"), **_services("worker")}.items():
        assert svc["depends_on"][migrate[0]]["condition"] == "service_completed_successfully", name
