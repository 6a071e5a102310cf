"""Q&A sets used by the tests and the benchmark (built in code, never committed as media)."""

from __future__ import annotations

from transcoding.qa.model import QaItem, QaSet
from transcoding.qa.richtext import ListBlock, Paragraph, RichText, Span

# Every Vietnamese tone mark on every vowel, plus đ/Đ and capitals.
TONES = (
    "a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ e è é ẻ ẽ ẹ ê ề ế ể ễ ệ i ì í ỉ ĩ ị o ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ "
    "ơ ờ ớ ở ỡ ợ u ù ú ủ ũ ụ ư ừ ứ ử ữ ự y ỳ ý ỷ ỹ ỵ đ Đ"
)
TONES_UPPER = TONES.upper()
LONG_ANSWER = (
    "Nghị quyết 71-NQ/TW xác định giáo dục và đào tạo là quốc sách hàng đầu, quyết định tương lai dân tộc. "
    "Đổi mới căn bản, toàn diện giáo dục đòi hỏi sự vào cuộc đồng bộ của cả hệ thống chính trị, của mỗi "
    "nhà trường, thầy cô giáo, cha mẹ học sinh và toàn xã hội; chú trọng phát triển phẩm chất, năng lực "
    "người học, bảo đảm công bằng trong tiếp cận giáo dục ở vùng đồng bào dân tộc thiểu số, miền núi, "
    "biên giới, hải đảo. Đầu tư cho giáo dục là đầu tư cho phát triển, ưu tiên ngân sách, huy động mọi "
    "nguồn lực xã hội, đẩy mạnh chuyển đổi số, xây dựng xã hội học tập và học tập suốt đời. "
    f"Bảng chữ: {TONES} {TONES_UPPER}. ĐẨY MẠNH ỨNG DỤNG, KHUYẾN KHÍCH SÁNG TẠO, ĐỔI MỚI QUẢN TRỊ."
)


def rich_answer() -> RichText:
    return RichText(
        (
            Paragraph(
                (
                    Span("Theo "),
                    Span("Nghị quyết 71", bold=True),
                    Span(", cần "),
                    Span("đổi mới", italic=True),
                    Span(" (xem "),
                    Span("cổng thông tin", href="https://moet.gov.vn/nq71?a=1&b=2"),
                    Span(")."),
                )
            ),
            ListBlock(
                False, ((Span("Ưu tiên ngân sách"),), (Span("Chuyển đổi số: "), Span("AI", bold=True)))
            ),
            ListBlock(True, ((Span("Bước một"),), (Span("Bước hai"),))),
            Paragraph((Span('Ký tự đặc biệt: ~ = # { } : \\ * _ [x] <b>không phải thẻ</b> & "trích"'),)),
        )
    )


def sample_set() -> QaSet:
    return QaSet(
        title="Hỏi - đáp về Nghị quyết 71-NQ/TW",
        organisation="Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        items=(
            QaItem(
                question="Nghị quyết 71-NQ/TW về đột phá phát triển giáo dục được ban hành khi nào?",
                answer=RichText.from_plain("Ngày 22/8/2025, do Bộ Chính trị ban hành."),
                source="Nghị quyết 71-NQ/TW, phần mở đầu",
            ),
            QaItem(question="Những định hướng chính là gì?", answer=rich_answer(), source=None),
            QaItem(
                question="Mục tiêu đến năm 2030 về phổ cập giáo dục mầm non là gì? {x} ~ = # :",
                choices=("Cho trẻ 3-5 tuổi", "Cho trẻ 5 tuổi = 100%", "Không đặt ra", "Cả A, B: đều sai"),
                correct=0,
                answer=RichText.from_plain("Phổ cập giáo dục mầm non cho trẻ em từ 3 đến 5 tuổi."),
                source="Nghị quyết 71-NQ/TW, mục II.2",
            ),
            QaItem(
                question="Câu hỏi trắc nghiệm không kèm giải thích?",
                choices=("Đúng", "Sai"),
                correct=1,
            ),
            QaItem(question="Thủ đô của Việt Nam?", answer=RichText.from_plain("Hà Nội")),
            QaItem(question="Giải thích đầy đủ?", answer=RichText.from_plain(LONG_ANSWER), source="Tổng hợp"),
        ),
    )
