"""Every GET route of the app is either a list guarded by a query-count test or marked "not a list" with a
reason (issue 19: "query-count tests on every list endpoint and page"). A new GET route fails this test until
it is put in one of the tables below, so a list cannot be added without a guard being thought of.

Guards are named as `file::function`; the check reads the function's source, which must call `assert_flat`
(tests/querycount.py: N items against 3N) and must request the route's path (its `{parameters}` may be any
expression there), so a mapping that points at an unrelated test fails too."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from fastapi.routing import iter_route_contexts

ROOT = Path(__file__).resolve().parents[1]

PAGES = "tests/web/test_page_query_counts.py"
DETAIL_PAGES = "tests/web/test_detail_page_query_counts.py"
TRAIL = "tests/web/test_admin_trail_pages.py"
API = "tests/service/publication/test_api_query_counts.py"
FEEDS = "tests/service/publication/test_feed_query_counts.py"
ASSET_API = "tests/service/workflow/test_asset_list_query_counts.py"
PLAN_API = "tests/service/plans/test_plan_list_query_counts.py"
ADMIN_API = "tests/service/identity/test_admin_list_query_counts.py"

# route path → the query-count test that guards it
LIST_GUARDS: dict[str, str] = {
    "/": f"{PAGES}::test_home_search_and_mine",
    "/cua-toi": f"{PAGES}::test_home_search_and_mine",
    "/duyet": f"{PAGES}::test_review_queue_page",
    "/bao-cao": f"{PAGES}::test_dashboard_and_line_report",
    "/bao-cao/tuyen": f"{PAGES}::test_dashboard_and_line_report",
    "/ke-hoach": f"{PAGES}::test_plans_and_evidence_pages",
    "/minh-chung": f"{PAGES}::test_plans_and_evidence_pages",
    "/minh-chung/duyet": f"{PAGES}::test_plans_and_evidence_pages",
    "/thong-bao": f"{PAGES}::test_notifications_page",
    "/quan-tri/don-vi": f"{PAGES}::test_admin_lists",
    "/quan-tri/nguoi-dung": f"{PAGES}::test_admin_lists",
    "/quan-tri/khoa-api": f"{PAGES}::test_admin_lists",
    "/quan-tri/tu-vung": f"{DETAIL_PAGES}::test_vocabulary_admin_page",
    "/bo-suu-tap": f"{DETAIL_PAGES}::test_kit_pages",
    "/quan-tri/nhat-ky": f"{TRAIL}::test_audit_trail_reads_in_batches",
    "/quan-tri/cay-don-vi": f"{TRAIL}::test_organisation_tree_reads_in_batches",
    "/quan-tri/webhook": f"{TRAIL}::test_webhook_log_and_keys_read_in_batches",
    "/api/v1/assets": f"{API}::test_asset_list_api",
    "/api/v1/news/items": f"{API}::test_news_list_and_search",
    "/api/v1/news/search": f"{API}::test_news_list_and_search",
    "/api/v1/search": f"{API}::test_search_api",
    "/feeds/atom": f"{API}::test_feeds",
    "/feeds/feed.json": f"{API}::test_feeds",
    "/feeds/podcast.rss": f"{API}::test_feeds",
    "/api/v1/review-queue": f"{API}::test_review_queue_api",
    "/api/v1/notifications": f"{API}::test_notifications_api",
    "/api/v1/users": f"{API}::test_admin_api_lists",
    "/api/v1/organisations": f"{API}::test_admin_api_lists",
    "/api/v1/api-keys": f"{API}::test_admin_api_lists",
    "/api/v1/assets/{asset_id}/captions": f"{ASSET_API}::test_captions",
    "/api/v1/assets/{asset_id}/comments": f"{ASSET_API}::test_history_and_comments",
    "/api/v1/assets/{asset_id}/history": f"{ASSET_API}::test_history_and_comments",
    "/api/v1/assets/{asset_id}/downloaders": f"{ASSET_API}::test_downloaders",
    "/api/v1/assets/{asset_id}/qa": f"{ASSET_API}::test_qa_items",
    "/api/v1/assets/{asset_id}/renditions": f"{ASSET_API}::test_versions_and_renditions",
    "/api/v1/assets/{asset_id}/versions": f"{ASSET_API}::test_versions_and_renditions",
    "/api/v1/assets/{asset_id}/versions/{number}/renditions": f"{ASSET_API}::test_versions_and_renditions",
    "/api/v1/assets/{asset_id}/variants": f"{ASSET_API}::test_language_versions",
    "/api/v1/plans": f"{PLAN_API}::test_plans_targets_and_tasks",
    "/api/v1/plans/{plan_id}/targets": f"{PLAN_API}::test_plans_targets_and_tasks",
    "/api/v1/plans/{plan_id}/tasks": f"{PLAN_API}::test_plans_targets_and_tasks",
    "/api/v1/tasks": f"{PLAN_API}::test_plans_targets_and_tasks",
    "/api/v1/tasks/{task_id}/notes": f"{PLAN_API}::test_task_notes",
    "/api/v1/targets/templates": f"{PLAN_API}::test_target_templates",
    "/api/v1/evidence": f"{PLAN_API}::test_evidence_lines_and_report",
    "/api/v1/reporting-lines/{code}": f"{PLAN_API}::test_evidence_lines_and_report",
    "/api/v1/reports/{org_code}": f"{PLAN_API}::test_evidence_lines_and_report",
    "/api/v1/vocabularies": f"{ADMIN_API}::test_vocabularies",
    "/vocab/{vocabulary}": f"{ADMIN_API}::test_vocabularies",
    "/api/v1/webhooks/subscriptions": f"{ADMIN_API}::test_webhook_subscriptions_and_deliveries",
    "/api/v1/webhooks/subscriptions/{sub_id}/deliveries": f"{ADMIN_API}::test_webhook_subscriptions_and_deliveries",
    "/api/v1/audit.csv": f"{ADMIN_API}::test_audit_export",
    "/api/v1/translation-requests": f"{ADMIN_API}::test_translation_requests",
    "/feeds/orgs/{code}.atom": f"{FEEDS}::test_filtered_feeds",
    "/feeds/topics/{code}.atom": f"{FEEDS}::test_filtered_feeds",
    "/feeds/audiences/{code}.atom": f"{FEEDS}::test_filtered_feeds",
    "/feeds/kinds/{kind}.atom": f"{FEEDS}::test_kind_feed",
    "/api/v1/kits": f"{FEEDS}::test_kits",
    "/api/v1/kits/{slug}": f"{FEEDS}::test_kits",
    "/api/v1/kits/{slug}.zip": f"{FEEDS}::test_kits",
    "/api/v1/search/suggest": f"{FEEDS}::test_search_suggestions",
    "/tai-nguyen/{asset_id}": f"{DETAIL_PAGES}::test_asset_page",
    "/duyet/{asset_id}": f"{DETAIL_PAGES}::test_review_page",
    "/ke-hoach/{plan_id}": f"{DETAIL_PAGES}::test_plan_page",
    "/bo-suu-tap/{slug}": f"{DETAIL_PAGES}::test_kit_pages",
    "/tai-nguyen/{asset_id}/loi-thoai": f"{DETAIL_PAGES}::test_transcript_page",
    "/goi-y": f"{DETAIL_PAGES}::test_suggestions",
}

# Lists without a query-count test yet, path → what they list. A ratchet: the test fails when one of them is
# requested by a guard and still listed here, so the table only shrinks. Empty: every list has its guard.
KNOWN_GAPS: dict[str, str] = {
}

# route path → why it shows no collection of rows
NOT_LISTS: dict[str, str] = {
    "/api/v1/assets/{asset_id}": "one asset",
    "/api/v1/assets/{asset_id}/captions/{language}.vtt": "one caption file",
    "/api/v1/assets/{asset_id}/focal-point": "one value of one asset",
    "/api/v1/assets/{asset_id}/original": "one file",
    "/api/v1/assets/{asset_id}/publication": "readiness of one asset",
    "/api/v1/assets/{asset_id}/renditions/{rendition_id}": "one file",
    "/api/v1/assets/{asset_id}/versions/diff": "two versions compared",
    "/api/v1/assets/{asset_id}/versions/{number}/renditions/{rendition_id}": "one file",
    "/api/v1/evidence/{evidence_id}": "one evidence record",
    "/api/v1/evidence/{evidence_id}/image": "one file",
    "/api/v1/jobs/{job_id}": "one job",
    "/api/v1/languages": "the configured languages, read from code, not the database",
    "/api/v1/me": "the caller",
    "/api/v1/news/items/{asset_id}": "one item",
    "/api/v1/news/items/{asset_id}/renditions/{profile}": "one file",
    "/api/v1/notifications/preferences": "one user's settings (a fixed set of kinds)",
    "/api/v1/organisations/{org_id}": "one unit",
    "/api/v1/organisations/{code}/contacts": "at most two rows (the contact and the spokesperson of one unit)",
    "/api/v1/plans/{plan_id}": "one plan",
    "/api/v1/plans/{plan_id}/document": "one file",
    "/api/v1/profiles": "rendition profiles, read from code, not the database",
    "/assets/{asset_id}": "a redirect",
    "/kits/{slug}": "a redirect",
    "/dang-nhap": "the sign-in form",
    "/docs": "API documentation (static)",
    "/docs/oauth2-redirect": "API documentation (static)",
    "/redoc": "API documentation (static)",
    "/openapi.json": "API description (built from code)",
    "/favicon.ico": "one file",
    "/feeds/podcast/cover.jpg": "one file",
    "/feeds/podcast/{asset_id}.mp3": "one file",
    "/feeds/podcast/{asset_id}.vtt": "one file",
    "/healthz": "liveness probe",
    "/readyz": "readiness probe",
    "/metrics": "process metrics (no rows)",
    "/ngon-ngu": "a language switch (redirect)",
    "/objects/{token}": "one signed file",
    "/quan-tri": "admin menu (no rows)",
    "/quan-tri/ho-so": "rendition profiles, read from code, not the database",
    "/quan-tri/don-vi/{org_id}": "edit form of one unit",
    "/quan-tri/tu-vung/{term_id}": "edit form of one term",
    "/tai-len": "the upload form",
    "/tai-nguyen/{asset_id}/diem-chinh": "focal point of one image",
    "/tai-nguyen/{asset_id}/phien-ban-moi": "the new-version form",
    "/tep/hls/{asset_id}/{rendition_id}/{name:path}": "one file",
    "/thong-bao/cai-dat": "one user's settings",
    "/vocab/{vocabulary}/{code}": "one term",
}


# helpers of the guard tests that take the path of the request they build (first string argument)
REQUESTERS = ("_page", "shows_all", "_listed", "_zip_lists")  # shows_all: tests/querycount.py and local copies


def _get_routes() -> set[str]:
    from service.app import create_app

    return {c.path for c in iter_route_contexts(list(create_app().routes)) if c.methods and "GET" in c.methods}


@cache
def _functions(file: str) -> dict[str, str]:
    source = (ROOT / file).read_text(encoding="utf-8")
    return {node.name: ast.get_source_segment(source, node) or "" for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef)}


def _path_pattern(path: str) -> re.Pattern[str]:
    """The path as a test requests it: the first string argument of `.get(` or of a request builder named
    in REQUESTERS; literal parts as they are, a `{parameter}` as one f-string field or one literal segment,
    the path a whole string or followed by a query (so `/kits/{slug}.zip` does not stand for `/kits/{slug}`)."""
    parts = re.split(r"\{[^}]+\}", path)
    body = r"(?:\{[^{}]+\}|[\w-]+)".join(re.escape(p) for p in parts)
    return re.compile(rf"(?:\.get|{'|'.join(REQUESTERS)})\([^()\"']*[\"']{body}[\"'?]")


def test_every_get_route_is_classified() -> None:
    routes = _get_routes()
    tables = [set(LIST_GUARDS), set(KNOWN_GAPS), set(NOT_LISTS)]
    unclassified = routes - set().union(*tables)
    assert not unclassified, ("GET routes neither guarded by a query-count test nor marked as not a list "
                              f"(add them to {__name__}): {sorted(unclassified)}")
    gone = set().union(*tables) - routes
    assert not gone, f"no longer routes of the app: {sorted(gone)}"
    for i, a in enumerate(tables):
        for b in tables[i + 1:]:
            assert not a & b, f"in two tables: {sorted(a & b)}"


def test_every_guard_exists_and_requests_its_route() -> None:
    for path, guard in LIST_GUARDS.items():
        file, _, name = guard.partition("::")
        assert (ROOT / file).is_file(), f"{path}: {file} does not exist"
        source = _functions(file).get(name)
        assert source is not None, f"{path}: no test {name} in {file}"
        assert name.startswith("test_"), f"{path}: {name} is not a test"
        assert "assert_flat(" in source, f"{path}: {guard} counts no queries (assert_flat)"
        assert not re.search(r"lambda \w+: None", source), f"{path}: {guard} grows nothing (flat proves nothing)"
        assert _path_pattern(path).search(source), f"{path}: {guard} does not request it"


def test_known_gaps_have_no_guard() -> None:
    """A guarded route must leave KNOWN_GAPS (the table only shrinks)."""
    guarded = {path for path in KNOWN_GAPS for file in {g.partition("::")[0] for g in LIST_GUARDS.values()}
               if (ROOT / file).is_file() and any("assert_flat(" in s and _path_pattern(path).search(s)
                                                  for s in _functions(file).values())}
    assert not guarded, f"guarded now, move them from KNOWN_GAPS to LIST_GUARDS: {sorted(guarded)}"
