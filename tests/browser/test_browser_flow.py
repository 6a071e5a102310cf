"""The whole journey in Debian Chromium: upload → renditions appear → submit → approve → search without
diacritics → filter → download the Zalo OA rendition → kit → admin (API key, organisation, every admin page)
→ every page of every role. Every page visited is inspected at 1366 and 390 px (inspect_page): no horizontal
scroll, no axe-core violation of any impact, and a full-page screenshot in test-artifacts/screenshots/."""

from __future__ import annotations

import io
import json
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Live, inspect_page
from tests.support import require_or_skip

INFOGRAPHIC_TITLE = "Nghị quyết 71: đột phá phát triển giáo dục và đào tạo"
VIDEO_TITLE = "Tôn vinh nhà giáo nhân Ngày Nhà giáo Việt Nam 20/11"
STATE: dict[str, Any] = {}


def new_page(browser: Any, live: Live, *, bypass_csp: bool = False) -> Any:
    context = browser.new_context(base_url=live.base, viewport={"width": 1366, "height": 900},
                                  accept_downloads=True, bypass_csp=bypass_csp, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_violations = violations
    return page


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/dang-nhap'] button[type=submit]")
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def asset_id_of(link: str) -> str:
    return link.rsplit("/", 1)[-1]


def test_producer_uploads_sees_renditions_and_submits(browser: Any, live: Live, media_dir: Path) -> None:
    page = new_page(browser, live)
    page.goto("/dang-nhap")
    inspect_page(page, "01-sign-in")
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/tai-len")
    page.set_input_files("#files", [str(media_dir / "nghi-quyet-71.png"), str(media_dir / "ngay-nha-giao.mp4")])
    page.fill("#f0-title", INFOGRAPHIC_TITLE)
    page.fill("#f1-title", VIDEO_TITLE)
    assert page.input_value("#f0-kind") == "infographic" and page.input_value("#f1-kind") == "video"
    page.check("input[name='audiences'][value='nha-giao']")
    page.fill("#credit", "Sở Giáo dục và Đào tạo thành phố Huế")
    page.click("#upload-start")  # refused: an infographic needs alt text
    assert "mô tả ảnh" in page.locator(".file-row").first.locator(".row-status").inner_text().lower()
    page.fill("#f0-alt_text", "Infographic nền kem, tiêu đề đỏ, bốn ý chính về Nghị quyết 71.")
    page.click(".focal-picker", position={"x": 30, "y": 30})
    inspect_page(page, "02-upload")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}") if "/api/v1/" in r.url else None)
    page.click("#upload-start")
    page.locator(".row-status a").nth(1).wait_for()
    # Both files went through the resumable tus endpoint (test_resumable_upload covers chunking and resuming).
    assert sum(1 for r in sent if r.startswith("POST") and r.endswith("/api/v1/uploads")) == 2, sent
    assert sum(1 for r in sent if r.startswith("PATCH ")) >= 2, sent
    assert not any(r.startswith("POST") and r.endswith("/api/v1/assets") for r in sent), sent
    links = [page.locator(".row-status a").nth(i).get_attribute("href") for i in range(2)]
    STATE["infographic"], STATE["video"] = links
    infographic_id = asset_id_of(links[0])

    # "My assets" polls job progress and fills in the rendition count live, without a reload.
    page.goto("/cua-toi")
    assert INFOGRAPHIC_TITLE in page.content() and VIDEO_TITLE in page.content()
    page.wait_for_function(
        "id => Number(document.querySelector(`[data-rendition-count='${id}']`).textContent) > 0",
        arg=infographic_id, timeout=180000)
    STATE["renditions"] = int(page.inner_text(f"[data-rendition-count='{infographic_id}']"))
    inspect_page(page, "03-my-assets")

    page.goto(links[0])
    assert page.locator("h1").inner_text() == INFOGRAPHIC_TITLE
    assert page.locator("#kenh-zalo-oa summary", has_text="Zalo").count() == 1
    inspect_page(page, "04-asset-draft")
    page.fill("#comment", "Nhờ duyệt gấp cho kỳ 20/11.")
    page.click("form[action$='/gui-duyet'] button")
    page.wait_for_url(f"**{links[0]}")
    assert "Chờ duyệt" in page.locator("h1 + .meta").inner_text()
    page.goto("/cua-toi")  # the video is submitted from the list
    page.click(f"form[action='/tai-nguyen/{asset_id_of(links[1])}/gui-duyet'] button")
    page.wait_for_url("**/cua-toi")
    row = page.locator("tr", has=page.locator(f"a[href='{links[1]}']"))
    assert "Chờ duyệt" in row.inner_text()
    assert page.csp_violations == []
    page.context.close()


