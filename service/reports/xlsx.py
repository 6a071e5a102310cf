"""The report as an XLSX workbook (openpyxl), one sheet per section, and a sheet of native bar charts built
from the charts the dashboard and the PDF draw (service/reports/charts.py), with the same series."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from service.reports.charts import Chart, report_charts
from service.reports.layout import header, sections, title_lines


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column, name in zip(ws.columns, header, strict=False):
        width = max([len(str(c.value or "")) for c in column] + [len(name)])
        ws.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    return ws


CHART_SHEET = "Biểu đồ"
CHART_ROWS = 16  # rows one chart takes on the chart sheet (anchor height plus a gap)


def _native_chart(ws: Worksheet, chart: Chart, row: int) -> None:
    """The chart's title, labels and values as cells from `row` on, and a native bar chart of those cells."""
    ws.cell(row, 1, chart.title).font = Font(bold=True)
    ws.cell(row + 1, 1, chart.title)
    ws.cell(row + 1, 2, chart.unit or chart.title)
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True), start=row + 2):
        ws.cell(i, 1, label)
        ws.cell(i, 2, value)
    last = row + 1 + len(chart.values)
    native = BarChart()
    native.type = "bar"  # horizontal, largest first at the top, as drawn elsewhere
    native.title = chart.title
    native.legend = None
    native.y_axis.scaling.orientation = "minMax"
    native.x_axis.scaling.orientation = "maxMin"
    native.add_data(Reference(ws, min_col=2, min_row=row + 1, max_row=last), titles_from_data=True)
    native.set_categories(Reference(ws, min_col=1, min_row=row + 2, max_row=last))
    native.series[0].graphicalProperties.solidFill = chart.colour.lstrip("#")
    ws.add_chart(native, f"D{row}")


def _chart_sheet(wb: Workbook, report: dict[str, Any]) -> None:
    charts = [c for c in report_charts(report, "vi") if not c.empty]
    if not charts:
        return
    ws = wb.create_sheet(CHART_SHEET)
    ws.column_dimensions["A"].width = 40
    row = 1
    for chart in charts:
        _native_chart(ws, chart, row)
        row += max(CHART_ROWS, len(chart.values) + 3)


