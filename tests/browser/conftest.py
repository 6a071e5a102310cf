"""A live server (uvicorn in a thread, real worker for renditions) and Debian Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live import LiveServer
from tests.support import require_or_skip

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# `npm install --prefix node_modules_root axe-core@4` puts it under node_modules/; a copy of the node_modules
# folder itself (as on the CI image) has it at the top.
AXE = next((p for p in (Path(__file__).parent / "node_modules_root" / "node_modules" / "axe-core" / "axe.min.js",
                        Path(__file__).parent / "node_modules_root" / "axe-core" / "axe.min.js") if p.exists()),
           Path(__file__).parent / "node_modules_root" / "node_modules" / "axe-core" / "axe.min.js")
WIDTHS = ((1366, 900), (390, 844))  # an office PC and a phone
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class Account:
    email: str
    password: str


@dataclass
class Live:
    base: str
    var_dir: Path
    producer: Account
    reviewer: Account
    staff: Account
    admin: Account
    newsroom_code: str
    stopped: bool = False


def _accounts() -> tuple[dict[str, Account], str]:
    from service.auth import service as auth_service
    from service.core.db import unit_of_work
    from service.orgs import repository as orgs_repo
    from service.orgs import service as orgs
    from service.users.bootstrap import ROOT_CODE, ensure_root_org

    ensure_root_org()
    tag = uuid.uuid4().hex[:6]
    units = [(f"P-{tag}", "Ủy ban nhân dân thành phố Huế", "province", ROOT_CODE),
             (f"S-{tag}", "Sở Giáo dục và Đào tạo thành phố Huế", "department", f"P-{tag}"),
             (f"T-{tag}", "Trường THCS Nguyễn Tri Phương", "school", f"P-{tag}"),
             (f"N-{tag}", "Báo Giáo dục và Thời đại", "newsroom", ROOT_CODE)]
    roles = {"producer": f"S-{tag}", "reviewer": f"P-{tag}", "staff": f"T-{tag}", "admin": ROOT_CODE}
    accounts = {}
    with unit_of_work() as session:
        for code, name, kind, parent in units:
            orgs.create(session, code=code, name=name, kind=kind, parent_code=parent)
        for role, code in roles.items():
            org = orgs_repo.by_code(session, code)
            assert org is not None
            account = Account(f"{role}-{tag}@truong.edu.vn", f"mat-khau-{role}-{tag}")
            auth_service.create_user(session, email=account.email, full_name=f"Người dùng {role}",
                                     password=account.password, role=role, organisation_id=org.id)
            accounts[role] = account
    return accounts, f"N-{tag}"


# The live server's worker and outbox pump read the process's installed runtime: left running after the
# browser tests, they would process the jobs and events of the API stacks' tests that follow (and be counted
# by their query-count checks). So the server is stopped as soon as the last browser test of a run is done
# (pytest runs them first: they use no stack), not at the end of the session.
_STOPS: list[Callable[[], None]] = []


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if _STOPS and (nextitem is None or Path(str(nextitem.path)).parent != Path(__file__).parent):
        while _STOPS:
            _STOPS.pop()()


@pytest.fixture(autouse=True)
def _live_not_stopped(request: pytest.FixtureRequest) -> None:
    if "live" in request.fixturenames and getattr(request.getfixturevalue("live"), "stopped", False):
        pytest.fail("the live server was stopped when the browser tests gave way to others: run them together")


# How long an idle live worker may sleep between looks at its queue. Huey's consumer backs off from 0.1 s to
# 10 s while the SQLite queue is empty, and the outbox pump naps 1 s: between two browser tests the worker is
# idle long enough that the next test's job (renditions, search indexing, the bell's notice) would wait up to
# 10 s before anyone looks. A test server polls often instead; what the jobs do is unchanged.
IDLE_POLL_SECONDS = 0.2


def _prompt(worker: Any) -> None:
    for consumer_worker, _ in worker.consumer.worker_threads:  # huey.consumer.Worker: max_delay caps its backoff
        consumer_worker.max_delay = IDLE_POLL_SECONDS
    worker.consumer.max_delay = IDLE_POLL_SECONDS  # a worker thread the health check restarts
    worker.pump.interval = IDLE_POLL_SECONDS


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    require_or_skip(Path(CHROMIUM).exists(), "Debian chromium is not installed at /usr/bin/chromium")
    from tests.conftest import configure_process

    var_dir = tmp_path_factory.mktemp("browser")
    server = LiveServer()
    base = server.url
    configure_process({"KHO_VAR_DIR": str(var_dir), "KHO_SECRET_KEY": "browser-" + "x" * 32,
                       "KHO_BASE_URL": base, "KHO_TUS_WEB_CHUNK_BYTES": str(64 * 1024)})  # several PATCHes a file
    from service.core.migrate import upgrade
    from service.core.runtime import current, get_settings
    from service.worker.process import Worker

    upgrade(get_settings().database.url)
    accounts, newsroom = _accounts()
    worker = Worker(current(), threads=2)  # as in production: an image is not queued behind a video
    _prompt(worker)
    worker.start()
    server.start()
    found = Live(base, var_dir, accounts["producer"], accounts["reviewer"], accounts["staff"], accounts["admin"],
                 newsroom)

    def stop() -> None:
        if found.stopped:
            return
        found.stopped = True
        server.stop()
        worker.stop()
        from service.core import runtime

        runtime.close()

    _STOPS.append(stop)
    yield found
    stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_or_skip(Path(CHROMIUM).exists(), "Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An infographic (Pillow) and a 4-second 320x180 video (ffmpeg lavfi), made for this run (2-second clips
    make the web-hls sprite fail with no_frame)."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("media")
    img = Image.new("RGB", (900, 1200), (250, 244, 230))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 860, 240), fill=(180, 30, 30))
    for i in range(4):
        draw.ellipse((80, 320 + i * 200, 200, 440 + i * 200), fill=(20, 70, 140))
    img.putpixel((1, 1), tuple(os.urandom(3)))  # unique bytes per run (duplicates are refused)
    img.save(folder / "nghi-quyet-71.png")
    ffmpeg = shutil.which("ffmpeg")
    require_or_skip(ffmpeg is not None, "ffmpeg is not installed")
    import subprocess

    subprocess.run([ffmpeg or "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc=size=320x180:rate=25", "-f", "lavfi", "-i", f"sine=frequency={400 + os.getpid() % 300}",
                    "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    str(folder / "ngay-nha-giao.mp4")], check=True, timeout=60)
    return folder


def settle(page: Any, width: int) -> None:
    """Wait until the page is laid out at `width`: the viewport took the size and two frames were painted."""
    page.wait_for_function("w => window.innerWidth === w", arg=width)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def overflow(page: Any) -> str | None:
    """None when nothing scrolls sideways; else the widths and the first elements that stick out."""
    found = page.evaluate("""() => {
        const root = document.documentElement, width = root.clientWidth;
        if (root.scrollWidth <= width) return null;
        const wide = Array.from(document.body.querySelectorAll('*'))
          .filter(e => e.getBoundingClientRect().right > width + 1)
          .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + String(e.className).replace(/ /g, '.')
                               + ' → ' + Math.round(e.getBoundingClientRect().right) + ' px');
        return `scrollWidth ${root.scrollWidth} > clientWidth ${width}: ${wide.join(', ')}`;
    }""")
    return str(found) if found else None


def small_targets(page: Any) -> list[str]:
    """Controls a finger taps (buttons, button-links, fields, disclosure summaries, header links) smaller than
    44 × 44 CSS px. Links inside running text are exempt, as in WCAG 2.5.8."""
    return list(page.evaluate("""() => Array.from(document.querySelectorAll(
          'button, a.button, select, textarea, summary, .top a, '
          + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])'))
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                       && (r.height < 43.5 || r.width < 43.5) && getComputedStyle(e).visibility !== 'hidden'; })
        .map(e => { const r = e.getBoundingClientRect();
                    return e.tagName.toLowerCase() + '.' + String(e.className).replace(/ /g, '.') + ' "'
                      + (e.textContent || e.name || '').trim().slice(0, 30) + '" '
                      + Math.round(r.width) + '×' + Math.round(r.height); })"""))


def axe_violations(page: Any) -> list[str]:
    """Every axe-core violation, whatever its impact. Evaluated through the DevTools protocol, so the page's
    strict CSP (no inline scripts) stays on."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def inspect_page(page: Any, name: str) -> None:
    """The checks every page gets, at an office PC's and a phone's width: no horizontal scroll, no axe-core
    violation of any impact, and a full-page screenshot in test-artifacts/screenshots/ for a person to look at."""
    from tests.support import require_or_skip

    require_or_skip(AXE.exists(), f"axe-core is not installed ({AXE}); run: "
                                  "npm install --prefix tests/browser/node_modules_root axe-core@4")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    original = page.viewport_size
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        settle(page, width)
        wide = overflow(page)
        if wide:
            problems.append(f"{name}@{width}: {wide}")
        problems.extend(f"{name}@{width}: {v}" for v in axe_violations(page))
        if width < 600:
            problems.extend(f"{name}@{width}: tap target under 44 px: {t}" for t in small_targets(page))
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(original or {"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    settle(page, (original or {"width": WIDTHS[0][0]})["width"])
    assert not problems, "\n".join(problems)


shoot = inspect_page  # the journey's older name for it
