"""The reporting line derived from the tree and unit kinds (pure)."""

from __future__ import annotations

import uuid

from service.plans.lines import Unit, derived_lines, effective_lines, reporters_of


def _units() -> dict[str, Unit]:
    ids = {name: uuid.uuid4() for name in ("bo", "tinh", "so", "vhtt", "phuong", "th", "thcs", "cuc", "bao")}
    parent = {"tinh": "bo", "so": "tinh", "vhtt": "tinh", "phuong": "tinh", "th": "phuong", "thcs": "so",
              "cuc": "bo", "bao": "tinh"}
    kinds = {"bo": "ministry", "tinh": "province", "so": "department", "vhtt": "department", "phuong": "commune",
             "th": "school", "thcs": "school", "cuc": "ministry_unit", "bao": "newsroom"}
    names = {"so": "Sở Giáo dục và Đào tạo", "vhtt": "Sở Văn hóa, Thể thao và Du lịch"}
    return {n: Unit(ids[n], ids[parent[n]] if n in parent else None, kinds[n], names.get(n, n)) for n in ids}


def test_derived_lines_follow_unit_kinds() -> None:
    u = _units()
    lines = derived_lines({x.id: x for x in u.values()})
    by = {n: {next(k for k, v in u.items() if v.id == t) for t in lines[x.id]} for n, x in u.items()}
    assert by["bo"] == set()
    assert by["so"] == {"bo", "tinh"}  # to the Ministry and the provincial People's Committee
    assert by["phuong"] == {"so"} and by["th"] == {"so"}  # the ward and its schools: to the Sở GDĐT
    assert by["thcs"] == {"so"} and by["vhtt"] == {"bo", "tinh"} and by["cuc"] == {"bo"} and by["bao"] == {"tinh"}
    assert by["tinh"] == {"bo"}


def test_effective_lines_and_reach() -> None:
    u = _units()
    units = {x.id: x for x in u.values()}
    lines = effective_lines(units, [(u["th"].id, u["vhtt"].id)])
    assert reporters_of(lines, u["so"].id) == {u["so"].id, u["phuong"].id, u["thcs"].id}
    assert u["th"].id in reporters_of(lines, u["vhtt"].id)
    assert reporters_of(lines, u["bo"].id) == set(units)


def test_without_an_education_department_the_ward_reports_to_its_parent() -> None:
    bo, tinh, xa = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    units = {bo: Unit(bo, None, "ministry", "Bộ"), tinh: Unit(tinh, bo, "province", "Tỉnh"),
             xa: Unit(xa, tinh, "commune", "Xã")}
    assert derived_lines(units)[xa] == [tinh]
