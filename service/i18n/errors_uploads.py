"""Messages of resumable uploads, bulk import and the operational guards (vi, en)."""

ERRORS: dict[str, tuple[str, str]] = {
    "tus_version": (
        "Phiên bản giao thức tus không được hỗ trợ (cần Tus-Resumable: 1.0.0).",
        "Unsupported tus protocol version (Tus-Resumable: 1.0.0 is required).",
    ),
    "tus_bad_header": ("Tiêu đề tus không hợp lệ: {reason}", "Invalid tus header: {reason}"),
    "tus_offset_mismatch": (
        "Vị trí tải lên không khớp: máy chủ đang ở byte {offset}.",
        "Upload offset mismatch: the server is at byte {offset}.",
    ),
    "tus_checksum_mismatch": (
        "Mã kiểm tra của đoạn dữ liệu không khớp; đoạn này đã bị loại bỏ, hãy gửi lại.",
        "The chunk checksum does not match; the chunk was discarded, send it again.",
    ),
    "tus_checksum_algorithm": (
        "Thuật toán kiểm tra không được hỗ trợ (chỉ sha1).",
        "Unsupported checksum algorithm (only sha1).",
    ),
    "tus_exceeds_length": (
        "Dữ liệu gửi vượt quá độ dài đã khai báo của lượt tải lên.",
        "The data goes beyond the declared upload length.",
    ),
    "tus_busy": (
        "Lượt tải lên này đang nhận dữ liệu từ một yêu cầu khác.",
        "This upload is receiving data from another request.",
    ),
    "tus_too_many": (
        "Bạn đang có quá nhiều lượt tải lên dở dang ({limit}).",
        "You have too many unfinished uploads ({limit}).",
    ),
    "tus_finished": ("Lượt tải lên đã hoàn tất hoặc đã thất bại.", "The upload is already finished or failed."),
    "import_not_zip": (
        "Tệp nhập hàng loạt phải là một tệp ZIP hợp lệ: {reason}",
        "The bulk import must be a valid ZIP file: {reason}",
    ),
    "import_limits": ("Tệp ZIP vượt giới hạn cho phép: {reason}", "The ZIP breaks a limit: {reason}"),
    "import_no_manifest": (
        "Không tìm thấy bảng kê manifest.csv hoặc manifest.xlsx trong tệp ZIP.",
        "No manifest.csv or manifest.xlsx was found in the ZIP.",
    ),
    "import_bad_manifest": ("Bảng kê không hợp lệ: {reason}", "Invalid manifest: {reason}"),
    "import_missing_entry": ("Không có tệp '{name}' trong ZIP.", "The ZIP has no file '{name}'."),
    "import_unsafe_name": ("Tên tệp không an toàn: '{name}'.", "Unsafe file name: '{name}'."),
    "import_duplicate_row": (
        "Tệp '{name}' đã được liệt kê ở dòng trước.",
        "The file '{name}' is already listed on an earlier row.",
    ),
    "request_too_large": (
        "Yêu cầu quá lớn (giới hạn {limit_mb} MB cho đường dẫn này).",
        "The request is too large (limit {limit_mb} MB for this path).",
    ),
}
