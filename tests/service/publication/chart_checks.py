"""Checks that a report's XLSX and PDF carry the charts the dashboard draws (service/reports/charts.py),
read back with openpyxl and pypdf, not with the code that wrote them."""

from __future__ import annotations

import io
from typing import Any

from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader

from service.reports.charts import Chart, report_charts


def drawn(report: dict[str, Any]) -> list[Chart]:
    return [c for c in report_charts(report, "vi") if not c.empty]


def _cells(wb: Workbook, ref: str) -> list[Any]:
    sheet, _, span = ref.rpartition("!")
    min_col, min_row, max_col, max_row = range_boundaries(span.replace("$", ""))
    rows = wb[sheet.strip("'")].iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
    return [c.value for row in rows for c in row]


def assert_xlsx_charts(wb: Workbook, report: dict[str, Any]) -> None:
    """One native bar chart per drawn chart, its series the description's labels and values, in order."""
    charts = drawn(report)
    natives = wb["Biểu đồ"]._charts  # noqa: SLF001 - openpyxl keeps a sheet's charts there
    assert len(natives) == len(charts) > 0
    for chart, native in zip(charts, natives, strict=True):
        assert native.title.tx.rich.p[0].r[0].t == chart.title
        series = native.series[0]
        assert _cells(wb, series.val.numRef.f) == list(chart.values)
        categories = series.cat.strRef or series.cat.numRef
        assert _cells(wb, categories.f) == list(chart.labels)


def assert_pdf_charts(pdf: bytes, report: dict[str, Any]) -> None:
    """Each drawn chart in the PDF as vector drawing and text (its title, every label and value), not a
    raster picture."""
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    charts = drawn(report)
    assert charts
    for chart in charts:
        assert chart.title in words
        for line in chart.description.split("; "):
            label, _, value = line.rpartition(": ")
            assert " ".join(label.split()) in words and value in words, (chart.key, line)
    assert not any(page.images for page in reader.pages)
