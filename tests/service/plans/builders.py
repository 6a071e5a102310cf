"""A Ministry → province (UBND tỉnh) → Sở GDĐT / ward → two schools tree, plus an outside province, built through
the domain services; each test gets its own uniquely coded units."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tests.conftest import Factory


def unit(kind: str, name: str, parent: str | None = None) -> str:
    from service.core.db import unit_of_work
    from service.orgs import service as orgs

    code = f"{kind[:4].upper()}-{uuid.uuid4().hex[:8]}"
    with unit_of_work() as session:
        orgs.create(session, code=code, name=f"{name} {code[-4:]}", kind=kind, parent_code=parent)
    return code


def name_of(code: str) -> str:
    from service.core.db import unit_of_work
    from service.orgs import repository

    with unit_of_work() as session:
        org = repository.by_code(session, code)
        assert org is not None
        return org.name


@dataclass
class Tree:
    ministry: str
    province: str
    department: str
    ward: str
    school_a: str
    school_b: str
    other_province: str
    other_department: str
    other_school: str

    @classmethod
    def build(cls, factory: Factory) -> Tree:
        ministry = unit("ministry", "Bộ Giáo dục và Đào tạo")
        province = unit("province", "UBND tỉnh Thử", ministry)
        department = unit("department", "Sở Giáo dục và Đào tạo tỉnh Thử", province)
        unit("department", "Sở Văn hóa, Thể thao và Du lịch tỉnh Thử", province)
        ward = unit("commune", "UBND phường Bắc Thử", province)
        school_a = unit("school", "Trường Tiểu học Kim Đồng", ward)
        school_b = unit("school", "Trường THCS Nguyễn Du", ward)
        other_province = unit("province", "UBND tỉnh Khác", ministry)
        other_department = unit("department", "Sở Giáo dục và Đào tạo tỉnh Khác", other_province)
        other_ward = unit("commune", "UBND xã Khác", other_province)
        other_school = unit("school", "Trường Mầm non Khác", other_ward)
        return cls(ministry, province, department, ward, school_a, school_b, other_province, other_department,
                   other_school)
