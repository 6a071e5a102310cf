"""Problem titles of languages, language versions and captions: (Vietnamese, English)."""

ERRORS: dict[str, tuple[str, str]] = {
    "language_malformed": (
        "Mã ngôn ngữ “{tag}” không đúng dạng BCP 47 (ví dụ: vi, en, hmn, tyz).",
        "The language code “{tag}” is not well-formed BCP 47 (e.g. vi, en, hmn, tyz).",
    ),
    "language_unsupported": (
        "Ngôn ngữ “{tag}” chưa có trong danh mục ngôn ngữ của Kho. Xem danh sách tại /api/v1/languages; "
        "để bổ sung ngôn ngữ mới, đề nghị quản trị viên thêm mã ISO 639-3 cùng tên tiếng Việt và tiếng Anh "
        "vào danh mục (transcoding/languages.yaml).",
        "The language “{tag}” is not in the Kho language list. See /api/v1/languages; to add a language, ask "
        "an administrator to add its ISO 639-3 code with Vietnamese and English names to the list "
        "(transcoding/languages.yaml).",
    ),
    "variant_language_taken": (
        "Nhóm ngôn ngữ này đã có bản “{tag}”.",
        "This language group already has a “{tag}” version.",
    ),
    "variant_of_variant": (
        "Bản ngôn ngữ phải gắn với bản gốc, không gắn với một bản ngôn ngữ khác.",
        "A language version must point at the original, not at another language version.",
    ),
    "caption_not_media": (
        "Chỉ video và podcast mới có phụ đề.",
        "Only videos and podcasts have captions.",
    ),
    "caption_invalid": (
        "Tệp phụ đề không hợp lệ ở dòng {line}: {reason_vi}",
        "The caption file is invalid at line {line}: {reason_en}",
    ),
    "translation_request_closed": (
        "Yêu cầu dịch này đã đóng.",
        "This translation request is closed.",
    ),
}
