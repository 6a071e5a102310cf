"""The pure rules of notifications: mandatory kinds, the urgent scope, the digest cut-off, backoff, content."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy

from service.models import Organisation
from service.notifications import kinds
from service.notifications.content import Notice, mail_for
from service.notifications.delivery import MAIL_RETRY
from service.notifications.digests import last_cutoff
from service.notifications.mailer import mime
from service.notifications.recipients import scope_path


def org(kind: str, path: str) -> Organisation:
    return Organisation(id=uuid.uuid4(), code=kind, name=kind, kind=kind, path=path)


def test_mandatory_kinds_are_always_immediate() -> None:
    for kind in kinds.MANDATORY:
        assert kinds.effective_mode(kind, "off") == "immediate"
        assert kinds.effective_mode(kind, "digest") == "immediate"
    assert kinds.effective_mode("published", "digest") == "digest"
    assert kinds.effective_mode("published", "off") == "off"
    assert kinds.effective_mode("published", None) == "immediate"
    assert kinds.effective_mode("published", "bogus") == "immediate"


def test_urgent_scope_of_each_kind_of_unit() -> None:
    ministry, province = org("ministry", "/m/"), org("province", "/m/p/")
    assert scope_path(org("ministry_unit", "/m/o/"), ministry) == "/m/"
    assert scope_path(org("department", "/m/p/s/"), province) == "/m/p/"
    # A department directly under the Ministry (a test tree, or a Ministry department) keeps its own subtree.
    assert scope_path(org("department", "/m/d/"), ministry) == "/m/d/"
    assert scope_path(org("school", "/m/p/c/h/"), org("commune", "/m/p/c/")) == "/m/p/c/h/"
    assert scope_path(ministry, None) == "/m/"


def test_digest_cutoff_is_the_last_seven_o_clock_in_vietnam() -> None:
    # 07:00 in Vietnam is 00:00 UTC.
    assert last_cutoff(datetime(2026, 12, 3, 0, 30, tzinfo=UTC), 7) == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    assert last_cutoff(datetime(2026, 12, 2, 23, 59, tzinfo=UTC), 7) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)


def test_backoff_grows_and_is_capped() -> None:
    steps = [MAIL_RETRY.ceiling(n) for n in range(1, 15)]
    assert steps[0] == 30 and steps == sorted(steps)
    assert max(steps) == 3600
    assert MAIL_RETRY.next_delay(11) is not None and MAIL_RETRY.next_delay(12) is None  # then it is marked failed


def test_mail_reads_back_with_diacritics_and_links() -> None:
    notice = Notice(kind="withdrawn", title="Nghị quyết 71: số liệu sai", link="https://kho.vn/tai-nguyen/1",
                    reason="Số liệu đã cũ", replacement_title="Bản đính chính", replacement_link="https://kho.vn/r")
    mail = mail_for(notice, "https://kho.vn/thong-bao/cai-dat")
    raw = mime(sender="Kho <no-reply@kho.vn>", to="giao.vien@truong.edu.vn", subject=mail.subject, text=mail.text,
               html=mail.html, key="n:1", unsubscribe="https://kho.vn/thong-bao/cai-dat", domain="kho.vn").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Đã thu hồi, ngừng sử dụng: Nghị quyết 71: số liệu sai"
    assert parsed["List-Unsubscribe"] == "<https://kho.vn/thong-bao/cai-dat>"
    assert parsed["Message-ID"].endswith("@kho.vn>")
    text = parsed.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = parsed.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Lý do: Số liệu đã cũ" in text and "Reason: Số liệu đã cũ" in text
    assert 'href="https://kho.vn/tai-nguyen/1"' in html and "Bản đính chính" in html


def test_a_long_vietnamese_subject_arrives_exactly() -> None:
    """CPython's header folder loses the space between two encoded words ("Tổ chức" → "Tổchức")."""
    subject = "Nhiệm vụ quá hạn (31/03/2031): Tổ chức chuyên đề về Nghị quyết 71 " + "đột phá giáo dục " * 12
    raw = mime(sender="Kho Truyền Thông <no-reply@kho.vn>", to="a@truong.vn", subject=subject, text="t",
               html="<p>h</p>", key="n:2", unsubscribe="https://kho.vn/x", domain="kho.vn").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == subject and parsed["From"] == "Kho Truyền Thông <no-reply@kho.vn>"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