def test_reviewer_approves_in_the_review_page(browser: Any, live: Live) -> None:
    require_or_skip("video" in STATE, "the upload step did not run")
    page = new_page(browser, live)
    sign_in(page, live.reviewer.email, live.reviewer.password)
    page.goto("/duyet")
    assert INFOGRAPHIC_TITLE in page.content() and VIDEO_TITLE in page.content()
    inspect_page(page, "05-review-queue")
    for key in ("infographic", "video"):
        asset_id = asset_id_of(STATE[key])
        page.goto(f"/duyet/{asset_id}")
        if key == "infographic":
            assert "Nhờ duyệt gấp" in page.content()  # the producer's note is in the thread
            inspect_page(page, "06-review-detail")
        page.check("#decision-approve")
        page.fill("#comment", "Đồng ý phát hành.")
        page.click("#decision-form button[type=submit]")
        page.click("#confirm-decision [data-confirm-yes]")  # one decision, confirmed
        page.wait_for_url("**/duyet")
        assert "Đã duyệt" in page.locator("#flash").inner_text()
    assert INFOGRAPHIC_TITLE not in page.content()
    assert page.csp_violations == []
    page.context.close()
    STATE["approved"] = True


def test_staff_finds_without_diacritics_filters_and_downloads_zalo(browser: Any, live: Live) -> None:
    if not STATE.get("approved"):
        pytest.skip("nothing was approved (an earlier step failed)")
    page = new_page(browser, live)
    sign_in(page, live.staff.email, live.staff.password)
    deadline = time.monotonic() + 60
    while True:  # the search index follows the outbox, a moment after the approval
        page.goto("/?q=" + urllib.request.quote("nghi quyet dot pha"))
        if INFOGRAPHIC_TITLE in page.locator(".cards .card-title").all_inner_texts() or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    page.fill("#q", "nghi quyet dot pha")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=*")
    assert INFOGRAPHIC_TITLE in page.locator(".cards .card-title").all_inner_texts()
    page.check("fieldset:has(legend:has-text('Đối tượng')) input[value='nha-giao']")
    page.wait_for_url("**audience=nha-giao*")
    assert INFOGRAPHIC_TITLE in page.locator(".cards .card-title").all_inner_texts()
    inspect_page(page, "07-search")
    page.click(f".card-title:has-text('{INFOGRAPHIC_TITLE}')")
    page.wait_for_url("**/tai-nguyen/*")
    inspect_page(page, "08-asset")
    zalo = page.locator("#kenh-zalo-oa .channel-file a")  # "Đăng ở đâu?" → Zalo OA: the one file for it
    assert zalo.count() == 1
    with page.expect_download() as info:
        zalo.first.click()
    data = Path(info.value.path()).read_bytes()
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    assert image.format in ("JPEG", "PNG") and len(data) <= 1024 * 1024, (image.format, len(data))
    assert "Zalo" in info.value.suggested_filename or "zalo" in info.value.suggested_filename
    assert page.csp_violations == []
    page.context.close()


def test_video_page_plays_once_processed(browser: Any, live: Live) -> None:
    if not STATE.get("approved"):
        pytest.skip("nothing was approved")
    page = new_page(browser, live)
    sign_in(page, live.staff.email, live.staff.password)
    deadline = time.monotonic() + 300
    while True:
        page.goto(STATE["video"])
        if page.locator("video.player").count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    video = page.locator("video.player")
    assert video.count() == 1, "the video's renditions did not appear in time"
    assert (video.get_attribute("data-hls") or "").startswith("/tep/hls/")  # the web-hls set is complete
    hls_files: list[str] = []
    page.on("response", lambda r: hls_files.append(r.url) if "/tep/hls/" in r.url and r.ok else None)
    page.reload()
    page.click("[data-play]")  # nothing but the poster is fetched before play (test_players checks the bytes)
    # Native HLS (recent Chromium) plays the master URL; elsewhere hls.js feeds a blob: URL. Either way the
    # playlists and segments come through the page route.
    page.wait_for_function("() => { const v = document.querySelector('video.player');"
                           " return v.readyState >= 1 && (v.currentSrc.endsWith('master.m3u8')"
                           " || v.currentSrc.startsWith('blob:')); }", timeout=30000)
    page.wait_for_function("() => document.querySelector('video.player').readyState >= 2", timeout=30000)
    assert any(u.endswith("init.mp4") for u in hls_files) and any(u.endswith(".m4s") for u in hls_files), hls_files
    assert page.evaluate("() => document.querySelector('video.player').duration") > 3
    inspect_page(page, "11-video")
    assert page.csp_violations == []
    page.context.close()

    # Where a browser has no native HLS, the vendored hls.js plays it through Media Source Extensions,
    # under the same strict CSP (its worker comes from a blob: URL).
    page = new_page(browser, live)
    page.add_init_script("const orig = HTMLMediaElement.prototype.canPlayType;"
                         "HTMLMediaElement.prototype.canPlayType = function (t) {"
                         " return /mpegurl/i.test(t) ? '' : orig.call(this, t); };")
    sign_in(page, live.staff.email, live.staff.password)
    page.goto(STATE["video"])
    page.click("[data-play]")
    page.wait_for_function("() => { const v = document.querySelector('video.player');"
                           " return v.currentSrc.startsWith('blob:') && v.readyState >= 2; }", timeout=30000)
    assert page.csp_violations == []
    page.context.close()


