"""Publication readiness: problem titles and labels, (Vietnamese, English)."""

ERRORS: dict[str, tuple[str, str]] = {
    "publication_blocked": (
        "Chưa thể phát hành: bản dựng bắt buộc bị lỗi hoặc thiếu ({reason}). Cần tải lên tệp mới hoặc tạo lại "
        "bản dựng.",
        "Cannot publish: a required rendition failed or is missing ({reason}). Upload a new file or "
        "regenerate the renditions.",
    ),
}

UI: dict[str, tuple[str, str]] = {
    "status_approved": ("Đã duyệt, sẽ phát hành khi sẵn sàng", "Approved, publishing when ready"),
    "publication_ready": ("Bản dựng đã sẵn sàng để phát hành", "Renditions ready for publication"),
    "publication_pending": ("Đang tạo bản dựng", "Renditions are being made"),
    "publication_waiting": ("Đã duyệt, sẽ phát hành khi bản dựng sẵn sàng", "Approved, publishing when ready"),
    "publication_blocked": ("Không thể phát hành: bản dựng bắt buộc bị lỗi",
                            "Cannot be published: a required rendition failed"),
    "action_publication_blocked": ("Chặn phát hành", "Publication blocked"),
    "action_publish": ("Phát hành", "Published"),
    "publication_blocked_reason": (
        "Phát hành bị chặn vì bản dựng bắt buộc lỗi: {reason}. Hãy tải lên tệp mới rồi gửi duyệt lại.",
        "Publication blocked because a required rendition failed: {reason}. Upload a new file and submit again.",
    ),
}
