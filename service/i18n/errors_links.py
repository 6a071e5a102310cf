"""Messages of public links, HTTP semantics, kit publication and file naming: (vi, en)."""

ERRORS: dict[str, tuple[str, str]] = {
    "asset_withdrawn": ("Tài nguyên này đã bị thu hồi.", "This asset has been withdrawn."),
    "method_not_allowed": ("Phương thức {method} không được hỗ trợ tại đường dẫn này (dùng: {allow}).",
                           "Method {method} is not allowed here (use: {allow})."),
    "kit_no_items": ("Bộ tài liệu phải có ít nhất một tài nguyên.", "A kit needs at least one asset."),
}

UI: dict[str, tuple[str, str]] = {
    "public_sign_in_to_download": ("Đăng nhập để tải các bản cắt sẵn cho từng kênh.",
                                   "Sign in to download the versions cut for each channel."),
    "public_source": ("Đường dẫn chính thức", "Canonical link"),
    "kit_withdrawn_items": ("Đã thu hồi (không còn trong bộ tải về)", "Withdrawn (no longer in the download)"),
    "kit_manifest": ("Danh mục máy đọc được (JSON)", "Machine-readable manifest (JSON)"),
}
