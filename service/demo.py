"""Demo content, made through the same upload route the producers use (an in-process HTTP client)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.app import create_app
from service.assets import repository as assets_repo
from service.auth import repository as auth_repo
from service.auth import service as auth_service
from service.core.db import unit_of_work
from service.core.security import generate_password
from service.orgs import repository as orgs_repo
from service.orgs import service as orgs
from service.users.bootstrap import ROOT_CODE, ensure_root_org
from transcoding import demo_media

ORGS = [
    ("BGDDT-VP", "Văn phòng Bộ", "ministry_unit", ROOT_CODE),
    ("BAO-GDTD", "Báo Giáo dục và Thời đại", "newsroom", ROOT_CODE),
    ("UBND-HUE", "Ủy ban nhân dân thành phố Huế", "province", ROOT_CODE),
    ("SGDDT-HUE", "Sở Giáo dục và Đào tạo thành phố Huế", "department", "UBND-HUE"),
    ("PHUONG-THUAN-HOA", "Ủy ban nhân dân phường Thuận Hóa", "commune", "UBND-HUE"),
    ("THCS-NGUYEN-TRI-PHUONG", "Trường THCS Nguyễn Tri Phương", "school", "PHUONG-THUAN-HOA"),
]
USERS = [
    ("producer@kho.local", "Nguyễn Thị Biên Tập", "producer", "SGDDT-HUE"),
    ("reviewer@kho.local", "Trần Văn Duyệt", "reviewer", "UBND-HUE"),
    ("staff@kho.local", "Lê Thị Giáo Viên", "staff", "THCS-NGUYEN-TRI-PHUONG"),
]

INFOGRAPHIC: dict[str, Any] = {
    "kind": "infographic",
    "title": "Nghị quyết 71-NQ/TW: Đột phá phát triển giáo dục và đào tạo",
    "summary": "Những điểm cốt lõi của Nghị quyết số 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị: giáo dục và "
               "đào tạo là quốc sách hàng đầu, quyết định tương lai dân tộc.",
    "alt_text": "Infographic nền kem, tiêu đề đỏ về Nghị quyết 71 và bốn ý chính được đánh số.",
    "topics": ["y-nghia-quan-diem"], "audiences": ["nha-giao", "cha-me"], "levels": ["thcs", "thpt"],
    "channels": ["web", "zalo-oa", "facebook"], "tags": ["Nghị quyết 71", "quốc sách hàng đầu"],
    "credit": "Sở Giáo dục và Đào tạo thành phố Huế", "copyright_notice": "© 2026 Sở GDĐT thành phố Huế",
    "licence": "CC BY 4.0", "usage_terms": "Được sử dụng tự do cho mục đích tuyên truyền, ghi rõ nguồn.",
}
VIDEO: dict[str, Any] = {
    "kind": "video", "title": "Video ngắn: Tôn vinh nhà giáo nhân Ngày Nhà giáo Việt Nam 20/11",
    "summary": "Video 10 giây lan tỏa văn hóa hiếu học, tôn sư trọng đạo, dùng cho TikTok, Facebook và YouTube.",
    "topics": ["ngay-nha-giao", "van-hoa-hieu-hoc"], "audiences": ["nha-giao", "hoc-sinh"],
    "channels": ["tiktok", "facebook", "youtube"], "tags": ["20/11"],
    "credit": "Sở Giáo dục và Đào tạo thành phố Huế", "licence": "CC BY 4.0",
}
PODCAST: dict[str, Any] = {
    "kind": "podcast", "title": "Bản tin truyền thanh cơ sở: Chuyển đổi số trong giáo dục",
    "summary": "Bản tin ngắn cho hệ thống truyền thanh cơ sở về đẩy mạnh chuyển đổi số, ứng dụng trí tuệ nhân tạo.",
    "topics": ["chuyen-doi-so"], "audiences": ["cong-dong", "cha-me"], "channels": ["loudspeaker"],
    "credit": "Sở Giáo dục và Đào tạo thành phố Huế",
}
QA: dict[str, Any] = {
    "kind": "qa_set", "title": "Bộ câu hỏi - đáp tìm hiểu Nghị quyết 71-NQ/TW",
    "summary": "Các câu hỏi thường gặp về mục tiêu, nhiệm vụ và giải pháp của Nghị quyết 71.",
    "topics": ["muc-tieu-giai-phap"], "audiences": ["can-bo-dang-vien", "nha-giao"],
    "credit": "Sở Giáo dục và Đào tạo thành phố Huế",
}
QA_ROWS = [
    ("Nghị quyết 71-NQ/TW được Bộ Chính trị ban hành ngày nào?", "Ngày 22 tháng 8 năm 2025."),
    ("Nghị quyết xác định vai trò của giáo dục và đào tạo như thế nào?",
     "Giáo dục và đào tạo là quốc sách hàng đầu, quyết định tương lai dân tộc."),
    ("Ai có trách nhiệm thực hiện Nghị quyết?",
     "Cả hệ thống chính trị và toàn xã hội; trong đó nhà giáo và cán bộ quản lý giáo dục là lực lượng nòng cốt."),
]


def _ensure_orgs_and_users() -> dict[str, str]:
    ensure_root_org()
    passwords: dict[str, str] = {}
    with unit_of_work() as session:
        for code, name, kind, parent in ORGS:
            if not orgs_repo.by_code(session, code):
                orgs.create(session, code=code, name=name, kind=kind, parent_code=parent)
        for email, name, role, org_code in USERS:
            if auth_repo.user_by_email(session, email):
                continue
            org = orgs_repo.by_code(session, org_code)
            assert org is not None
            passwords[email] = generate_password()
            auth_service.create_user(session, email=email, full_name=name, password=passwords[email], role=role,
                                     organisation_id=org.id)
    return passwords


def _upload(client: Any, token: str, meta: dict[str, Any], path: Path) -> None:
    with path.open("rb") as f:
        response = client.post("/api/v1/assets", headers={"Authorization": f"Bearer {token}"},
                               data={"metadata": json.dumps(meta, ensure_ascii=False)},
                               files={"file": (path.name, f)})
    if response.status_code not in (201, 409):
        raise RuntimeError(f"demo upload failed: {response.status_code} {response.text}")
    print(f"  + {meta['title']} ({response.status_code})")


def seed_demo(only_if_empty: bool) -> None:
    with unit_of_work() as session:
        if only_if_empty and assets_repo.count_all(session) > 0:
            return
    passwords = _ensure_orgs_and_users()
    for email, password in passwords.items():
        print(f"Tài khoản demo / demo account: {email}  mật khẩu / password: {password}")
    with unit_of_work() as session:
        producer = auth_repo.user_by_email(session, "producer@kho.local")
        assert producer is not None
        token = auth_service.issue_token(session, producer).token
    print("Đang tạo nội dung mẫu / creating demo content…")
    with tempfile.TemporaryDirectory() as tmp, TestClient(create_app()) as client:
        d = Path(tmp)
        _upload(client, token, INFOGRAPHIC, demo_media.infographic(
            d / "nghi-quyet-71.png", INFOGRAPHIC["title"],
            ["Giáo dục và đào tạo là quốc sách hàng đầu", "Đột phá về thể chế, chính sách",
             "Xây dựng đội ngũ nhà giáo đủ về số lượng, mạnh về chất lượng",
             "Đẩy mạnh chuyển đổi số, ứng dụng trí tuệ nhân tạo"]))
        _upload(client, token, VIDEO, demo_media.video(d / "ngay-nha-giao-20-11.mp4", 10,
                                                       caption="Tri ân thầy cô 20/11"))
        _upload(client, token, PODCAST, demo_media.speech(
            d / "ban-tin-chuyen-doi-so.wav",
            "Bản tin truyền thanh cơ sở. Ngành giáo dục đẩy mạnh chuyển đổi số theo Nghị quyết 71."))
        _upload(client, token, QA, demo_media.qa_sheet(d / "hoi-dap-nghi-quyet-71.csv", QA_ROWS))
