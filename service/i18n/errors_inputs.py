"""Messages about malformed client input (vi, en): the client's error, and said so."""

ERRORS: dict[str, tuple[str, str]] = {
    "control_characters": (
        "Trường '{field}' chứa ký tự điều khiển không được phép (U+{codepoint}).",
        "The field '{field}' contains a control character that is not allowed (U+{codepoint}).",
    ),
    "invalid_json": (
        "Nội dung {what} không phải JSON hợp lệ: {reason}",
        "The {what} is not valid JSON: {reason}",
    ),
    "json_too_deep": (
        "Nội dung {what} lồng nhau quá sâu (tối đa {limit} cấp).",
        "The {what} nests too deeply (at most {limit} levels).",
    ),
    "invalid_encoding": (
        "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ.",
        "The request is not valid UTF-8 text.",
    ),
    "bad_request": ("Yêu cầu không hợp lệ: {reason}", "Bad request: {reason}"),
    "unstorable_value": (
        "Dữ liệu gửi lên có giá trị không thể lưu (ký tự hoặc số nằm ngoài giới hạn).",
        "The request holds a value that cannot be stored (a character or a number out of range).",
    ),
    "corrupt_media": (
        "Không giải mã được tệp: {reason}",
        "The file could not be decoded: {reason}",
    ),
}
