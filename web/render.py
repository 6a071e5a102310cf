"""Template rendering: one autoescaping Jinja2 environment, the UI catalogue, NFC on every output."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from service.core.runtime import runtime_of
from service.i18n import has_text, ui_text
from web.flash import clear as clear_flash
from web.flash import peek as peek_flash
from web.session import csrf_for_page, set_anon_csrf_cookie
from web.wording import period_label

WEB_DIR = Path(__file__).resolve().parent
LANGS = ("vi", "en")
LANG_COOKIE = "lang"


def _nfc_finalize(value: Any) -> Any:
    # Every string reaching a page is NFC; Markup stays Markup so it is not escaped twice.
    if isinstance(value, Markup):
        return Markup(unicodedata.normalize("NFC", str(value)))
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def _filesize(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return f"{n} B"


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


env = Environment(loader=FileSystemLoader(str(WEB_DIR / "templates")),
                  autoescape=select_autoescape(default=True, default_for_string=True),
                  finalize=_nfc_finalize, trim_blocks=True, lstrip_blocks=True)
def _show_value(value: Any) -> str:
    """A metadata value in a diff cell: lists joined, absent values as a dash, dates in Vietnamese order."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return str(value)


env.filters["filesize"] = _filesize
env.filters["duration"] = _duration
env.filters["show_value"] = _show_value


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "vi")
    return lang if lang in LANGS else "vi"


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **params: object) -> str:
        return ui_text(key, lang, **params)

    return t


def t_or(lang: str) -> Callable[[str, str], str]:
    """The catalogue text of `key`, or `fallback` when the catalogue has none (e.g. a field name)."""
    def text(key: str, fallback: str) -> str:
        return ui_text(key, lang) if has_text(key) else fallback

    return text


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a page. `request.state.web_user` (set by the session dependency) feeds the header."""
    lang = lang_of(request)
    pending = peek_flash(request)
    user = getattr(request.state, "web_user", None)
    csrf, new_cookie = csrf_for_page(request, user)
    ctx: dict[str, Any] = {"request": request, "lang": lang, "t": translator(lang), "t_or": t_or(lang), "user": user,
                           "csrf_token": csrf, "path": request.url.path,
                           "flash": (ui_text(pending.key, lang, **pending.params), pending.level)
                           if pending and has_text(pending.key) else None,
                           "period_label": lambda code: period_label(str(code), lang)}
    ctx.update(context or {})
    html = env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if pending:  # shown once: the next page is quiet again
        clear_flash(response)
    if new_cookie:
        set_anon_csrf_cookie(response, runtime_of(request).settings, csrf)
    return response

