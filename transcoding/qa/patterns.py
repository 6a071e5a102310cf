"""Line patterns that give a Q&A document its structure (shared by the DOCX/Markdown readers and the
Markdown writer, which escapes answer lines that would otherwise look like structure)."""

from __future__ import annotations

import re

_F = re.IGNORECASE
_DELIM = r"\s*([:.)\-–—])"
# "Câu 1:", "Câu hỏi 12.", "CÂU 3 -", "Question 4)" and a bare "Câu 5" heading.
QUESTION = re.compile(r"^\s*(?:câu\s*hỏi|câu|question)\s*(\d{1,4})(?:" + _DELIM + r"|\s*$)\s*", _F)
ASK = re.compile(r"^\s*(?:hỏi|câu\s*hỏi|question|q)\s*([:.])\s*", _F)
ANSWER = re.compile(
    r"^\s*(?:gợi\s*ý\s*trả\s*lời|câu\s*trả\s*lời|trả\s*lời|đáp\s*án|giải\s*thích|lời\s*giải|đáp|answer|explanation)"
    r"(?:\s*đúng)?\s*([:.])\s*",
    _F,
)
CORRECT = re.compile(
    r"^\s*(?:đáp\s*án(?:\s*đúng)?|correct(?:\s*answer)?|answer)\s*[:.]\s*([A-H])\b\s*[.)]?\s*", _F
)
CHOICE = re.compile(r"^\s*([A-Ha-h])\s*([.)])\s+")
SOURCE = re.compile(r"^\s*(?:nguồn|nguồn\s*tham\s*khảo|căn\s*cứ|source|reference)\s*([:.])\s*", _F)
NUMBERED = re.compile(r"^\s*(\d{1,4})\s*([.)])\s+")

STRUCTURAL = (QUESTION, ASK, ANSWER, CHOICE, SOURCE, NUMBERED)
_DELIMS = ":.)-–—"


def looks_structural(text: str) -> bool:
    return any(p.match(text) for p in STRUCTURAL)


def escape_structural(markdown_line: str, plain: str) -> str:
    """Backslash-escapes the delimiter of a line that a reader would mistake for structure."""
    if not looks_structural(plain):
        return markdown_line
    for index, char in enumerate(markdown_line):
        if char in _DELIMS and (index == 0 or markdown_line[index - 1] != "\\"):
            return markdown_line[:index] + "\\" + markdown_line[index:]
    return markdown_line
