"""The upload page tells the truth at every moment: no "no files" line once files are chosen, fields per kind, rows
removable before sending, each row through queued → sending % → processing (per output) → done, and then the
next step ("Gửi duyệt ngay" for one, "Gửi duyệt tất cả" for the rest) submits for review without leaving the page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.browser.conftest import Live, inspect_page
from tests.browser.test_browser_flow import new_page, sign_in
from tests.support import require_or_skip

# Every state a row passes through, in order, recorded by the page itself (a MutationObserver), so a state that
# lasts a few milliseconds is still seen.
RECORD_STATES = """() => {
  window.rowStates = {};
  const note = (row, state) => {
    const name = row.querySelector('.file-name .name').textContent;
    const seen = window.rowStates[name] = window.rowStates[name] || [];
    if (state && seen[seen.length - 1] !== state) seen.push(state);
  };
  document.querySelectorAll('.file-row').forEach((row) => note(row, row.dataset.state));
  new MutationObserver((changes) => {
    const rows = changes.map((c) => c.target).filter((t) => t.classList.contains('file-row'));
    // The records come in order, so their old values replay every state however brief; then the current one.
    changes.forEach((c) => { if (c.target.classList.contains('file-row')) note(c.target, c.oldValue); });
    new Set(rows).forEach((row) => note(row, row.dataset.state));
  }).observe(document.getElementById('file-list'),
              { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true, subtree: true });
}"""


def _files(folder: Path) -> tuple[Path, Path, Path]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 1000), (245, 240, 228))
    ImageDraw.Draw(image).rectangle((30, 30, 770, 200), fill=(20, 70, 140))
    image.putpixel((2, 2), tuple(os.urandom(3)))  # unique bytes: duplicates are refused
    poster = folder / "ap-phich-71.png"
    image.save(poster)
    spare = folder / "ban-nhap-thua.png"
    image.putpixel((3, 3), tuple(os.urandom(3)))
    image.save(spare)
    ffmpeg = shutil.which("ffmpeg")
    require_or_skip(ffmpeg is not None, "ffmpeg is not installed")
    audio = folder / "ban-tin-loa.mp3"
    subprocess.run([ffmpeg or "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={300 + os.getpid() % 200}", "-t", "3", str(audio)], check=True, timeout=60)
    return poster, audio, spare


def test_upload_states_fields_per_kind_and_next_step(browser: Any, live: Live, tmp_path: Path) -> None:
    poster, audio, spare = _files(tmp_path)
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/tai-len")
    assert page.locator("#no-files").is_visible()

    page.set_input_files("#files", [str(poster), str(audio), str(spare)])
    assert page.locator("#no-files").is_hidden()  # "Chưa chọn tệp nào." goes once files are chosen
    rows = page.locator(".file-row")
    assert rows.count() == 3
    assert [rows.nth(i).get_attribute("data-state") for i in range(3)] == ["ready"] * 3
    # Fields per kind: the image description is asked for an infographic, not for audio.
    assert page.input_value("#f0-kind") == "infographic" and page.input_value("#f1-kind") == "podcast"
    assert page.locator("#f0-alt_text").is_visible() and page.locator("#f1-alt_text").is_hidden()
    assert rows.nth(0).locator(".focal").is_visible() and rows.nth(1).locator(".focal").is_hidden()

    rows.nth(2).locator(".remove-row").click()  # removable before sending
    assert rows.count() == 2 and "ban-nhap-thua" not in page.locator("#file-list").inner_text()

    page.fill("#f0-title", "Áp phích Nghị quyết 71 cho bảng tin trường")
    page.fill("#f1-title", "Bản tin loa truyền thanh: Nghị quyết 71")
    page.click("#upload-start")  # refused here first: the infographic has no description yet
    assert rows.nth(0).get_attribute("data-state") == "refused"
    assert "mô tả ảnh" in rows.nth(0).locator(".row-status").inner_text().lower()
    page.fill("#f0-alt_text", "Áp phích nền kem, dải tiêu đề xanh ở trên cùng.")
    assert rows.nth(0).get_attribute("data-state") == "ready"  # the message does not outlive its cause

    page.evaluate(RECORD_STATES)
    page.click("#upload-start")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.file-row'))"
                           ".every(r => r.dataset.state === 'done')", timeout=240000)
    states = page.evaluate("() => window.rowStates")
    for name in (poster.name, audio.name):
        assert states[name] == ["ready", "queued", "sending", "processing", "done"], (name, states[name])
    for i in range(2):
        row = rows.nth(i)
        assert row.locator("progress").is_hidden()
        assert row.locator(".row-outputs li").count() >= 1  # each channel's output and its state
        assert row.locator(".row-outputs .badge.ok").count() == row.locator(".row-outputs li").count()
        assert row.locator(".submit-now").is_visible()
    assert page.locator("#upload-next").is_visible()
    assert page.inner_text("#upload-status") == "2/2 Đã tải lên"
    inspect_page(page, "upload-done")

    rows.nth(0).locator(".submit-now").click()  # "Gửi duyệt ngay" for one …
    page.wait_for_function("() => document.querySelector('.file-row').dataset.state === 'submitted'")
    page.click("#submit-all")  # … and for all the rest
    page.wait_for_function("() => Array.from(document.querySelectorAll('.file-row'))"
                           ".every(r => r.dataset.state === 'submitted')")
    assert "1/1" in page.inner_text("#submit-all-status")
    inspect_page(page, "upload-submitted")

    page.goto("/cua-toi")
    for title in ("Áp phích Nghị quyết 71 cho bảng tin trường", "Bản tin loa truyền thanh: Nghị quyết 71"):
        row = page.locator("tr", has=page.locator("a", has_text=title))
        assert "Chờ duyệt" in row.inner_text(), title
    assert page.csp_violations == []
    page.context.close()
