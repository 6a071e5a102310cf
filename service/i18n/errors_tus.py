"""Messages of resumable uploads staged in the object store (vi, en)."""

ERRORS: dict[str, tuple[str, str]] = {
    "tus_staging_lost": (
        "Dữ liệu đã nhận của lượt tải lên không còn nguyên vẹn; lượt tải lên đã bị hủy, hãy tải lại từ đầu.",
        "The data received for this upload is no longer intact; the upload was cancelled, start it again.",
    ),
    "tus_upload_checksum_mismatch": (
        "Mã SHA-256 của tệp đã nhận không khớp với mã do trình tải lên khai báo; lượt tải lên đã bị hủy.",
        "The received file's SHA-256 does not match the one the client declared; the upload was cancelled.",
    ),
}
