"""Texts of notifications, their e-mails and the notification pages: (Vietnamese, English)."""

UI: dict[str, tuple[str, str]] = {
    "notify_review_requested": ("Có tài nguyên chờ bạn duyệt: {title}", "An asset awaits your review: {title}"),
    "notify_urgent_review": ("KHẨN: tài nguyên cần duyệt ngay: {title}", "URGENT: an asset needs review now: {title}"),
    "notify_urgent_review_again": ("KHẨN (nhắc lại): tài nguyên vẫn chờ duyệt: {title}",
                                   "URGENT (reminder): an asset still awaits review: {title}"),
    "notify_approved": ("Tài nguyên của bạn đã qua một cấp duyệt: {title}",
                        "Your asset passed one approval level: {title}"),
    "notify_published": ("Tài nguyên của bạn đã được đăng: {title}", "Your asset is published: {title}"),
    "notify_changes_requested": ("Yêu cầu chỉnh sửa: {title}", "Changes requested: {title}"),
    "notify_rejected": ("Phiên bản bị từ chối: {title}", "Version rejected: {title}"),
    "notify_withdrawn": ("Đã thu hồi, ngừng sử dụng: {title}", "Withdrawn, stop using it: {title}"),
    "notify_urgent_published": ("Tin phản bác khẩn đã đăng: {title}", "Urgent rebuttal published: {title}"),
    "notify_comment": ("Bình luận mới về: {title}", "New comment on: {title}"),
    "notify_reason": ("Lý do: {reason}", "Reason: {reason}"),
    "notify_replacement": ("Dùng bản thay thế: {title} — {link}", "Use the replacement: {title} — {link}"),
    "notify_withdrawn_body": (
        "Tài nguyên này đã bị thu hồi. Vui lòng gỡ khỏi trang tin, fanpage, nhóm Zalo, bảng tin và ngừng phát.",
        "This asset was withdrawn. Please remove it from websites, fanpages, Zalo groups and notice boards, "
        "and stop broadcasting it."),
    "notify_open": ("Xem chi tiết", "Open"),
    "notify_unsubscribe": ("Đổi cách nhận thông báo", "Change notification settings"),
    "notify_digest_subject": ("Tóm tắt thông báo ngày {date} ({count})", "Daily notifications for {date} ({count})"),
    "notify_footer": (
        "Thư tự động từ Kho Truyền Thông ngành Giáo dục. Đổi cách nhận thông báo: {prefs}",
        "Automatic message from the education sector's Kho Truyền Thông. Notification settings: {prefs}"),
    "notifications_title": ("Thông báo", "Notifications"),
    "notifications_empty": ("Chưa có thông báo nào.", "No notifications yet."),
    "notifications_unread": ("{count} thông báo chưa đọc", "{count} unread notifications"),
    "notifications_mark_all": ("Đánh dấu tất cả đã đọc", "Mark all as read"),
    "notifications_mark_read": ("Đã đọc", "Mark read"),
    "notifications_settings": ("Cách nhận thông báo qua thư điện tử", "How you receive notifications by e-mail"),
    "notifications_save": ("Lưu", "Save"),
    "notifications_saved": ("Đã lưu cách nhận thông báo.", "Notification settings saved."),
    "notifications_mandatory": ("Luôn gửi ngay (không thể tắt)", "Always sent at once (cannot be switched off)"),
    "notify_mode_immediate": ("Gửi ngay", "Immediately"),
    "notify_mode_digest": ("Tóm tắt hằng ngày", "Daily digest"),
    "notify_mode_off": ("Không gửi thư", "No e-mail"),
    "notify_kind_review_requested": ("Tài nguyên chờ duyệt", "Assets awaiting review"),
    "notify_kind_urgent_review": ("Tài nguyên khẩn chờ duyệt", "Urgent assets awaiting review"),
    "notify_kind_approved": ("Qua một cấp duyệt", "Passed an approval level"),
    "notify_kind_published": ("Tài nguyên của tôi được đăng", "My asset published"),
    "notify_kind_changes_requested": ("Yêu cầu chỉnh sửa", "Changes requested"),
    "notify_kind_rejected": ("Bị từ chối", "Rejected"),
    "notify_kind_withdrawn": ("Thu hồi tài nguyên", "Withdrawals"),
    "notify_kind_urgent_published": ("Tin phản bác khẩn", "Urgent rebuttals"),
    "notify_kind_comment": ("Bình luận", "Comments"),
    "nav_notifications": ("Thông báo", "Notifications"),
    "withdrawn_title": ("Đã thu hồi", "Withdrawn"),
    "withdrawn_at": ("Ngày thu hồi", "Withdrawn on"),
    "withdrawn_reason": ("Lý do", "Reason"),
    "withdrawn_stop": (
        "Tài nguyên này không còn được phép sử dụng. Nếu đã đăng hoặc phát, vui lòng gỡ xuống.",
        "This asset may no longer be used. If you posted or broadcast it, please take it down."),
    "withdrawn_use_replacement": ("Dùng bản thay thế: {title}", "Use the replacement: {title}"),
    "bell_label": ("Thông báo: {count} chưa đọc", "Notifications: {count} unread"),
}

ERRORS: dict[str, tuple[str, str]] = {
    "mandatory_notification": (
        "Thông báo thu hồi và tin phản bác khẩn luôn được gửi ngay, không thể tắt.",
        "Withdrawal and urgent rebuttal notifications are always sent at once and cannot be switched off."),
    "replacement_invalid": (
        "Tài nguyên thay thế phải là một tài nguyên khác đang được đăng.",
        "The replacement must be another, published asset."),
}
