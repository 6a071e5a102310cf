"""The text of a Vietnamese administrative report (header, "I. Kết quả đạt được", "II. Tồn tại, hạn chế",
"III. Phương hướng"), shared by the XLSX and PDF exports so both carry the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.reports.period import VN

# A national report covers ~40k units: the document lists the first ones, the data sheets carry them all.
UNIT_ROWS = 30
NAMED_UNITS = 50


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None


def number(value: float | None) -> str:
    """1234.5 → "1.234,5" is the Vietnamese way, but figures must read back the same in both exports and in
    tests: plain "1234.5" / "60" with a dot decimal."""
    if value is None:
        return "—"
    return f"{value:g}" if value != int(value) else str(int(value))


def title_lines(report: dict[str, Any]) -> list[str]:
    p = report["period"]
    year = p["label"][:4]
    when = {"1": "SÁU THÁNG ĐẦU NĂM", "2": "SÁU THÁNG CUỐI NĂM"}.get(p["label"][-1], "NĂM") \
        if p["kind"] == "half" else "NĂM"
    return [f"BÁO CÁO {when} {year}",
            "Kết quả công tác truyền thông thực hiện Nghị quyết số 71-NQ/TW về đột phá phát triển giáo dục và đào tạo"]


def header(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(left: unit and number, right: national motto and date)."""
    frozen = report.get("frozen") or {}
    at = datetime.fromisoformat(frozen["at"]) if frozen.get("at") else datetime.now(VN)
    at = at.astimezone(VN)
    left = [report["organisation"]["name"].upper(), f"Số: {frozen.get('number') or '…'}/BC"]
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             f"ngày {at.day:02d} tháng {at.month:02d} năm {at.year}"]
    return left, right


def target_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for x in report.get("plan_targets", []):
        unit = "%" if x["is_percent"] else x["unit_of_measure"]
        rows.append([x["code"], x["label"], f"{number(x['target'])} {unit}".strip(),
                     number(x["achieved"]), number(x["progress_pct"]), "Đạt" if x["met"] else "Chưa đạt"])
        units = x.get("units", [])
        for u in units[:UNIT_ROWS]:
            rows.append(["", f"– {u['name']}", "", number(u["achieved"]), number(u["progress_pct"]),
                         "Đạt" if u["met"] else "Chưa đạt"])
        if len(units) > UNIT_ROWS:
            rows.append(["", f"– … và {len(units) - UNIT_ROWS} đơn vị khác (xem bản XLSX / JSON)", "", "", "", ""])
    return rows


def _names(units: list[dict[str, Any]]) -> str:
    listed = ", ".join(u["name"] for u in units[:NAMED_UNITS])
    return listed + (f" và {len(units) - NAMED_UNITS} đơn vị khác" if len(units) > NAMED_UNITS else "")


def _kinds(by_kind: list[dict[str, Any]]) -> str:
    return ", ".join(f"{k['label']}: {k['count']}" for k in by_kind) or "không có"


def sections(report: dict[str, Any]) -> list[Section]:
    products, usage, evidence, tasks = report["products"], report["usage"], report["evidence"], report["tasks"]
    reach = report["reach"]
    results = Section("I. Kết quả đạt được", [
        f"1. Sản phẩm truyền thông đã phát hành: {products['total']} "
        f"({_kinds(products['by_kind'])}).",
        f"2. Lượt tải về (mỗi người, mỗi sản phẩm, mỗi ngày tính một lần): {usage['totals'].get('download', 0)}; "
        f"lượt lấy qua API: {usage['totals'].get('api_pull', 0)}.",
        f"3. Đơn vị cấp dưới đã sử dụng: {reach['units_reached']}/{reach['units_below']}.",
        f"4. Minh chứng sử dụng: {evidence['records']} minh chứng của {evidence['units']} đơn vị; "
        f"lượt xem {evidence['views']}, lượt nghe {evidence['listeners']}, bản in {evidence['copies']}.",
        f"5. Nhiệm vụ: {tasks['done']}/{tasks['total']} đã hoàn thành.",
        "6. Thực hiện chỉ tiêu:",
    ], (["Mã", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Tỷ lệ (%)", "Kết quả"], target_rows(report)))
    unmet = [x for x in report.get("plan_targets", []) if not x["met"]]
    problems = Section("II. Tồn tại, hạn chế", [
        *[f"- Chỉ tiêu {x['code']} chưa đạt: thực hiện {number(x['achieved'])}/{number(x['target'])}." for x in unmet],
        *([f"- Đơn vị chưa báo cáo, chưa sử dụng sản phẩm nào ({len(report['silent_units'])}): "
           f"{_names(report['silent_units'])}."] if report["silent_units"] else []),
        *[f"- Nhiệm vụ quá hạn: {x['title']} (hạn {x['due_on']})." for x in tasks["overdue_list"]],
    ] or ["- Không có."])
    direction = Section("III. Phương hướng", [
        *[f"- Tập trung hoàn thành chỉ tiêu {x['code']}." for x in unmet],
        *(["- Đôn đốc các đơn vị chưa sử dụng sản phẩm truyền thông ghi nhận minh chứng."]
          if report["silent_units"] else []),
        "- Tiếp tục cập nhật minh chứng và kết quả đầu ra lên Kho Truyền Thông.",
    ])
    return [results, problems, direction]
