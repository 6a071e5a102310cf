"""Standalone HTML page: one file, inline CSS, every text escaped, no scripts (and a CSP saying so)."""

from __future__ import annotations

import html
from pathlib import Path

from transcoding.qa.model import QaItem, QaSet, letter

_CSS = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;color:#212529;max-width:46rem;margin:2rem auto;
padding:0 1rem;line-height:1.55}
header{border-bottom:3px solid #0054a6;margin-bottom:1.5rem}
header p{color:#555;text-transform:uppercase;letter-spacing:.04em;margin:0}
h1{color:#0054a6;margin:.3rem 0 1rem}
section{margin:0 0 1.6rem;padding:0 0 1rem;border-bottom:1px solid #dee2e6}
h2{font-size:1.1rem;color:#0054a6;margin:0 0 .5rem}
ol.choices{list-style:none;padding-left:1rem}
ol.choices li.correct{font-weight:700}
ol.choices li.correct::after{content:" ✓";color:#198754}
.correct-line{font-weight:700}
.source{color:#666;font-style:italic;font-size:.92rem}
a{color:#0054a6}
@media print{section{break-inside:avoid}}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _item(number: int, item: QaItem) -> str:
    parts = [f'<section id="cau-{number}">', f"<h2>Câu {number}. {_e(item.question)}</h2>"]
    if item.choices:
        marks = [' class="correct"' if index == item.correct else "" for index in range(len(item.choices))]
        rows = "".join(
            f"<li{mark}>{letter(index)}. {_e(choice)}</li>"
            for index, (mark, choice) in enumerate(zip(marks, item.choices, strict=True))
        )
        parts.append(f'<ol class="choices">{rows}</ol>')
    if item.correct_letter:
        parts.append(f'<p class="correct-line">Đáp án: {item.correct_letter}</p>')
    if not item.answer.is_empty():
        parts.append(f'<div class="answer">{item.answer.to_html()}</div>')
    if item.source:
        parts.append(f'<p class="source">Nguồn: {_e(item.source)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render_html(qa: QaSet) -> str:
    organisation = f"<p>{_e(qa.organisation)}</p>" if qa.organisation else ""
    body = "\n".join(_item(number, item) for number, item in enumerate(qa.items, 1))
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{_e(qa.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>{organisation}<h1>{_e(qa.title)}</h1></header>
<main>
{body}
</main>
</body>
</html>
"""


def write_html(qa: QaSet, path: Path) -> None:
    path.write_text(render_html(qa), encoding="utf-8")
