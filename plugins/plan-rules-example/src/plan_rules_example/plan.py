"""The plan, its indicators and its targets, quoted from the (made-up) plan's text.

Example Province is not a real province and Plan 01/KH-UBND is not a real document: the
wording imitates how Vietnamese provincial plans state their targets, so that the example
reads like the real thing.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from plan_rules import (
    Aggregation,
    Area,
    Clause,
    Comparator,
    Indicator,
    Kind,
    Plan,
    Scope,
    Target,
    Temporal,
    Text,
)

__all__ = ["INDICATORS", "PLAN", "TARGETS"]

#: Every code of this plugin starts with the plan's code.
CODE = "EX26"
DEADLINE = date(2026, 12, 31)

PLAN = Plan(
    code=CODE,
    number="01/KH-UBND",
    issuer=Text(vi="Ủy ban nhân dân Tỉnh Ví Dụ (ví dụ minh họa)",
                en="People's Committee of Example Province (an illustration)"),
    issued=date(2026, 1, 15),
    deadline=DEADLINE,
    title=Text(
        vi="Kế hoạch chuyển đổi số năm 2026 của Tỉnh Ví Dụ (ví dụ minh họa, không phải văn bản "
        "thật)",
        en="Example Province digital-transformation plan for 2026 (an illustration, not a "
        "real document)",
    ),
    areas=(
        Area(code="PS", name=Text(vi="Dịch vụ công trực tuyến", en="Online public services")),
        Area(code="DATA", name=Text(vi="Dữ liệu mở", en="Open data")),
        Area(code="GOV", name=Text(vi="Chính quyền số", en="Digital government")),
    ),
    source="Kế hoạch số 01/KH-UBND ngày 15/01/2026 của UBND Tỉnh Ví Dụ (ví dụ minh họa)",
)


def clause(bullet: str, text_vi: str) -> Clause:
    """A clause of section II.1 of the plan, quoted exactly."""
    return Clause(bullet=bullet, text_vi=text_vi, section="II.1. Mục tiêu cụ thể")


ONLINE_DOSSIERS = Indicator(
    code="EX26.PS.1",
    plan=CODE,
    area="PS",
    kind=Kind.RATE,
    temporal=Temporal.FLOW,
    name=Text(vi="Tỷ lệ hồ sơ được xử lý trực tuyến toàn trình",
              en="Dossiers handled fully online"),
    description=Text(
        vi="Tỷ lệ hồ sơ thủ tục hành chính được tiếp nhận và xử lý trực tuyến toàn trình trên "
        "tổng số hồ sơ tiếp nhận. Chỉ tiêu luồng: hồ sơ của các kỳ được cộng dồn.",
        en="Administrative-procedure dossiers received and handled fully online, over all "
        "dossiers received. A flow: the dossiers of all periods add up.",
    ),
    unit=Text(vi="hồ sơ", en="dossiers"),
    clause=clause("a", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình đạt "
                       "tối thiểu 80% trên toàn tỉnh; bình quân các xã đạt tối thiểu 70%"),
    numerator=Text(vi="Số hồ sơ được tiếp nhận, xử lý trực tuyến toàn trình",
                   en="Dossiers received and handled fully online"),
    denominator=Text(vi="Tổng số hồ sơ thủ tục hành chính được tiếp nhận",
                     en="All administrative-procedure dossiers received"),
    excludes=Text(vi="Hồ sơ của thủ tục không đủ điều kiện cung cấp trực tuyến toàn trình",
                  en="Dossiers of procedures that cannot be offered fully online"),
)

OPEN_DATASETS = Indicator(
    code="EX26.DATA.1",
    plan=CODE,
    area="DATA",
    kind=Kind.COUNT,
    temporal=Temporal.STOCK,
    name=Text(vi="Số bộ dữ liệu mở được công bố", en="Open datasets published"),
    description=Text(
        vi="Số bộ dữ liệu mở được công bố trên Cổng dữ liệu của tỉnh. Chỉ tiêu thời điểm: số "
        "liệu mới nhất trong kỳ được dùng.",
        en="Open datasets published on the province's data portal. A stock: the latest "
        "figure in the window counts.",
    ),
    unit=Text(vi="bộ dữ liệu", en="datasets"),
    clause=clause("b", "Công bố tối thiểu 50 bộ dữ liệu mở trên Cổng dữ liệu của tỉnh"),
)

OPERATIONS_CENTRE = Indicator(
    code="EX26.GOV.1",
    plan=CODE,
    area="GOV",
    kind=Kind.MILESTONE,
    temporal=Temporal.STOCK,
    name=Text(vi="Trung tâm điều hành thông minh đi vào vận hành",
              en="Intelligent operations centre in service"),
    description=Text(
        vi="Trung tâm điều hành thông minh (IOC) của tỉnh được đưa vào vận hành chính thức. "
        "Báo cáo 'hoàn thành' (1) kèm số, ngày văn bản ở cột nguồn.",
        en="The province's intelligent operations centre (IOC) put into service. Report "
        "'done' (1) with the document number and date in the source column.",
    ),
    unit=Text(vi="mốc công việc", en="milestone"),
    clause=clause("c", "Đưa Trung tâm điều hành thông minh của tỉnh vào vận hành trong năm "
                       "2026"),
)

DOCUMENT_SYSTEM = Indicator(
    code="EX26.GOV.2",
    plan=CODE,
    area="GOV",
    kind=Kind.RATE,
    temporal=Temporal.STOCK,
    name=Text(vi="Tỷ lệ cơ quan cấp xã dùng hệ thống quản lý văn bản",
              en="Commune agencies using the document-management system"),
    description=Text(
        vi="Tỷ lệ cơ quan, đơn vị cấp xã sử dụng hệ thống quản lý văn bản và điều hành của "
        "tỉnh. Mỗi xã báo cáo các cơ quan của mình; mỗi xã phải đạt 100%.",
        en="Commune-level agencies using the province's document-management system. Each "
        "commune reports its own agencies; every commune must reach 100%.",
    ),
    unit=Text(vi="cơ quan", en="agencies"),
    clause=clause("d", "100% cơ quan, đơn vị cấp xã sử dụng hệ thống quản lý văn bản và điều "
                       "hành"),
    numerator=Text(vi="Số cơ quan cấp xã sử dụng hệ thống", en="Commune agencies using it"),
    denominator=Text(vi="Tổng số cơ quan cấp xã", en="All commune agencies"),
)

INDICATORS: tuple[Indicator, ...] = (
    ONLINE_DOSSIERS, OPEN_DATASETS, OPERATIONS_CENTRE, DOCUMENT_SYSTEM,
)

PROVINCE = Scope(level="province")
COMMUNES = Scope(level="commune")
PROVINCE_WIDE = Text(vi="toàn tỉnh", en="province-wide")

TARGETS: tuple[Target, ...] = (
    Target(code="EX26.PS.1.province", indicator="EX26.PS.1", comparator=Comparator.GE,
           threshold=Fraction(4, 5), scope=PROVINCE, aggregation=Aggregation.REPORTED,
           deadline=DEADLINE, name=PROVINCE_WIDE),
    Target(code="EX26.PS.1.commune", indicator="EX26.PS.1", comparator=Comparator.GE,
           threshold=Fraction(7, 10), scope=COMMUNES, aggregation=Aggregation.MEAN,
           deadline=DEADLINE, name=Text(vi="bình quân cấp xã", en="commune mean")),
    Target(code="EX26.DATA.1.province", indicator="EX26.DATA.1", comparator=Comparator.GE,
           threshold=50, scope=PROVINCE, aggregation=Aggregation.REPORTED, deadline=DEADLINE,
           name=PROVINCE_WIDE),
    Target(code="EX26.GOV.1.province", indicator="EX26.GOV.1", comparator=Comparator.GE,
           threshold=1, scope=PROVINCE, aggregation=Aggregation.REPORTED, deadline=DEADLINE,
           name=PROVINCE_WIDE),
    Target(code="EX26.GOV.2.commune", indicator="EX26.GOV.2", comparator=Comparator.GE,
           threshold=1, scope=COMMUNES, aggregation=Aggregation.EACH, deadline=DEADLINE,
           name=Text(vi="từng xã", en="every commune")),
)
