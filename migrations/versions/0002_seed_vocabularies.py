"""seed vocabularies from DESIGN §4 (topics, audiences, levels, channels, kinds)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (vocabulary, code, label_vi, label_en, parent code)
TERMS: list[tuple[str, str, str, str, str | None]] = [
    ("topic", "y-nghia-quan-diem",
     "Ý nghĩa, tầm quan trọng, quan điểm chỉ đạo, tư tưởng cốt lõi của Nghị quyết 71",
     "Significance, guiding views and core ideas of Resolution 71", None),
    ("topic", "muc-tieu-giai-phap", "Mục tiêu, nhiệm vụ và các nhóm giải pháp lớn",
     "Goals, tasks and the main groups of solutions", None),
    ("topic", "to-chuc-thuc-hien", "Hoạt động tổ chức thực hiện", "Implementation activities", None),
    ("topic", "tien-do-ket-qua", "Quá trình và kết quả thực hiện; phản bác thông tin sai lệch",
     "Progress and results; rebutting misinformation", None),
    ("topic", "mo-hinh-dien-hinh", "Mô hình, điển hình, cách làm hiệu quả",
     "Models, exemplary people and effective practices", None),
    ("topic", "su-kien-chu-de", "Sự kiện và chủ đề", "Events and themes", None),
    ("topic", "ngay-nha-giao", "Ngày Nhà giáo Việt Nam 20/11", "Vietnamese Teachers' Day (20 November)",
     "su-kien-chu-de"),
    ("topic", "tuyen-sinh-huong-nghiep", "Tuyển sinh và định hướng nghề nghiệp",
     "Admissions and career guidance", "su-kien-chu-de"),
    ("topic", "chuyen-doi-so", "Chuyển đổi số", "Digital transformation", "su-kien-chu-de"),
    ("topic", "van-hoa-hieu-hoc", "Văn hóa hiếu học, tôn sư trọng đạo",
     "Culture of learning and respect for teachers", "su-kien-chu-de"),
    ("topic", "thong-tin-doi-ngoai", "Thông tin đối ngoại", "External information", "su-kien-chu-de"),
    ("topic", "khoi-nghiep-doi-moi", "Khởi nghiệp, đổi mới sáng tạo", "Start-ups and innovation",
     "su-kien-chu-de"),
    ("audience", "can-bo-dang-vien", "Cán bộ, đảng viên, công chức, viên chức",
     "Officials, party members and civil servants", None),
    ("audience", "can-bo-quan-ly", "Cán bộ quản lý giáo dục", "Education managers", None),
    ("audience", "nha-giao", "Nhà giáo", "Teachers", None),
    ("audience", "nhan-vien", "Nhân viên, người lao động ngành giáo dục", "Education sector staff", None),
    ("audience", "hoc-sinh", "Học sinh", "Pupils", None),
    ("audience", "sinh-vien", "Sinh viên, học viên", "Students and learners", None),
    ("audience", "cha-me", "Cha mẹ học sinh", "Parents", None),
    ("audience", "cong-dong", "Nhân dân, cộng đồng", "The public and communities", None),
    ("audience", "doanh-nghiep", "Doanh nghiệp, tổ chức xã hội", "Businesses and social organisations", None),
    ("audience", "bao-chi", "Báo chí", "The press", None),
    ("audience", "doi-ngoai", "Đối ngoại", "International audiences", None),
    ("level", "mam-non", "Mầm non", "Early childhood", None),
    ("level", "tieu-hoc", "Tiểu học", "Primary", None),
    ("level", "thcs", "Trung học cơ sở", "Lower secondary", None),
    ("level", "thpt", "Trung học phổ thông", "Upper secondary", None),
    ("level", "gdtx", "Giáo dục thường xuyên", "Continuing education", None),
    ("level", "gdnn", "Giáo dục nghề nghiệp", "Vocational education", None),
    ("level", "dai-hoc", "Giáo dục đại học", "Higher education", None),
    ("channel", "web", "Cổng/trang thông tin điện tử", "Web portals", None),
    ("channel", "zalo-oa", "Zalo OA", "Zalo Official Account", None),
    ("channel", "facebook", "Facebook fanpage", "Facebook page", None),
    ("channel", "tiktok", "TikTok", "TikTok", None),
    ("channel", "youtube", "YouTube", "YouTube", None),
    ("channel", "loudspeaker", "Truyền thanh cơ sở", "Local loudspeaker radio", None),
    ("channel", "signage", "Bảng tin điện tử", "Digital signage", None),
    ("channel", "tv", "Truyền hình", "Television", None),
    ("channel", "print", "Báo in", "Print press", None),
    ("channel", "visual", "Trực quan (pa-nô, áp phích, băng rôn)", "Outdoor (panels, posters, banners)", None),
    ("kind", "infographic", "Infographic", "Infographic", None),
    ("kind", "video", "Video ngắn", "Short video", None),
    ("kind", "podcast", "Podcast / âm thanh", "Podcast / audio", None),
    ("kind", "qa_set", "Bộ câu hỏi - đáp", "Q&A set", None),
    ("kind", "poster", "Áp phích, pa-nô", "Poster", None),
    ("kind", "document", "Tài liệu", "Document", None),
]

terms = sa.table(
    "vocabulary_terms",
    sa.column("id", sa.Uuid()),
    sa.column("vocabulary", sa.String()),
    sa.column("code", sa.String()),
    sa.column("label_vi", sa.String()),
    sa.column("label_en", sa.String()),
    sa.column("parent_id", sa.Uuid()),
    sa.column("position", sa.Integer()),
)


def upgrade() -> None:
    ids: dict[tuple[str, str], uuid.UUID] = {}
    rows = []
    for position, (vocab, code, vi, en, parent) in enumerate(TERMS):
        ids[(vocab, code)] = uuid.uuid5(uuid.NAMESPACE_URL, f"kho:vocab:{vocab}:{code}")
        rows.append({"id": ids[(vocab, code)], "vocabulary": vocab, "code": code, "label_vi": vi,
                     "label_en": en, "parent_id": ids[(vocab, parent)] if parent else None, "position": position})
    op.bulk_insert(terms, rows)


def downgrade() -> None:
    codes = [code for _, code, *_ in TERMS]
    # Children first: a parent cannot go while a child still points at it.
    op.execute(terms.delete().where(terms.c.parent_id.is_not(None)).where(terms.c.code.in_(codes)))
    op.execute(terms.delete().where(terms.c.code.in_(codes)))
