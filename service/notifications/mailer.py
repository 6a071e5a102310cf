"""Sending e-mail: a small protocol, and the SMTP implementation the worker uses."""

from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage as MimeMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import Protocol

from service.core.config import Settings


class Mailer(Protocol):
    def send(self, message: MimeMessage) -> None: ...

    def close(self) -> None: ...


class SmtpMailer:
    """One SMTP connection, opened on first use and reused for a batch (a digest run or an urgent fan-out
    to thousands of people must not open a connection per message)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings.mail
        if s.smtp_tls == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds,
                                                 context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            if s.smtp_tls == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            conn.login(s.smtp_user, s.smtp_password)
        return conn

    def send(self, message: MimeMessage) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # the next message reconnects
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._conn = None


def mime(*, sender: str, to: str, subject: str, text: str, html: str, key: str, unsubscribe: str,
         domain: str) -> MimeMessage:
    """The message itself: text and HTML alternatives, a Message-ID derived from the idempotency key (a
    receiving system can recognise a repeat), and List-Unsubscribe pointing at the settings page."""
    # No folding below the SMTP line limit: CPython's folder drops the space between two encoded words of a
    # long non-ASCII Subject ("Tổ chức" arrived as "Tổchức"); one unfolded encoded line is valid and exact.
    msg = MimeMessage(policy=SMTP.clone(max_line_length=998))
    msg["From"] = sender
    msg["To"] = str(Address(addr_spec=to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=key.replace(":", "."), domain=domain)
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg
