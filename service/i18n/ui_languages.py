"""Page strings of languages, language versions, captions and translation requests: (Vietnamese, English)."""

UI: dict[str, tuple[str, str]] = {
    "language": ("Ngôn ngữ", "Language"),
    "language_versions": ("Các phiên bản ngôn ngữ", "Language versions"),
    "language_original": ("bản gốc", "original"),
    "transcript": ("Lời thoại (phụ đề)", "Transcript (captions)"),
    "transcript_of": ("Lời thoại", "Transcript"),
    "no_captions": ("Chưa có phụ đề.", "No captions yet."),
    "captions": ("Phụ đề", "Captions"),
    "variant_upload_of": ("Tải lên bản ngôn ngữ khác của:", "Upload a language version of:"),
    "variant_add": ("Thêm bản ngôn ngữ khác", "Add a language version"),
    "caption_upload": ("Tải phụ đề lên", "Upload captions"),
    "caption_file": ("Tệp phụ đề (WebVTT hoặc SRT, mã hoá UTF-8)", "Caption file (WebVTT or SRT, UTF-8)"),
    "caption_send": ("Tải lên", "Upload"),
    "compare_translation": ("Đối chiếu bản gốc và bản dịch", "Original and translation side by side"),
    "original_version": ("Bản gốc", "Original"),
    "translation_version": ("Bản dịch", "Translation"),
}
