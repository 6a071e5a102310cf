"""Problem titles of the workflow, organisation, user and vocabulary administration: (Vietnamese, English)."""

ERRORS: dict[str, tuple[str, str]] = {
    "self_approval": (
        "Người tạo hoặc gửi duyệt không được tự duyệt tài nguyên của mình.",
        "The author or submitter of an asset cannot review it.",
    ),
    "outside_subtree": (
        "Tài nguyên thuộc đơn vị nằm ngoài phạm vi quản lý của bạn.",
        "The asset belongs to a unit outside your organisation's subtree.",
    ),
    "approval_level": (
        "Lần duyệt thứ {level}/{levels} phải do người duyệt của đơn vị cấp trên đơn vị đã duyệt trước thực hiện.",
        "Approval {level} of {levels} must come from a reviewer of a unit above the one that approved before.",
    ),
    "already_approved": (
        "Bạn đã duyệt phiên bản này ở một cấp trước.",
        "You already approved this version at an earlier level.",
    ),
    "reason_required": ("Cần nêu lý do.", "A reason is required."),
    "alt_text_required": (
        "Cần có mô tả thay thế (alt text) cho {kind} trước khi gửi duyệt.",
        "Alt text is required for a {kind} before it is submitted.",
    ),
    "no_change": (
        "Tệp mới trùng với phiên bản hiện tại; không có gì thay đổi.",
        "The new file is identical to the current version; nothing changed.",
    ),
    "self_change": (
        "Không thể tự thay đổi vai trò hoặc khoá tài khoản của chính mình.",
        "You cannot change your own role or deactivate yourself.",
    ),
    "invalid_csv": ("Tệp CSV không hợp lệ: {reason}", "Invalid CSV file: {reason}"),
    "invalid_parent": ("Đơn vị/thuật ngữ cha không hợp lệ: {reason}", "Invalid parent: {reason}"),
}
