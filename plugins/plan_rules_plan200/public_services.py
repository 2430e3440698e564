"""Area PS of Plan 200/KH-UBND: information and public services for citizens and businesses
(bullet B4).

Nine indicators: standardised procedures, full-process online public services (three
"trung bình" targets: overall, departments, localities), dossiers handled fully online,
satisfaction, VNeID authentication, electronic and digitised results, online payment, and the
agencies' portals. Three consistency checks read the subset relations the plan's wording
implies: procedures offered fully online are among the eligible ones, fully-online dossiers
among the dossiers of procedures offered fully online, and eligible procedures among all
procedures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Self

import attrs

from plan_rules import (
    Aggregation,
    Check,
    Finding,
    Indicator,
    InParts,
    Kind,
    Observation,
    Scope,
    Target,
    Temporal,
    Text,
    hookimpl,
)

from ._common import (
    ALL,
    DEPARTMENTS,
    DEPARTMENTS_AND_LOCALITIES,
    LOCALITIES,
    Checked,
    Within,
    clause,
    consistency_finding,
    indicator,
    per_level,
    pooled_province,
    province,
    target,
    where,
)

if TYPE_CHECKING:
    from plan_rules import CheckContext

__all__ = [
    "CHECKS",
    "INDICATORS",
    "TARGETS",
    "plan_rules_checks",
    "plan_rules_indicators",
    "plan_rules_targets",
]

AREA = "PS"

_PROCEDURES = Text(vi="thủ tục hành chính", en="procedures")

INDICATORS: tuple[Indicator, ...] = (
    indicator(
        AREA, 1, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ thủ tục hành chính được chuẩn hóa, đơn giản hóa quy trình, cung "
                  "cấp trên Hệ thống thông tin giải quyết TTHC tỉnh",
                  en="Administrative procedures standardised, simplified and provided on the "
                  "provincial procedure system"),
        description=Text(
            vi="Tỷ lệ thủ tục hành chính thuộc thẩm quyền giải quyết của các cơ quan, đơn vị "
            "trên địa bàn tỉnh được chuẩn hóa, đơn giản hóa quy trình và cung cấp trên Hệ thống "
            "thông tin giải quyết TTHC tỉnh, với danh mục đồng bộ với Cổng Dịch vụ công quốc "
            "gia. Chỉ tiêu thời điểm, đánh giá cho toàn tỉnh. Mẫu số (tổng số thủ tục) là cơ "
            "sở của chỉ tiêu PS-2: số thủ tục đủ điều kiện cung cấp trực tuyến toàn trình không "
            "thể vượt quá nó.",
            en="Share of the administrative procedures under the authority of agencies in the "
            "province that are standardised, simplified and provided on the provincial "
            "procedure-handling information system, with a catalogue in sync with the National "
            "Public Service Portal. A stock, assessed for the province as a whole. Its "
            "denominator (all procedures) bounds PS-2's: procedures eligible for full online "
            "service cannot outnumber it."),
        unit=_PROCEDURES,
        clause=clause("B4", "Thực hiện chuẩn hóa, đơn giản hóa quy trình đối với 100% các thủ "
                            "tục hành chính thuộc thẩm quyền giải quyết của các cơ quan, đơn vị "
                            "trên địa bàn tỉnh để cung cấp trên Hệ thống thông tin giải quyết "
                            "TTHC tỉnh đảm bảo đồng bộ danh mục thủ tục hành chính với cổng Dịch "
                            "vụ công quốc gia"),
        numerator=Text(vi="Số thủ tục đã chuẩn hóa, đơn giản hóa quy trình, cung cấp trên Hệ "
                       "thống thông tin giải quyết TTHC tỉnh, danh mục đồng bộ với Cổng Dịch vụ "
                       "công quốc gia",
                       en="Procedures standardised, simplified and provided on the provincial "
                       "system, catalogue in sync with the National Public Service Portal"),
        denominator=Text(vi="Tổng số thủ tục hành chính thuộc thẩm quyền giải quyết",
                         en="Administrative procedures under the unit's authority"),
    ),
    indicator(
        AREA, 2, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp dịch vụ công trực "
                  "tuyến toàn trình",
                  en="Eligible procedures provided as full-process online public services"),
        description=Text(
            vi="Tỷ lệ thủ tục hành chính có đủ điều kiện được cung cấp dưới hình thức dịch vụ "
            "công trực tuyến toàn trình. Chỉ tiêu thời điểm. Ba chỉ tiêu, đều là bình quân không "
            "trọng số của tỷ lệ từng đơn vị ('trung bình'), không phải tỷ lệ gộp: (1) chung, bình "
            "quân trên mọi sở, ngành và địa phương, đạt 90%; (2) các sở, ngành (mã nhóm trong tệp "
            "đơn vị: `departments`), tối thiểu 80%; (3) các địa phương (mã nhóm: `localities`), "
            "tối thiểu 95%. 'Các địa phương' là các đơn vị cấp huyện đến 30/6/2025 và các đơn vị "
            "cấp xã từ 1/7/2025, khi cấp huyện kết thúc hoạt động; điều này được thể hiện qua "
            "nhóm và thời hạn hiệu lực của từng đơn vị trong tệp đơn vị (huyện thuộc nhóm địa "
            "phương đến 30/6/2025, xã mới thuộc nhóm từ 1/7/2025), không phải bằng quy tắc riêng. "
            "Vì một phạm vi chỉ nêu một nhóm, mọi sở, ngành và địa phương còn thuộc nhóm chung "
            "(mã nhóm: `departments_and_localities`), là phạm vi của chỉ tiêu chung. Bình quân "
            "chung không phải là bình quân của hai bình quân nhóm.",
            en="Share of the procedures eligible for it that are provided as full-process "
            "online public services. A stock. Three targets, each an unweighted mean of the "
            "units' own rates (the plan's 'trung bình'), not a pooled ratio: (1) overall, the "
            "mean over all departments and localities, at 90%; (2) departments and sectors "
            "(group departments), at least 80%; (3) localities (group localities), at least "
            "95%. 'Localities' are the district-level units until 30/6/2025 and the "
            "commune-level units from 1/7/2025, when the district level ceased; this is carried "
            "by each unit's groups and validity dates in the entities file (districts are in "
            "group localities until 30/6/2025, the new communes from 1/7/2025), not by a "
            "special rule. Because a scope names one group, every department and locality is "
            "also in group departments_and_localities, the overall target's scope. The overall "
            "mean is not the mean of the two group means."),
        unit=_PROCEDURES,
        clause=clause("B4", "cung cấp dịch vụ công trực tuyến toàn trình trung bình đạt tỷ lệ "
                            "90% thủ tục hành chính có đủ điều kiện. Trong đó, đối với các sở, "
                            "ngành đạt tỷ lệ trung bình tối thiểu 80%; các địa phương đạt tỷ lệ "
                            "trung bình tối thiểu 95%"),
        numerator=Text(vi="Số thủ tục được cung cấp dịch vụ công trực tuyến toàn trình",
                       en="Procedures provided as full-process online public services"),
        denominator=Text(vi="Số thủ tục hành chính có đủ điều kiện cung cấp trực tuyến toàn "
                         "trình",
                         en="Procedures eligible for full-process online service"),
    ),
    indicator(
        AREA, 3, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ hồ sơ TTHC được giải quyết trực tuyến toàn trình (đối với TTHC "
                  "cung cấp trực tuyến toàn trình)",
                  en="Dossiers of fully-online procedures handled fully online"),
        description=Text(
            vi="Tỷ lệ hồ sơ thủ tục hành chính được giải quyết bằng hình thức trực tuyến toàn "
            "trình, tính trên hồ sơ của các thủ tục được cung cấp trực tuyến toàn trình, đúng "
            "như kế hoạch nêu. Đây KHÔNG phải tỷ lệ mà Hệ thống theo dõi, đánh giá cấp quốc gia "
            "công bố (hồ sơ trực tuyến toàn trình trên TẤT CẢ hồ sơ), vốn thấp hơn: nhập tỷ lệ "
            "đó vào đây sẽ cho kết quả 'chưa đạt' không đúng. Chỉ tiêu luồng, đánh giá cho toàn "
            "tỉnh; khi tỉnh không báo cáo số chung, số toàn tỉnh được tính gộp từ các đơn vị.",
            en="Share of administrative-procedure dossiers handled fully online, out of the "
            "dossiers of procedures that are offered fully online, as the plan words it. This "
            "is NOT the rate the national monitoring system publishes (fully-online dossiers "
            "over ALL dossiers), which is lower: feeding that rate here gives a false 'not "
            "met'. A flow, assessed for the province; when the province gives no figure of its "
            "own, the province-wide figure is pooled from the units' figures."),
        unit=Text(vi="hồ sơ", en="dossiers"),
        clause=clause("B4", "tỷ lệ hồ sơ thủ tục hành chính được giải quyết bằng hình thức "
                            "trực tuyến toàn trình đạt từ 65% trở lên (đối với các thủ tục hành "
                            "chính cung cấp trực tuyến toàn trình)"),
        numerator=Text(vi="Số hồ sơ được giải quyết bằng hình thức trực tuyến toàn trình",
                       en="Dossiers handled fully online"),
        denominator=Text(vi="Tổng số hồ sơ của các thủ tục được cung cấp trực tuyến toàn "
                         "trình (không phải tất cả hồ sơ)",
                         en="Dossiers of the procedures offered fully online (not all "
                         "dossiers)"),
    ),
    indicator(
        AREA, 4, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ người dân, doanh nghiệp hài lòng về việc giải quyết TTHC",
                  en="Citizens and businesses satisfied with the handling of procedures"),
        description=Text(
            vi="Tỷ lệ người dân, doanh nghiệp hài lòng về việc giải quyết thủ tục hành chính, "
            "tính trên số lượt đánh giá nhận được trong kỳ. Chỉ tiêu luồng, đánh giá cho toàn "
            "tỉnh.",
            en="Share of citizens and businesses satisfied with the handling of administrative "
            "procedures, out of the assessments received in the period. A flow, assessed for "
            "the province."),
        unit=Text(vi="lượt đánh giá", en="assessments"),
        clause=clause("B4", "tối thiểu 90% người dân, doanh nghiệp hài lòng về việc giải quyết "
                            "thủ tục hành chính"),
        numerator=Text(vi="Số lượt đánh giá hài lòng", en="Assessments that are satisfied"),
        denominator=Text(vi="Tổng số lượt đánh giá", en="Assessments received"),
    ),
    indicator(
        AREA, 5, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ người dân, doanh nghiệp sử dụng dịch vụ công trực tuyến được định "
                  "danh, xác thực qua VNeID",
                  en="Online public-service users identified and authenticated through VNeID"),
        description=Text(
            vi="Tỷ lệ người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến được định danh "
            "và xác thực thông suốt, hợp nhất giữa các nền tảng, hệ thống thông qua định danh "
            "điện tử VNeID, tính trên tài khoản người dùng. Chỉ tiêu thời điểm, đánh giá cho "
            "toàn tỉnh. Không phải tập con của chỉ tiêu DE-4 (chứng thư chữ ký số).",
            en="Share of citizens and businesses using online public services who are "
            "identified and authenticated seamlessly across platforms and systems through the "
            "VNeID electronic identity, counted over user accounts. A stock, assessed for the "
            "province. Not a subset of DE-4 (signature certificates)."),
        unit=Text(vi="tài khoản", en="accounts"),
        clause=clause("B4", "tỷ lệ người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến "
                            "được định danh và xác thực thông suốt, hợp nhất giữa các nền tảng, "
                            "hệ thống cung cấp dịch vụ công trực tuyến, hệ thống thông tin giải "
                            "quyết thủ tục hành chính thông qua định danh điện tử VNeID đạt "
                            "100%"),
        numerator=Text(vi="Số tài khoản người dùng dịch vụ công trực tuyến định danh, xác thực "
                       "qua VNeID",
                       en="Online public-service user accounts identified and authenticated "
                       "through VNeID"),
        denominator=Text(vi="Tổng số tài khoản người dùng dịch vụ công trực tuyến",
                         en="Online public-service user accounts"),
    ),
    indicator(
        AREA, 6, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ cấp kết quả giải quyết TTHC điện tử",
                  en="Electronic results issued for procedures where the rules require the "
                  "result as a written document"),
        description=Text(
            vi="Tỷ lệ kết quả giải quyết thủ tục hành chính được cấp dưới dạng điện tử, đối "
            "với các thủ tục có quy định trả kết quả giải quyết bằng văn bản. Chỉ tiêu luồng, "
            "đánh giá cho toàn tỉnh.",
            en="Share of procedure results issued electronically, for the procedures where "
            "the rules require the result as a written document ('có quy định trả kết quả "
            "giải quyết bằng văn bản'). A flow, assessed for the province."),
        unit=Text(vi="kết quả", en="results"),
        clause=clause("B4", "100% cấp kết quả giải quyết thủ tục hành chính điện tử có quy định "
                            "trả kết quả giải quyết bằng văn bản"),
        numerator=Text(vi="Số kết quả giải quyết được cấp dạng điện tử",
                       en="Results issued electronically"),
        denominator=Text(vi="Tổng số kết quả giải quyết của các thủ tục có quy định trả kết "
                         "quả bằng văn bản",
                         en="Results of procedures where the rules require the result as "
                         "a written document"),
    ),
    indicator(
        AREA, 7, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ số hóa kết quả giải quyết TTHC",
                  en="Procedure results digitised"),
        description=Text(
            vi="Tỷ lệ kết quả giải quyết thủ tục hành chính được số hóa. Chỉ tiêu luồng, đánh "
            "giá cho toàn tỉnh.",
            en="Share of administrative-procedure results that are digitised. A flow, assessed "
            "for the province."),
        unit=Text(vi="kết quả", en="results"),
        clause=clause("B4", "số hóa kết quả giải quyết thủ tục hành chính đạt 100%"),
        numerator=Text(vi="Số kết quả giải quyết được số hóa", en="Results digitised"),
        denominator=Text(vi="Tổng số kết quả giải quyết TTHC", en="Procedure results issued"),
    ),
    indicator(
        AREA, 8, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ TTHC có nghĩa vụ tài chính được thanh toán trực tuyến",
                  en="Procedures with financial obligations paid online"),
        description=Text(
            vi="Tỷ lệ thủ tục hành chính có yêu cầu nghĩa vụ tài chính được thanh toán trực "
            "tuyến trên Cổng Dịch vụ công quốc gia. Kế hoạch đếm thủ tục (không phải hồ sơ), "
            "nên đây là chỉ tiêu thời điểm, đánh giá cho toàn tỉnh.",
            en="Share of the procedures with financial obligations that are paid online on the "
            "National Public Service Portal. The plan counts procedures (not dossiers), so "
            "this is a stock, assessed for the province."),
        unit=_PROCEDURES,
        clause=clause("B4", "60% thủ tục hành chính có yêu cầu nghĩa vụ tài chính được thanh "
                            "toán trực tuyến trên Cổng dịch vụ công quốc gia"),
        numerator=Text(vi="Số thủ tục có nghĩa vụ tài chính được thanh toán trực tuyến trên "
                       "Cổng Dịch vụ công quốc gia",
                       en="Procedures with financial obligations paid online on the National "
                       "Public Service Portal"),
        denominator=Text(vi="Tổng số thủ tục có yêu cầu nghĩa vụ tài chính",
                         en="Procedures with financial obligations"),
    ),
    indicator(
        AREA, 9, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ cổng/trang thông tin điện tử cung cấp đầy đủ thông tin theo Nghị "
                  "định 42/2022/NĐ-CP",
                  en="Agency portals and websites providing full information under Decree "
                  "42/2022/NĐ-CP"),
        description=Text(
            vi="Tỷ lệ cổng/trang thông tin điện tử của cơ quan nhà nước tỉnh Hưng Yên cung cấp "
            "đầy đủ thông tin theo Nghị định số 42/2022/NĐ-CP ngày 24/6/2022. Chỉ tiêu thời "
            "điểm. Áp dụng cho cổng/trang của mọi cơ quan: mỗi cấp (cơ quan cấp tỉnh, cấp "
            "huyện đến 30/6/2025, cấp xã) một chỉ tiêu, và từng đơn vị phải đạt 100% với các "
            "cổng/trang của mình.",
            en="Share of the portals and websites of Hưng Yên's state agencies that provide "
            "full information as required by Decree 42/2022/NĐ-CP of 24/6/2022. A stock. It "
            "applies to every agency's portal: one target per level (province-level agencies, "
            "districts until 30/6/2025, communes), and each unit must reach 100% over its own "
            "portals and websites."),
        unit=Text(vi="cổng/trang thông tin điện tử", en="portals and websites"),
        unit_one="portal or website",
        clause=clause("B4", "100% cổng/trang thông tin điện tử của cơ quan nhà nước tỉnh Hưng "
                            "Yên cung cấp đầy đủ thông tin theo quy định tại Nghị định số "
                            "42/2022/NĐ-CP ngày 24/6/2022 của Chính phủ"),
        numerator=Text(vi="Số cổng/trang cung cấp đầy đủ thông tin theo Nghị định 42/2022/NĐ-CP",
                       en="Portals and websites providing full information under Decree "
                       "42/2022/NĐ-CP"),
        denominator=Text(vi="Tổng số cổng/trang thông tin điện tử của đơn vị",
                         en="The unit's portals and websites"),
    ),
)
INDICATORS = pooled_province(INDICATORS, "HY25.PS.1", "HY25.PS.3")

TARGETS: tuple[Target, ...] = (
    province("HY25.PS.1"),
    target("HY25.PS.2", "overall", Fraction(9, 10),
           scope=Scope(group=DEPARTMENTS_AND_LOCALITIES), aggregation=Aggregation.MEAN,
           name=Text(vi="bình quân chung các sở, ngành và địa phương",
                     en="mean over all departments and localities")),
    target("HY25.PS.2", "departments", Fraction(4, 5),
           scope=Scope(group=DEPARTMENTS), aggregation=Aggregation.MEAN,
           name=Text(vi="bình quân các sở, ngành", en="mean over departments and sectors")),
    target("HY25.PS.2", "localities", Fraction(19, 20),
           scope=Scope(group=LOCALITIES), aggregation=Aggregation.MEAN,
           name=Text(vi="bình quân các địa phương", en="mean over localities")),
    province("HY25.PS.3", Fraction(13, 20)),
    province("HY25.PS.4", Fraction(9, 10)),
    province("HY25.PS.5"),
    province("HY25.PS.6"),
    province("HY25.PS.7"),
    province("HY25.PS.8", Fraction(3, 5)),
    *per_level("HY25.PS.9", Aggregation.EACH, province=ALL, district=ALL, commune=ALL),
)


#: HY25.PS.C1: HY25.PS.3's numerator within its denominator.
_PS_C1 = Within(
    code="HY25.PS.C1", indicator="HY25.PS.3",
    rule=Text(vi="số hồ sơ giải quyết trực tuyến toàn trình không vượt quá số hồ sơ của "
              "các thủ tục cung cấp trực tuyến toàn trình",
              en="dossiers handled fully online ≤ dossiers of procedures offered fully "
              "online"),
)


def online_dossiers_within_dossiers(ctx: CheckContext) -> Iterator[Finding]:
    """Fully-online dossiers never outnumber the dossiers of fully-online procedures (PS-3).

    What it checks: for every PS-3 figure given with counts, the dossiers handled fully online
    (numerator) are at most the dossiers of the procedures offered fully online
    (denominator).

    Why it matters: the numerator is a subset of the denominator by definition. A violation
    usually means the denominator was taken from a narrower set than the numerator — or that
    numerator and denominator came from different systems — and the 65% target is then
    meaningless for that unit.

    Example: ``HY25.PS.3, xa-nghia-dan, commune, Q2/2025, 812, 790`` is reported as violating
    the rule; ``790, 812`` is not.
    """
    yield _PS_C1.finding(ctx)


#: HY25.PS.C2: HY25.PS.2's numerator within its denominator.
_PS_C2 = Within(
    code="HY25.PS.C2", indicator="HY25.PS.2",
    rule=Text(vi="số thủ tục cung cấp trực tuyến toàn trình không vượt quá số thủ tục đủ "
              "điều kiện",
              en="procedures offered fully online ≤ procedures eligible for it"),
)


def online_procedures_within_eligible(ctx: CheckContext) -> Iterator[Finding]:
    """Procedures offered fully online never outnumber the eligible procedures (PS-2).

    What it checks: for every PS-2 figure given with counts, the procedures provided as
    full-process online public services (numerator) are at most the procedures eligible for
    it (denominator).

    Why it matters: PS-2 is a mean of unit rates, so one unit above 100% lifts the means of
    all three PS-2 targets; the figure is usually a catalogue count taken on two different
    dates, or online services counted that the eligibility list does not include.

    Example: ``HY25.PS.2, so-tu-phap, department, Q3/2025, 131, 128`` is reported as
    violating the rule; ``128, 131`` is not.
    """
    yield _PS_C2.finding(ctx)


def eligible_within_all_procedures(ctx: CheckContext) -> Iterator[Finding]:
    """Eligible procedures (PS-2) never outnumber all procedures (PS-1), per unit and period.

    What it checks: wherever the same unit reports PS-2 and PS-1 with counts for the same
    period, PS-2's denominator (procedures eligible for full-process online service) is at most
    PS-1's denominator (all administrative procedures under the unit's authority).

    Why it matters: eligible procedures are a subset of the unit's procedures. When the two
    catalogues disagree, one of the two rates is computed on the wrong base — typically an
    outdated procedure catalogue that was not re-synchronised with the National Public Service
    Portal.

    Example: ``so-y-te`` reports PS-1 ``150/158`` and PS-2 ``120/163`` for ``Q3/2025``: 163
    eligible procedures out of 158 procedures is reported as violating the rule.
    """
    yield _eligible_within_all(ctx, None)


def _eligible_within_all(ctx: CheckContext, part: Paired | None) -> Finding:
    """HY25.PS.C3's finding; with ``part``, its finish in parts."""
    # Read from the columns: only the figures that break the rule become observations.
    t = ctx.figures
    # A unit and the days of a period as one number: the same days, however written, are
    # one period. Tuples as keys made the collector walk the whole evaluation several times
    # (0.27 s against 0.05 s on the per-province benchmark).
    spans: dict[tuple[date, date], int] = {}
    span_of = [spans.setdefault(p.key, len(spans)) for p in t.periods.values]

    def key(i: int) -> int:
        return t.entity[i] * len(spans) + span_of[t.period[i]]

    names = t.entities.values
    # Read in parts: the figures of the units the parts summarised are the part's to count.
    rows = ctx.units_as_rows("HY25.PS.2") if part is not None else None
    counted = part.units() if part is not None else frozenset()
    summarised: list[int] = []
    summarised_procedures: list[int] = []
    all_procedures: dict[int, int] = {}
    for i in ctx.positions("HY25.PS.1"):
        if rows is not None and names[t.entity[i]] not in rows:
            if names[t.entity[i]] in counted:
                summarised_procedures.append(i)
        elif t.denominator[i] != t.NONE:
            all_procedures[key(i)] = i
    checked: list[int] = []
    compared: list[int] = []
    violations: list[tuple[Observation, str]] = []
    for i in ctx.positions("HY25.PS.2"):
        if rows is not None and names[t.entity[i]] not in rows:
            if names[t.entity[i]] in counted:
                summarised.append(i)
            continue
        other = all_procedures.get(key(i))
        if t.denominator[i] == t.NONE or other is None:
            continue
        checked.append(i)
        if t.denominator[i] > t.denominator[other]:
            compared.append(other)
            violations.append((ctx.observation(i),
                               f"PS-2 {t.denominator[i]} > PS-1 {t.denominator[other]} "
                               f"[{where(ctx, ctx.observation(other))}]"))
    return consistency_finding(
        ctx, code="HY25.PS.C3", indicator="HY25.PS.2", checked=checked + summarised,
        violations=violations,
        related=compared if violations else [all_procedures[key(i)] for i in checked]
        + summarised_procedures,
        rule=Text(vi="số thủ tục đủ điều kiện trực tuyến toàn trình (mẫu số PS-2) không vượt "
                  "quá tổng số thủ tục (mẫu số PS-1) của cùng đơn vị, cùng kỳ",
                  en="procedures eligible for full online service (PS-2 denominator) ≤ all "
                  "procedures (PS-1 denominator) of the same unit and period"),
        count=None if part is None else len(checked) + part.total,
    )


#: A unit and the days of a period, as ordinals.
_Key = tuple[str, int, int]


@attrs.frozen
class Paired(Checked):
    """What the PS-2 ≤ PS-1 rule keeps of a part of a file: how many PS-2 figures of each
    unit it compared, and the figures that found no partner in the part yet — PS-2
    denominators waiting for the PS-1 figure of their unit and period, PS-1 denominators
    waiting for PS-2's. A unit whose figures break the rule, or that gave a period twice
    in two parts, is wanted as rows (its rows then decide, as in one pass)."""

    eligible: tuple[tuple[_Key, tuple[int, ...]], ...] = ()
    procedures: tuple[tuple[_Key, int], ...] = ()

    def merge(self, other: Self, /) -> Self:
        counts = Counter(dict(self.counts))
        counts.update(dict(other.counts))
        wanted = set(self.wanted | other.wanted)
        eligible = {k: list(v) for k, v in self.eligible}
        procedures = dict(self.procedures)
        for key, den in other.procedures:
            if key in procedures:
                wanted.add(key[0])
            procedures[key] = min(den, procedures.get(key, den))
        for key, dens in other.eligible:
            if key in eligible:
                wanted.add(key[0])
            eligible.setdefault(key, []).extend(dens)
        return attrs.evolve(self, **_paired(counts, eligible, procedures, wanted))

    def without(self, units: frozenset[str], /) -> Self:
        return attrs.evolve(
            super().without(units),
            eligible=tuple((k, d) for k, d in self.eligible if k[0] not in units),
            procedures=tuple((k, d) for k, d in self.procedures if k[0] not in units))


