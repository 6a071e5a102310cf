"""The report as a PDF in Vietnamese (fpdf2 with an embedded Unicode font), its charts the dashboard's own SVG."""

from __future__ import annotations

import io
import logging
from typing import Any

from fpdf import FPDF

from service.reports.charts import report_charts, svg
from service.reports.layout import header, sections, title_lines
from transcoding.fonts import font_path


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple[int, ...] | None = None) -> None:
    with pdf.table(text_align="LEFT", first_row_as_headings=True, col_widths=widths) as table:
        for values in [header, *rows]:
            row = table.row()
            for v in values:
                row.cell(v)


def _header(pdf: FPDF, report: dict[str, Any]) -> None:
    left, right = header(report)
    top = pdf.get_y()
    pdf.set_font("Viet", "B", 10)
    for line in left:
        pdf.cell(80, 5, line[:60], align="C", new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_xy(95, top)
    for i, line in enumerate(right):
        pdf.set_font("Viet", "B" if i < 2 else "", 10)
        pdf.set_x(95)
        pdf.cell(100, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(bottom, pdf.get_y()) + 4)
    for i, line in enumerate(title_lines(report)):
        pdf.set_font("Viet", "B", 14 if i == 0 else 11)
        pdf.multi_cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _sections(pdf: FPDF, report: dict[str, Any]) -> None:
    for section in sections(report):
        pdf.set_font("Viet", "B", 12)
        pdf.cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Viet", "", 10)
        for line in section.lines:
            pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
        if section.table and section.table[1]:
            pdf.set_font("Viet", "", 8)
            _table(pdf, *section.table, widths=(30, 70, 22, 18, 16, 18))
        pdf.ln(2)


class _AccessibleTags(logging.Filter):
    """fpdf2 draws an SVG's shapes and text but not its <title>/<desc> (the accessible name and figures,
    which the PDF's own text carries): its note about skipping them, once per chart, is not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "<title>" not in message and "<desc>" not in message


logging.getLogger("fpdf.svg").addFilter(_AccessibleTags())


def _charts(pdf: FPDF, report: dict[str, Any]) -> None:
    """The charts as drawn on the dashboard: the same SVG, its text set in the embedded font."""
    for chart in report_charts(report, "vi"):
        if chart.empty:
            continue
        pdf.ln(3)
        pdf.set_font("Viet", "B", 11)
        pdf.cell(0, 7, chart.title, new_x="LMARGIN", new_y="NEXT")
        pdf.image(io.BytesIO(svg(chart, font="Viet").encode()), w=150)


def report_pdf(report: dict[str, Any]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_lang("vi")
    pdf.set_title(f"Báo cáo {report['period']['label']} — {report['organisation']['name']}")
    pdf.add_font("Viet", "", str(font_path("regular")))
    pdf.add_font("Viet", "B", str(font_path("bold")))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    org = report["organisation"]
    _header(pdf, report)
    pdf.set_font("Viet", "", 11)
    pdf.multi_cell(0, 6, f"Đơn vị: {org['name']} ({org['code']})", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    products, approvals, usage, reach = report["products"], report["approvals"], report["usage"], report["reach"]
    summary = [
        ["Sản phẩm đã phát hành", str(products["total"])],
        ["Lượt phê duyệt", str(approvals["count"])],
        ["Thời gian duyệt trung bình (giờ)", str(approvals["turnaround_hours_mean"] or "—")],
        ["Lượt tải về", str(usage["totals"].get("download", 0))],
        ["Lượt lấy qua API", str(usage["totals"].get("api_pull", 0))],
        ["Đơn vị cấp dưới đã sử dụng", f"{reach['units_reached']}/{reach['units_below']} "
                                       f"({reach['share_pct'] if reach['share_pct'] is not None else '—'} %)"],
        ["Sản phẩm bị thu hồi", str(len(report["withdrawn"]))],
    ]
    _table(pdf, ["Chỉ số", "Giá trị"], summary)
    pdf.ln(3)
    if products.get("by_language"):  # versions for ethnic minority languages and abroad (thông tin đối ngoại)
        pdf.set_font("Viet", "B", 12)
        pdf.cell(0, 8, "Sản phẩm theo ngôn ngữ", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Viet", "", 10)
        _table(pdf, ["Ngôn ngữ", "Số lượng"], [[x["label"], str(x["count"])] for x in products["by_language"]])
        pdf.ln(3)
    _sections(pdf, report)
    if report["targets"]:
        pdf.ln(3)
        pdf.set_font("Viet", "B", 12)
        pdf.cell(0, 8, "Tiến độ so với chỉ tiêu", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Viet", "", 10)
        _table(pdf, ["Chỉ tiêu", "Mục tiêu", "Thực hiện", "Tỷ lệ (%)"],
               [[t["metric"], f"{t['target_min']:g}" + (f"–{t['target_max']:g}" if t["target_max"] else ""),
                 str(t["actual"]), str(t["progress_pct"])] for t in report["targets"]])
    _charts(pdf, report)
    if report["top_assets"]:
        pdf.add_page()
        pdf.set_font("Viet", "B", 12)
        pdf.cell(0, 8, "Sản phẩm được sử dụng nhiều nhất", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Viet", "", 9)
        _table(pdf, ["Tên sản phẩm", "Loại", "Lượt"], [[a["title"][:90], a["kind"], str(a["count"])]
                                                      for a in report["top_assets"]])
    if report["withdrawn"]:
        pdf.ln(3)
        pdf.set_font("Viet", "B", 12)
        pdf.cell(0, 8, "Sản phẩm bị thu hồi", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Viet", "", 9)
        _table(pdf, ["Tên sản phẩm", "Lý do", "Lượt đã tải"],
               [[w["title"][:80], w["reason"][:80], str(w["downloads"])] for w in report["withdrawn"]])
    return bytes(pdf.output())
