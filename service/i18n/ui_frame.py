"""Strings of the page frame and shared components (compact menu, filter sheet, upload states): (vi, en)."""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "menu": ("Menu", "Menu"),
    "close": ("Đóng", "Close"),
    "show_filters": ("Bộ lọc", "Filters"),
    "filters_active": ("{n} đang chọn", "{n} selected"),
    "see_results": ("Xem kết quả", "See results"),
}
UI.update({
    # upload states (upload.js): true at every moment, with the next step once a file is in
    "files_chosen_list": ("Các tệp đã chọn", "Chosen files"),
    "remove_file": ("Bỏ tệp này", "Remove this file"),
    "upload_ready": ("Sẵn sàng — điền thông tin rồi bấm Tải lên.", "Ready — fill in the details, then press Upload."),
    "upload_queued": ("Đang chờ lượt gửi…", "Waiting its turn…"),
    "upload_refused": ("Bị từ chối", "Refused"),
    "upload_processing": ("Đã tải lên, đang tạo các bản cho từng kênh…",
                          "Uploaded; making the versions for each channel…"),
    "upload_processed": ("Đã tải lên và xử lý xong.", "Uploaded and processed."),
    "upload_processing_failed": ("Đã tải lên nhưng xử lý lỗi", "Uploaded, but processing failed"),
    "output_ready": ("xong", "ready"),
    "output_processing": ("đang xử lý", "processing"),
    "output_pending": ("đang chờ", "waiting"),
    "output_failed": ("lỗi", "failed"),
    "submit_now": ("Gửi duyệt ngay", "Submit for review now"),
    "submit_all": ("Gửi duyệt tất cả", "Submit all for review"),
    "submitted_for_review": ("Đã gửi duyệt.", "Submitted for review."),
    "submit_failed": ("Chưa gửi duyệt được", "Could not submit for review"),
    "title_required": ("Tệp này cần có tiêu đề.", "This file needs a title."),
    "upload_more": ("Tải thêm tệp", "Upload more files"),
    "upload_next_heading": ("Bước tiếp theo", "Next step"),
    "upload_next_help": ("Tài nguyên đang ở trạng thái bản nháp. Gửi duyệt để người duyệt xem và phát hành.",
                         "The assets are drafts. Submit them so a reviewer can check and publish them."),
})