def _paired(counts: Counter[str], eligible: dict[_Key, list[int]], procedures: dict[_Key, int],
            wanted: set[str]) -> dict[str, Any]:
    """The fields of a :class:`Paired`: PS-2 figures compared with the PS-1 figures of their
    unit and period where both are there, the others left waiting."""
    for key in [k for k in eligible if k in procedures]:
        dens, den = eligible.pop(key), procedures.pop(key)
        counts[key[0]] += len(dens)
        if any(d > den for d in dens):
            wanted.add(key[0])
    return dict(counts=tuple(sorted(counts.items())), wanted=frozenset(wanted),
                eligible=tuple(sorted((k, tuple(sorted(v))) for k, v in eligible.items())),
                procedures=tuple(sorted(procedures.items())))


def _eligible_part(ctx: CheckContext) -> Paired:
    """The PS-2 ≤ PS-1 rule on a part's figures."""
    t = ctx.figures
    names = t.entities.values
    spans = [(p.start.toordinal(), p.end.toordinal()) for p in t.periods.values]
    procedures: dict[_Key, int] = {}
    for i in ctx.positions("HY25.PS.1"):
        if t.denominator[i] != t.NONE:
            # As one pass takes them: the last of a unit and period (a duplicate in one part
            # is a data issue, which makes its unit rows anyway).
            procedures[(names[t.entity[i]], *spans[t.period[i]])] = t.denominator[i]
    eligible: dict[_Key, list[int]] = {}
    for i in ctx.positions("HY25.PS.2"):
        if t.denominator[i] != t.NONE:
            eligible.setdefault((names[t.entity[i]], *spans[t.period[i]]), []).append(
                t.denominator[i])
    return Paired(**_paired(Counter(), eligible, procedures, set()))


