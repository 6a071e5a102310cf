"""Meilisearch engine parts that need no server: documents, settings, filters, tenant tokens, health."""

from __future__ import annotations

import base64
import json

from search.meili import MeiliIndex
from search.meili_docs import filter_expression, settings, to_meili, visibility_filter
from search.synonyms import default_synonyms
from search.types import SearchDocument, Visibility, VisibilityRule


def test_documents_carry_folded_copies_and_keys() -> None:
    doc = SearchDocument(id="a", kind="video", status="published", title="Đường đến trường",
                         org_id="so", org_path=["ubnd"], published_at="2026-01-01T00:00:00", downloads=3)
    out = to_meili(doc)
    assert out["title_fold"] == "duong den truong" and out["orgtree"] == ["ubnd", "so"]
    assert out["k_new"] > out["k_dl"] > 0 and out["k_new"] < 2**53


def test_settings_tune_typos_and_synonyms() -> None:
    s = settings(default_synonyms())
    assert s["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 4, "twoTypos": 8}
    assert "trung học cơ sở" in s["synonyms"]["thcs"] and "và" in s["stopWords"]
    assert {"status", "orgtree", "topic", "k_new"} <= set(s["filterableAttributes"])


def test_filters_and_visibility() -> None:
    assert visibility_filter(Visibility.published_only()) == '(status IN ["published"])'
    producer = Visibility.of(VisibilityRule(statuses=("published",)), VisibilityRule(org_ids=("so-hue",)))
    assert visibility_filter(producer) == '(status IN ["published"]) OR (orgtree IN ["so-hue"])'
    assert visibility_filter(Visibility(())) == "id NOT EXISTS"
    expr = filter_expression({"topic": ["a"], "org": ["x"], "urgent": [True]}, Visibility.everything())
    assert expr == '((id EXISTS)) AND topic IN ["a"] AND orgtree IN ["x"] AND urgent IN [true]'


def test_tenant_token_carries_the_visibility_filter() -> None:
    index = MeiliIndex("http://127.0.0.1:9", "master", index_uid="assets")
    token = index.tenant_token("0b1f5bde-0000-4000-8000-000000000000", "a" * 32, Visibility.published_only())
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["searchRules"] == {"assets": {"filter": '(status IN ["published"])'}}


def test_health_reports_an_unreachable_server() -> None:
    health = MeiliIndex("http://127.0.0.1:9", None, timeout_ms=500).health()
    assert not health.ok and health.engine == "meilisearch"


def test_the_organisation_is_not_body_text() -> None:
    doc = to_meili(SearchDocument(id="a", kind="poster", status="published", title="Lịch thi",
                                  summary="Thi học kỳ", org_name="Sở Giáo dục và Đào tạo thành phố Huế"))
    assert "hue" not in doc["body_fold"].split() and "giao" not in doc["body_fold"].split()
    assert settings(default_synonyms())["searchableAttributes"][-1] == "org_name"
