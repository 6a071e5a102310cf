"""Messages of webhooks, kits and reports: (vi, en)."""

ERRORS: dict[str, tuple[str, str]] = {
    "webhook_bad_url": ("Địa chỉ webhook phải là URL http(s) hợp lệ.", "The webhook URL must be a valid http(s) URL."),
    "webhook_private_target": (
        "Địa chỉ webhook trỏ tới mạng nội bộ, không được phép.",
        "The webhook URL points to a private network and is refused.",
    ),
    "webhook_bad_events": ("Sự kiện không hợp lệ: {events}", "Unknown webhook events: {events}"),
    "webhook_clients_only": (
        "Chỉ khóa API của tòa soạn mới đăng ký được webhook.",
        "Only API clients (newsroom keys) can manage webhooks.",
    ),
    "kit_slug_taken": ("Đã có bộ tài liệu với mã '{slug}'.", "A kit with slug '{slug}' already exists."),
    "kit_empty": ("Bộ tài liệu chưa có tài nguyên nào đang phát hành.", "The kit has no published assets."),
    "report_bad_period": (
        "Kỳ báo cáo không hợp lệ: {period} (dùng 2026-H1, 2026-H2 hoặc 2026).",
        "Invalid report period: {period} (use 2026-H1, 2026-H2 or 2026).",
    ),
}