CHECKS: tuple[Check, ...] = (
    Check(
        code="HY25.PS.C1",
        name=Text(vi="Hồ sơ trực tuyến toàn trình không vượt quá hồ sơ của thủ tục trực tuyến "
                  "toàn trình",
                  en="Fully-online dossiers within dossiers of fully-online procedures"),
        indicators=("HY25.PS.3",),
        run=online_dossiers_within_dossiers,
        in_parts=_PS_C1.in_parts(),
    ),
    Check(
        code="HY25.PS.C2",
        name=Text(vi="Thủ tục trực tuyến toàn trình không vượt quá thủ tục đủ điều kiện",
                  en="Fully-online procedures within eligible procedures"),
        indicators=("HY25.PS.2",),
        run=online_procedures_within_eligible,
        in_parts=_PS_C2.in_parts(),
    ),
    Check(
        code="HY25.PS.C3",
        name=Text(vi="Thủ tục đủ điều kiện (PS-2) không vượt quá tổng số thủ tục (PS-1)",
                  en="Eligible procedures (PS-2) within all procedures (PS-1)"),
        indicators=("HY25.PS.1", "HY25.PS.2"),
        run=eligible_within_all_procedures,
        in_parts=InParts(part=_eligible_part,
                         finish=lambda merged, ctx: [_eligible_within_all(ctx, merged)]),
    ),
)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """The public-service indicators, HY25.PS.1 … HY25.PS.9."""
    return INDICATORS


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """PS-2's three means, PS-9 per level, the rest for the province."""
    return TARGETS


@hookimpl
def plan_rules_checks() -> Sequence[Check]:
    """HY25.PS.C1 … HY25.PS.C3: the subset relations between PS-1, PS-2 and PS-3."""
    return CHECKS
