"""Messages of the plans domain (plans, tasks, targets, evidence, reporting line): (vi, en)."""

ERRORS: dict[str, tuple[str, str]] = {
    "plan_table_unreadable": (
        "Không đọc được bảng nhiệm vụ: {reason}",
        "The task table could not be read: {reason}",
    ),
    "evidence_accepted": (
        "Minh chứng đã được đơn vị cấp trên chấp nhận, không sửa được nữa.",
        "This evidence was accepted by the parent unit and can no longer be edited.",
    ),
    "report_frozen": (
        "Báo cáo kỳ {period} đã gửi cấp trên và không thay đổi được nữa.",
        "The {period} report was submitted to the parent unit and can no longer change.",
    ),
}
