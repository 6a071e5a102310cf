"""What a notification says, in the app and in its e-mail (pure functions: no database, no network)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from service.i18n import nfc, ui_text


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str  # the asset's title (or the subject's), not the headline
    link: str  # absolute URL of the canonical page
    reason: str | None = None
    replacement_title: str | None = None
    replacement_link: str | None = None
    reminder: bool = False
    quote: str | None = None  # a comment's words
    due: str | None = None  # a deadline, as people write it (dd/mm/yyyy)


def headline(notice: Notice, lang: str) -> str:
    key = "notify_urgent_review_again" if notice.reminder else f"notify_{notice.kind}"
    return ui_text(key, lang, title=notice.title, due=notice.due or "")


def lines(notice: Notice, lang: str) -> list[str]:
    """The body as paragraphs of plain text."""
    out = []
    if notice.kind == "withdrawn":
        out.append(ui_text("notify_withdrawn_body", lang))
    if notice.quote:
        out.append(f"“{notice.quote}”")
    if notice.reason:
        out.append(ui_text("notify_reason", lang, reason=notice.reason))
    if notice.replacement_title and notice.replacement_link:
        out.append(ui_text("notify_replacement", lang, title=notice.replacement_title, link=notice.replacement_link))
    return out


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def _block(notice: Notice, lang: str) -> tuple[str, str]:
    open_label = ui_text("notify_open", lang)
    text = "\n".join([headline(notice, lang), *lines(notice, lang), f"{open_label}: {notice.link}"])
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in lines(notice, lang))
    link = html.escape(notice.link, quote=True)
    markup = (f'<h2 style="font-size:18px">{html.escape(headline(notice, lang))}</h2>{paras}'
              f'<p><a href="{link}">{html.escape(open_label)}</a></p>')
    return text, markup


def _wrap(blocks: list[tuple[str, str]], prefs_url: str) -> tuple[str, str]:
    footer_vi, footer_en = ui_text("notify_footer", "vi", prefs=prefs_url), ui_text("notify_footer", "en",
                                                                                      prefs=prefs_url)
    text = "\n\n".join(b[0] for b in blocks) + f"\n\n--\n{footer_vi}\n{footer_en}\n"
    body = "".join(b[1] for b in blocks)
    markup = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"></head>'
              f'<body style="font-family:Arial,sans-serif;line-height:1.5">{body}<hr>'
              f'<p style="color:#555;font-size:13px">{html.escape(footer_vi)}<br>'
              f'<span lang="en">{html.escape(footer_en)}</span></p></body></html>')
    return text, markup


def mail_for(notice: Notice, prefs_url: str) -> Mail:
    """One notification's e-mail: Vietnamese first, English after it."""
    text, markup = _wrap([_block(notice, "vi"), _block(notice, "en")], prefs_url)
    return Mail(nfc(headline(notice, "vi")), nfc(text), nfc(markup))


def digest_for(notices: list[Notice], day: date, prefs_url: str) -> Mail:
    text, markup = _wrap([_block(n, "vi") for n in notices], prefs_url)
    subject = ui_text("notify_digest_subject", "vi", date=day.strftime("%d/%m/%Y"), count=len(notices))
    return Mail(nfc(subject), nfc(text), nfc(markup))
