"""Message catalogue for Q&A import problems: one (Vietnamese, English) pair per stable code."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "unsupported_type": (
        "Không hỗ trợ định dạng tệp {media_type} cho bộ câu hỏi - đáp.",
        "Media type {media_type} is not supported for Q&A sets.",
    ),
    "zip_limits": ("Tệp nén không an toàn: {detail}.", "Unsafe ZIP container: {detail}."),
    "xml_forbidden": (
        "Tệp chứa khai báo DOCTYPE/ENTITY không được phép ({detail}).",
        "The file contains a forbidden DOCTYPE/ENTITY declaration ({detail}).",
    ),
    "corrupt": ("Không đọc được tệp: {detail}.", "The file cannot be read: {detail}."),
    "encoding": (
        "Tệp không phải văn bản UTF-8 (byte lỗi ở dòng {line}). Hãy lưu lại với mã hoá UTF-8.",
        "The file is not UTF-8 text (bad byte on line {line}). Save it again as UTF-8.",
    ),
    "no_question_column": (
        'Không tìm thấy cột câu hỏi (ví dụ: "Câu hỏi" hoặc "Question").',
        'No question column found (e.g. "Câu hỏi" or "Question").',
    ),
    "no_answer_column": (
        'Không tìm thấy cột trả lời ("Trả lời"/"Answer") hay các cột phương án A–D.',
        'No answer column ("Trả lời"/"Answer") and no choice columns A–D found.',
    ),
    "missing_question": ("Có nội dung nhưng thiếu câu hỏi.", "The row has content but no question."),
    "missing_answer": (
        'Câu hỏi "{question}" chưa có câu trả lời hoặc đáp án đúng.',
        'Question "{question}" has no answer and no correct choice.',
    ),
    "bad_correct": (
        'Đáp án đúng "{value}" không khớp với phương án nào của câu "{question}".',
        'Correct choice "{value}" matches none of the choices of "{question}".',
    ),
    "too_few_choices": (
        'Câu "{question}" chỉ có một phương án; cần ít nhất hai.',
        'Question "{question}" has a single choice; at least two are needed.',
    ),
    "too_many_choices": (
        'Câu "{question}" có quá {limit} phương án.',
        'Question "{question}" has more than {limit} choices.',
    ),
    "no_items": ("Không tìm thấy câu hỏi nào trong tệp.", "No question was found in the file."),
    "too_many_items": ("Tệp có quá {limit} câu hỏi.", "The file has more than {limit} questions."),
    "bad_json": ("JSON không hợp lệ: {detail}.", "Invalid JSON: {detail}."),
    "bad_field": ('Trường "{field}" không hợp lệ: {detail}.', 'Field "{field}" is invalid: {detail}.'),
}

WARNINGS: dict[str, str] = {
    "no_correct": "Có phương án nhưng chưa chọn đáp án đúng: không xuất sang GIFT / No correct choice marked",
    "duplicate": "Câu hỏi trùng với câu {other} / Same question as item {other}",
    "long_question": "Câu hỏi dài hơn {limit} ký tự / Question longer than {limit} characters",
    "unknown_column": 'Bỏ qua cột không nhận ra "{name}" / Ignored unknown column "{name}"',
    "ignored_text": 'Bỏ qua đoạn trước câu hỏi đầu tiên: "{text}" / Ignored text before the first question',
    "legacy_encoding": "Tệp dùng mã UTF-16 / File uses UTF-16",
}


def message(code: str, **values: object) -> tuple[str, str]:
    vi, en = MESSAGES[code]
    return vi.format(**values), en.format(**values)


def warning(code: str, **values: object) -> str:
    return WARNINGS[code].format(**values)