def _administrative_sheet(wb: Workbook, report: dict[str, Any]) -> None:
    """The report as the signed document reads: header, title, I / II / III (first sheet of the workbook)."""
    ws = wb.create_sheet("Báo cáo", 0)
    wb.active = 0
    left, right = header(report)
    for i in range(max(len(left), len(right))):
        ws.append([left[i] if i < len(left) else None, None, None, right[i] if i < len(right) else None])
    ws.append([])
    for line in title_lines(report):
        ws.append([line])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    for section in sections(report):
        ws.append([])
        ws.append([section.title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for line in section.lines:
            ws.append([line])
        if section.table and section.table[1]:
            head, rows = section.table
            ws.append(head)
            for row in rows:
                ws.append(row)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["D"].width = 40


def report_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Tổng quan"
    org, period, usage, reach = report["organisation"], report["period"], report["usage"], report["reach"]
    for row in (["Đơn vị", org["name"]], ["Mã", org["code"]], ["Kỳ báo cáo", period["label"]],
                ["Sản phẩm đã phát hành", report["products"]["total"]],
                ["Lượt phê duyệt", report["approvals"]["count"]],
                ["Thời gian duyệt trung bình (giờ)", report["approvals"]["turnaround_hours_mean"]],
                ["Lượt tải về", usage["totals"].get("download", 0)],
                ["Lượt lấy qua API", usage["totals"].get("api_pull", 0)],
                ["Lượt đọc bản tin (feed)", usage["totals"].get("feed_fetch", 0)],
                ["Lượt gửi webhook", usage["totals"].get("webhook_delivery", 0)],
                ["Đơn vị cấp dưới", reach["units_below"]], ["Đơn vị đã sử dụng", reach["units_reached"]],
                ["Tỷ lệ bao phủ (%)", reach["share_pct"]]):
        summary.append(row)
    summary.column_dimensions["A"].width = 36
    _sheet(wb, "Sản phẩm theo loại", ["Loại", "Số lượng"],
           [[k["label"], k["count"]] for k in report["products"]["by_kind"]])
    _sheet(wb, "Theo chủ đề", ["Chủ đề", "Số lượng"],
           [[x["label"], x["count"]] for x in report["products"]["by_topic"]])
    _sheet(wb, "Theo đối tượng", ["Đối tượng", "Số lượng"],
           [[x["label"], x["count"]] for x in report["products"]["by_audience"]])
    _sheet(wb, "Theo ngôn ngữ", ["Ngôn ngữ", "Mã", "Số lượng"],
           [[x["label"], x["code"], x["count"]] for x in report["products"].get("by_language", [])])
    _sheet(wb, "Theo đơn vị", ["Đơn vị", "Loại đơn vị", "Tải về", "API", "Feed", "Webhook"],
           [[u["name"], u["kind"], u.get("download", 0), u.get("api_pull", 0), u.get("feed_fetch", 0),
             u.get("webhook_delivery", 0)] for u in usage["by_unit"]])
    _sheet(wb, "Theo kênh", ["Kênh", "Tải về", "API", "Feed", "Webhook"],
                [[c["channel"], c.get("download", 0), c.get("api_pull", 0), c.get("feed_fetch", 0),
                  c.get("webhook_delivery", 0)] for c in usage["by_channel"]])
    _sheet(wb, "Bao phủ", ["Loại đơn vị", "Đã sử dụng", "Tổng số", "Tỷ lệ (%)"],
           [[r["kind"], r["reached"], r["total"], r["share_pct"]] for r in reach["by_org_kind"]])
    _sheet(wb, "Sử dụng nhiều nhất", ["Sản phẩm", "Loại", "Lượt"],
           [[a["title"], a["kind"], a["count"]] for a in report["top_assets"]])
    _sheet(wb, "Thu hồi", ["Sản phẩm", "Lý do", "Thời điểm", "Lượt đã tải"],
           [[w["title"], w["reason"], w["withdrawn_at"], w["downloads"]] for w in report["withdrawn"]])
    _sheet(wb, "Chỉ tiêu", ["Chỉ tiêu", "Tối thiểu", "Tối đa", "Thực hiện", "Tỷ lệ (%)", "Đạt"],
           [[x["metric"], x["target_min"], x["target_max"], x["actual"], x["progress_pct"],
             "Đạt" if x["met"] else "Chưa đạt"] for x in report["targets"]])
    _sheet(wb, "Chỉ tiêu kế hoạch", ["Mã", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Tỷ lệ (%)", "Kết quả"],
                [[x["code"], x["label"], x["target"], x["achieved"], x["progress_pct"],
                  "Đạt" if x["met"] else "Chưa đạt"] for x in report.get("plan_targets", [])])
    _sheet(wb, "Đơn vị chưa sử dụng", ["Mã", "Đơn vị", "Loại"],
           [[u["code"], u["name"], u["kind"]] for u in report.get("silent_units", [])])
    _sheet(wb, "Nhiệm vụ quá hạn", ["STT", "Nhiệm vụ", "Chủ trì", "Hạn"],
           [[x["position"], x["title"], x["lead_unit"], x["due_on"]] for x in report["tasks"]["overdue_list"]])
    _sheet(wb, "Minh chứng theo kênh", ["Kênh", "Số minh chứng", "Lượt xem", "Lượt nghe", "Bản in"],
           [[c["channel"], c["records"], c["views"], c["listeners"], c["copies"]]
            for c in report["evidence"]["by_channel"]])
    _chart_sheet(wb, report)
    _administrative_sheet(wb, report)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
