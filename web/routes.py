"""Mounts the web application on the API app: page routers, /static, and the page security headers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles

from service.core.config import Settings
from service.http.headers import DefaultHeaders
from web import errors
from web.pages import (
    admin,
    admin_orgs,
    admin_trail,
    admin_users,
    admin_vocab,
    asset,
    auth,
    dashboard,
    focal,
    home,
    kits,
    media,
    notifications,
    plans,
    produce,
    review,
    transcript,
    versions,
)
from web.render import WEB_DIR


def content_security_policy(settings: Settings) -> str:
    """Strict: scripts and styles only from our own static files, no inline code anywhere."""
    media = "'self' blob:"
    if settings.storage.backend == "s3":  # presigned URLs point at the object store's own origin
        scheme = "https" if settings.storage.s3_secure else "http"
        media += f" {scheme}://{settings.storage.s3_endpoint}"
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", f"img-src {media} data:",
        # data: for media: the full hls.js build gives the subtitle <track>s it makes an empty "data:,WEBVTT".
        f"media-src {media} data:", f"connect-src {media}",
        "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class CachedStatic(StaticFiles):
    """Static files are small and versioned by query string; let weak networks keep them for a day."""

    async def get_response(self, path: str, scope: Any) -> Any:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def mount_web(app: FastAPI) -> None:
    for module in (auth, home, asset, media, produce, review, admin, admin_orgs, admin_users, admin_vocab, kits,
                   dashboard, notifications, plans, transcript, versions, focal, admin_trail):
        app.include_router(module.router)
    errors.install(app)  # browsers get Vietnamese error pages; API clients keep problem+json
    app.mount("/static", CachedStatic(directory=str(WEB_DIR / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:  # browsers ask for it at the root whatever the page links
        return FileResponse(WEB_DIR / "static" / "favicon.ico", media_type="image/x-icon",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.add_middleware(DefaultHeaders, html_only=lambda: {
        "Content-Security-Policy": content_security_policy(app.state.runtime.settings), "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()"})
