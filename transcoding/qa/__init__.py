"""Q&A sets (bộ câu hỏi - đáp): model, import from DOCX/XLSX/CSV/JSON/Markdown, every export format.

Pure file-in/files-out code: no database, no object store. See `parse_qa` and `export_qa`.
"""

from transcoding.qa.exporters import EXPORT_FORMATS, export_qa
from transcoding.qa.importers import parse_qa
from transcoding.qa.model import QaItem, QaModelError, QaSet
from transcoding.qa.report import ImportReport, ItemReport, QaImportError
from transcoding.qa.richtext import ListBlock, Paragraph, RichText, Span
from transcoding.qa.ziplimits import ZipLimitError, ZipLimits, check_xml_parts, check_zip

__all__ = [
    "EXPORT_FORMATS",
    "ImportReport",
    "ItemReport",
    "ListBlock",
    "Paragraph",
    "QaImportError",
    "QaItem",
    "QaModelError",
    "QaSet",
    "RichText",
    "Span",
    "ZipLimitError",
    "ZipLimits",
    "check_xml_parts",
    "check_zip",
    "export_qa",
    "parse_qa",
]
