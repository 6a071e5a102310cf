"""The Vietnamese README.txt of a kit: what is inside, who made it, how it may be used."""

from __future__ import annotations

from dataclasses import dataclass

from service.http import urls
from service.models import Asset, Collection


@dataclass(frozen=True)
class KitEntry:
    filename: str
    asset: Asset
    organisation: str
    profile: str
    media_type: str = ""


def readme_text(kit: Collection, entries: list[KitEntry], withdrawn: list[Asset] | None = None) -> str:
    lines = [f"BỘ TÀI LIỆU TRUYỀN THÔNG: {kit.title}", "=" * 60, ""]
    if kit.description:
        lines += [kit.description, ""]
    lines += [f"Gồm {len(entries)} sản phẩm, tải từ Kho Truyền Thông ({urls.kit_page(kit.slug)}).", "",
              "DANH SÁCH SẢN PHẨM", "-" * 60]
    for n, e in enumerate(entries, start=1):
        a = e.asset
        lines += [f"{n}. {a.title}", f"   Tệp: {e.filename} (bản {e.profile})", f"   Đơn vị sản xuất: {e.organisation}"]
        if a.credit:
            lines.append(f"   Ghi công: {a.credit}")
        if a.copyright_notice:
            lines.append(f"   Bản quyền: {a.copyright_notice}")
        if a.licence:
            lines.append(f"   Giấy phép: {a.licence}")
        lines.append(f"   Điều kiện sử dụng: {a.usage_terms or 'Sử dụng cho mục đích tuyên truyền, ghi rõ nguồn.'}")
        lines += [f"   Nguồn: {urls.asset_page(a.id)}", ""]
    if withdrawn:
        lines += ["ĐÃ THU HỒI (không có trong gói tải về)", "-" * 60]
        for a in withdrawn:
            lines += [f"- {a.title}" + (f" — lý do: {a.withdrawn_reason}" if a.withdrawn_reason else ""),
                      f"  {urls.asset_page(a.id)}"]
            if a.replaced_by_id:
                lines.append(f"  Dùng bản thay thế / use instead: {urls.asset_page(a.replaced_by_id)}")
        lines.append("")
    lines += ["Danh mục máy đọc được: manifest.json (mã, tên, bản quyền, SHA-256, đường dẫn).", "",
              "-" * 60, "Khi đăng tải, vui lòng giữ nguyên thông tin bản quyền và ghi rõ nguồn.",
              "Tài nguyên bị thu hồi sẽ được thông báo; khi đó xin gỡ bỏ khỏi các kênh của đơn vị.", ""]
    return "\r\n".join(lines)  # CRLF: opens cleanly in Windows Notepad
