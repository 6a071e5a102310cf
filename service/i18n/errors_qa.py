"""Problem titles of Q&A sets (import at upload, item editing): (Vietnamese, English)."""

ERRORS: dict[str, tuple[str, str]] = {
    "qa_import_failed": (
        "Không nhập được bộ câu hỏi - đáp: {reason_vi}{where_vi}",
        "The Q&A set cannot be imported: {reason_en}{where_en}",
    ),
    "qa_invalid_item": (
        "Câu {position} không hợp lệ: {reason_vi}",
        "Item {position} is invalid: {reason_en}",
    ),
    "qa_no_position": (
        "Không có câu ở vị trí {position} (bộ có {count} câu).",
        "There is no item at position {position} (the set has {count} items).",
    ),
    "qa_bad_order": (
        "Thứ tự mới phải liệt kê đúng một lần mỗi vị trí từ 1 đến {count}.",
        "The new order must list every position from 1 to {count} exactly once.",
    ),
    "qa_last_item": (
        "Không thể xoá câu cuối cùng của bộ câu hỏi - đáp.",
        "The last item of a Q&A set cannot be deleted.",
    ),
    "qa_not_a_set": (
        "Tài nguyên này không phải bộ câu hỏi - đáp.",
        "This asset is not a Q&A set.",
    ),
    "qa_unchanged": (
        "Nội dung bộ câu hỏi - đáp không thay đổi.",
        "The Q&A set is unchanged.",
    ),
}