def test_producer_builds_kit_and_downloads_zip(browser: Any, live: Live) -> None:
    if not STATE.get("approved"):
        pytest.skip("needs an approved asset")
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/bo-suu-tap")
    page.fill("#kit-title", "Ngày Nhà giáo 20/11 — bộ truyền thông")
    row = page.locator(".check", has=page.locator(f"label:has-text('{INFOGRAPHIC_TITLE}')"))
    row.locator("input[type=checkbox]").check()
    row.locator("select").select_option("zalo-oa")
    page.click("form[action='/bo-suu-tap'] button[type=submit]")
    page.wait_for_url("**/bo-suu-tap")
    inspect_page(page, "10-kits")
    with page.expect_download() as info:
        page.locator("a[href$='.zip']").first.click()
    with zipfile.ZipFile(info.value.path()) as archive:
        names = archive.namelist()
    assert len(names) >= 2 and any("readme" in n.lower() for n in names), names
    page.context.close()


def test_admin_creates_newsroom_key_and_organisation(browser: Any, live: Live) -> None:
    page = new_page(browser, live)
    sign_in(page, live.admin.email, live.admin.password)
    page.goto("/quan-tri/khoa-api")
    page.fill("#key-name", "Báo Giáo dục và Thời đại — cổng tin")
    page.select_option("#key-org", label="Báo Giáo dục và Thời đại")
    page.click("form[action='/quan-tri/khoa-api'] button[type=submit]")
    key = page.input_value("#new-key")
    assert key.startswith("kho_k")
    inspect_page(page, "09-api-key")
    request = urllib.request.Request(f"{live.base}/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["kind"] == "client"
    page.reload()
    assert key not in page.content()

    code = f"DT-{uuid.uuid4().hex[:6]}"
    page.goto("/quan-tri/don-vi")
    page.select_option("#org-parent", label="Bộ Giáo dục và Đào tạo")
    page.fill("#org-code", code)
    page.fill("#org-name", "Đài Phát thanh và Truyền hình Huế")
    page.select_option("#org-kind", "newsroom")
    page.fill("#org-levels", "2")
    page.click("form[action='/quan-tri/don-vi'] button[type=submit]")
    page.wait_for_url("**/quan-tri/don-vi")
    row = page.locator("tr", has=page.locator("td", has_text=code))
    assert "Đài Phát thanh và Truyền hình Huế" in row.inner_text() and "2" in row.inner_text()
    inspect_page(page, "12-admin-orgs")
    for path, name in (("/quan-tri", "13-admin"), ("/quan-tri/nguoi-dung", "14-admin-users"),
                       ("/quan-tri/tu-vung", "15-admin-vocab"), ("/quan-tri/ho-so", "16-admin-profiles"),
                       ("/quan-tri/webhook", "17-admin-webhooks"), ("/bao-cao", "18-dashboard")):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        inspect_page(page, name)
    page.goto("/quan-tri/webhook")
    page.click("a:has-text('Báo Giáo dục và Thời đại — cổng tin')")
    inspect_page(page, "19-admin-webhooks-key")
    page.goto("/bao-cao")
    assert page.locator(".chart svg").count() >= 1  # downloads above make at least one chart
    assert page.csp_violations == []
    page.context.close()


# Every page of the web application, by the role that uses it. A page added later is one line here; "{name}" is
# filled from STATE (assets of the journey, the plan made below). Each is inspected at both widths.
PAGES: list[tuple[str, str, str]] = [
    ("anonymous", "/dang-nhap", "sign-in"),
    ("producer", "/", "producer-search"),
    ("producer", "/tai-len", "producer-upload"),
    ("producer", "/cua-toi", "producer-my-assets"),
    ("producer", "{infographic}", "producer-asset-infographic"),
    ("producer", "{infographic}/diem-chinh", "producer-focal-point"),
    ("producer", "{infographic}/phien-ban-moi", "producer-new-version"),
    ("producer", "/bo-suu-tap", "producer-kits"),
    ("producer", "/thong-bao", "producer-notifications"),
    ("producer", "/thong-bao/cai-dat", "producer-notification-settings"),
    ("reviewer", "/duyet", "reviewer-queue"),
    ("reviewer", "/bao-cao", "reviewer-dashboard"),
    ("reviewer", "/ke-hoach", "reviewer-plans"),
    ("reviewer", "{plan}", "reviewer-plan"),
    ("reviewer", "/minh-chung/duyet", "reviewer-evidence-review"),
    ("reviewer", "/bao-cao/tuyen", "reviewer-line-report"),
    ("staff", "/?q=nghi+quyet", "staff-search"),
    ("staff", "{infographic}", "staff-asset-infographic"),
    ("staff", "{video}", "staff-asset-video"),
    ("staff", "/minh-chung", "staff-evidence"),
    ("staff", "/thong-bao", "staff-notifications"),
    ("admin", "/quan-tri", "admin-index"),
    ("admin", "/quan-tri/nguoi-dung", "admin-users"),
    ("admin", "/quan-tri/don-vi", "admin-orgs"),
    ("admin", "/quan-tri/tu-vung", "admin-vocab"),
    ("admin", "/quan-tri/ho-so", "admin-profiles"),
    ("admin", "/quan-tri/khoa-api", "admin-keys"),
    ("admin", "/quan-tri/webhook", "admin-webhooks"),
    ("admin", "/quan-tri/cay-don-vi", "admin-org-tree"),
    ("admin", "/quan-tri/nhat-ky", "admin-audit-trail"),
    ("staff", "/trang-khong-co", "error-not-found"),
]


def make_plan(page: Any) -> str:
    """A plan of the signed-in user's unit, made through the API with the page's session (and its CSRF token)."""
    token = page.locator("input[name='csrf_token']").first.get_attribute("value")
    response = page.request.post("/api/v1/plans", headers={"X-CSRF-Token": token},
                                 data={"year": 2026, "title": "Kế hoạch truyền thông Nghị quyết 71 năm 2026",
                                       "number": "71/KH-UBND"})
    assert response.ok, response.text()
    return f"/ke-hoach/{response.json()['id']}"


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser: Any, live: Live) -> None:
    accounts = {"producer": live.producer, "reviewer": live.reviewer, "staff": live.staff, "admin": live.admin}
    seen: list[str] = []
    for role in dict.fromkeys(role for role, _, _ in PAGES):
        page = new_page(browser, live)
        if role != "anonymous":
            account = accounts[role]
            sign_in(page, account.email, account.password)
            if role == "reviewer" and "plan" not in STATE:
                STATE["plan"] = make_plan(page)
        for who, path, name in PAGES:
            if who != role:
                continue
            key = path[1:path.index("}")] if path.startswith("{") else None
            if key is not None and key not in STATE:
                continue  # an earlier step that makes it did not run
            page.goto(STATE[key] + path[path.index("}") + 1:] if key else path)
            assert page.locator("h1").count() == 1, path
            inspect_page(page, f"page-{name}")
            seen.append(name)
        assert page.csp_violations == []
        page.context.close()
    assert len(seen) >= len(PAGES) - 3, seen  # only the journey's assets may be missing


def test_producer_withdraws_and_sees_who_downloaded(browser: Any, live: Live) -> None:
    """Last, since it takes the infographic out of circulation: reason required, downloaders listed."""
    if not STATE.get("approved"):
        pytest.skip("needs an approved asset")
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto(STATE["infographic"])
    page.click("details.danger summary")
    page.click("form[action$='/thu-hoi'] button")  # refused by the browser: the reason is required
    assert page.url.endswith(STATE["infographic"])
    page.fill("#withdraw-reason", "Số liệu đã được cập nhật trong bản mới.")
    page.click("form[action$='/thu-hoi'] button")
    page.wait_for_selector("#nguoi-da-tai")
    listed = page.locator("#nguoi-da-tai + ul").inner_text()
    assert "Trường THCS Nguyễn Tri Phương" in listed, listed  # the staff member's school downloaded it
    assert "Đã thu hồi" in page.locator("h1 + .meta").inner_text()
    inspect_page(page, "20-asset-withdrawn")
    assert page.csp_violations == []
    page.context.close()
