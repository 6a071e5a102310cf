"""Problem titles by stable error code: (Vietnamese, English)."""

ERRORS: dict[str, tuple[str, str]] = {
    "internal_error": ("Lỗi hệ thống, vui lòng thử lại sau.", "Internal error, please try again later."),
    "not_found": ("Không tìm thấy {what}.", "{what} not found."),
    "unauthorized": ("Cần đăng nhập hoặc mã truy cập hợp lệ.", "A valid sign-in or access token is required."),
    "invalid_credentials": ("Email hoặc mật khẩu không đúng.", "Wrong e-mail or password."),
    "too_many_attempts": (
        "Quá nhiều lần thử, vui lòng chờ {seconds} giây.",
        "Too many attempts, wait {seconds} seconds.",
    ),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    "validation_failed": ("Dữ liệu gửi lên không hợp lệ: {reason}", "Invalid input: {reason}"),
    "malformed_metadata": ("Thông tin mô tả không hợp lệ: {reason}", "Malformed metadata: {reason}"),
    "unknown_term": (
        "Thuật ngữ không có trong bộ từ vựng {vocabulary}: {term}",
        "Unknown {vocabulary} term: {term}",
    ),
    "empty_file": ("Tệp tải lên rỗng.", "The uploaded file is empty."),
    "missing_file": ("Thiếu tệp tải lên (trường 'file').", "No file was uploaded (field 'file')."),
    "unsupported_type": (
        "Định dạng tệp không được hỗ trợ ({media_type}).",
        "Unsupported file type ({media_type}).",
    ),
    "kind_mismatch": (
        "Tệp là {media_type}, không phù hợp với loại tài nguyên '{kind}'.",
        "The file is {media_type}, which does not fit asset kind '{kind}'.",
    ),
    "executable_content": (
        "Tệp chứa mã thực thi hoặc kịch bản, không được phép tải lên.",
        "The file contains executable code or a script and is refused.",
    ),
    "too_large": (
        "Tệp vượt quá giới hạn {limit_mb} MB cho loại '{kind}'.",
        "The file exceeds the {limit_mb} MB limit for kind '{kind}'.",
    ),
    "duplicate_file": (
        "Tệp này đã có trong kho (tài nguyên {asset_id}).",
        "This file is already in the repository (asset {asset_id}).",
    ),
    "bad_multipart": ("Yêu cầu multipart không hợp lệ: {reason}", "Malformed multipart request: {reason}"),
    "upload_interrupted": ("Tải lên bị gián đoạn.", "The upload was interrupted."),
    "invalid_range": ("Khoảng byte yêu cầu không hợp lệ.", "The requested byte range is not satisfiable."),
    "invalid_state": (
        "Không thể {action} khi tài nguyên đang ở trạng thái '{state}'.",
        "Cannot {action} while the asset is '{state}'.",
    ),
    "storage_unavailable": (
        "Kho lưu trữ tạm thời không truy cập được, vui lòng thử lại.",
        "Object storage is temporarily unavailable, please retry.",
    ),
    "storage_full": ("Kho lưu trữ đã đầy.", "Object storage is full."),
    "database_unavailable": (
        "Cơ sở dữ liệu tạm thời không truy cập được, vui lòng thử lại.",
        "The database is temporarily unavailable, please retry.",
    ),
    "conflict": ("Xung đột dữ liệu: {reason}", "Conflict: {reason}"),
    "link_expired": ("Liên kết tải về đã hết hạn hoặc không hợp lệ.", "The download link is invalid or expired."),
    "rate_limited": ("Quá nhiều yêu cầu, thử lại sau {seconds} giây.", "Too many requests, retry in {seconds} s."),
}
