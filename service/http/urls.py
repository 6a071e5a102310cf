"""The one place that builds the public URLs the product hands out: feeds, ninjs, webhooks, the rights
embedded in delivered files, kit READMEs and manifests. Every emitter calls these, and every URL they
build is served (the link-crawl test in tests/service/publication/test_links.py follows each one).

Canonical forms: an asset is its web page `/tai-nguyen/{id}`, a kit its page `/bo-suu-tap/{slug}`,
a vocabulary term `/vocab/{vocabulary}/{code}`. Older forms (`/assets/{id}`, `/kits/{slug}`) redirect."""

from __future__ import annotations

from urllib.parse import quote

from service.core.runtime import get_settings

ASSET_PAGE = "/tai-nguyen/{asset_id}"
KIT_PAGE = "/bo-suu-tap/{slug}"


def base_url() -> str:
    return get_settings().base_url.rstrip("/")


def home() -> str:
    return base_url() + "/"


def asset_page(asset_id: object) -> str:
    return base_url() + ASSET_PAGE.format(asset_id=asset_id)


def kit_page(slug: str) -> str:
    return base_url() + KIT_PAGE.format(slug=quote(slug, safe=""))


def kit_zip(slug: str) -> str:
    return f"{base_url()}/api/v1/kits/{quote(slug, safe='')}.zip"


def vocabulary(name: str) -> str:
    return f"{base_url()}/vocab/{quote(name, safe='')}"


def term(name: str, code: str) -> str:
    return f"{vocabulary(name)}/{quote(code, safe='')}"


def news_item(asset_id: object) -> str:
    return f"{base_url()}/api/v1/news/items/{asset_id}"


def podcast_episode(asset_id: object) -> str:
    return f"{base_url()}/feeds/podcast/{asset_id}.mp3"


def podcast_transcript(asset_id: object) -> str:
    return f"{base_url()}/feeds/podcast/{asset_id}.vtt"


def podcast_cover() -> str:
    return f"{base_url()}/feeds/podcast/cover.jpg"


# Pages of the signed-in web app that e-mails link to (notifications).
def plan_page(plan_id: object) -> str:
    return f"{base_url()}/ke-hoach/{plan_id}"


def line_report(org_code: str | None = None, period: str | None = None) -> str:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in (("don_vi", org_code), ("ky", period)) if v)
    return f"{base_url()}/bao-cao/tuyen" + (f"?{query}" if query else "")


def evidence_page() -> str:
    return f"{base_url()}/minh-chung"


def notification_settings() -> str:
    return f"{base_url()}/thong-bao/cai-dat"
