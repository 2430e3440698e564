"""Area IIT of Plan 200/KH-UBND: mechanisms and policies (bullet B1) and IT use inside state
agencies (bullet B3).

B1 is a milestone; B3 holds digitally signed documents, work dossiers processed online at three
levels of government, the provincial reporting system, shared databases, 130 open-data types
and online inspections. Items under state secrecy are outside both numerator and denominator
where the plan says so. The plugin also checks that no agency reports more signed documents
than documents sent or received online.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from plan_rules import (
    Aggregation,
    Check,
    Finding,
    Indicator,
    Kind,
    Target,
    Temporal,
    Text,
    hookimpl,
)

from ._common import (
    ALL,
    Within,
    clause,
    done,
    indicator,
    milestone,
    per_level,
    province,
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

AREA = "IIT"

INDICATORS: tuple[Indicator, ...] = (
    milestone(
        AREA, 0,
        name=Text(vi="Tiếp tục hoàn thiện cơ chế, chính sách về ứng dụng CNTT, Chính quyền số, "
                  "chuyển đổi số",
                  en="Mechanisms and policies for IT use, digital government and digital "
                  "transformation further completed"),
        description=Text(
            vi="Tiếp tục hoàn thiện cơ chế, chính sách phục vụ ứng dụng CNTT trong hoạt động "
            "của cơ quan nhà nước, xây dựng Chính quyền số, chuyển đổi số tỉnh Hưng Yên (gạch "
            "đầu dòng thứ nhất của mục tiêu cụ thể). Được đánh số 0 vì đứng trước các chỉ tiêu "
            "nội bộ của gạch đầu dòng thứ ba trong cùng lĩnh vực.",
            en="Mechanisms and policies for IT use in state agencies, digital government and "
            "digital transformation of Hưng Yên further completed (the first bullet of the "
            "specific objectives). Numbered 0 because it precedes the internal-IT indicators of "
            "the third bullet in the same area."),
        clause=clause("B1", "Tiếp tục hoàn thiện cơ chế, chính sách phục vụ ứng dụng CNTT trong "
                            "hoạt động của cơ quan nhà nước, xây dựng Chính quyền số, Chuyển đổi "
                            "số tỉnh Hưng Yên."),
    ),
    indicator(
        AREA, 1, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ văn bản điện tử gửi, nhận trên môi trường mạng được ký số đầy đủ",
                  en="Electronic documents sent or received online that are fully digitally "
                  "signed"),
        description=Text(
            vi="Tỷ lệ văn bản điện tử gửi, nhận trên môi trường mạng được ký số đầy đủ theo quy "
            "định, không tính văn bản mật thuộc phạm vi bí mật nhà nước (ở cả tử số và mẫu số). "
            "Chỉ tiêu luồng: số văn bản của các kỳ được cộng dồn. Kế hoạch yêu cầu 100% văn bản "
            "nên áp dụng cho mọi cơ quan: mỗi cấp (cơ quan cấp tỉnh, cấp huyện đến 30/6/2025, "
            "cấp xã) một chỉ tiêu, và từng đơn vị của cấp đó phải đạt 100%; đơn vị không báo "
            "cáo được ghi là chưa có số liệu.",
            en="Share of electronic documents sent or received online that are fully digitally "
            "signed as required, leaving out documents under state secrecy (from both "
            "numerator and denominator). A flow: documents add up over periods. The plan asks "
            "for 100% of documents, so it applies to every agency: one target per level "
            "(province-level agencies, districts until 30/6/2025, communes), each unit of the "
            "level must reach 100%; a unit that does not report shows as no data."),
        unit=Text(vi="văn bản", en="documents"),
        clause=clause("B3", "100% văn bản điện tử gửi, nhận trên môi trường mạng được ký số đầy "
                            "đủ theo quy định (trừ văn bản mật thuộc phạm vi bí mật nhà nước)"),
        numerator=Text(vi="Số văn bản điện tử gửi, nhận trên môi trường mạng được ký số đầy đủ",
                       en="Electronic documents sent or received online, fully digitally "
                       "signed"),
        denominator=Text(vi="Tổng số văn bản điện tử gửi, nhận trên môi trường mạng",
                         en="Electronic documents sent or received online"),
        excludes=Text(vi="Văn bản mật thuộc phạm vi bí mật nhà nước",
                      en="Documents under state secrecy"),
    ),
    indicator(
        AREA, 2, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng",
                  en="Work dossiers processed online"),
        description=Text(
            vi="Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng, không tính hồ sơ công "
            "việc thuộc phạm vi bí mật nhà nước. Chỉ tiêu luồng: số hồ sơ của các kỳ được cộng "
            "dồn. Ba chỉ tiêu theo cấp: 'cấp tỉnh' được hiểu là các cơ quan cấp tỉnh (sở, ban, "
            "ngành) đạt 90%; cấp huyện đạt 80%, chỉ áp dụng đến 30/6/2025 khi "
            "cấp huyện kết thúc hoạt động; cấp xã đạt 60%. Mỗi cấp tính gộp (tổng hồ sơ xử lý "
            "trên mạng trên tổng hồ sơ của các đơn vị cùng cấp), vì kế hoạch nêu tỷ lệ hồ sơ "
            "của một cấp, không nói 'trung bình'.",
            en="Share of work dossiers processed online, leaving out dossiers under state "
            "secrecy. A flow: dossiers add up over periods. Three targets by level: 'cấp tỉnh' "
            "is read as the province-level agencies (departments, boards and sectors — level "
            "department) at 90%; districts at 80%, only until 30/6/2025 when the district level "
            "ceased; communes at 60%. Each level is pooled (dossiers processed online over "
            "dossiers, summed over the level's units), because the plan states the share of "
            "dossiers at a level, not an average."),
        unit=Text(vi="hồ sơ", en="dossiers"),
        clause=clause("B3", "tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng (trừ hồ sơ "
                            "công việc thuộc phạm vi bí mật nhà nước) tại cấp tỉnh đạt 90%, cấp "
                            "huyện đạt 80%, cấp xã đạt 60%"),
        numerator=Text(vi="Số hồ sơ công việc được xử lý trên môi trường mạng",
                       en="Work dossiers processed online"),
        denominator=Text(vi="Tổng số hồ sơ công việc", en="Work dossiers"),
        excludes=Text(vi="Hồ sơ công việc thuộc phạm vi bí mật nhà nước",
                      en="Work dossiers under state secrecy"),
    ),
    indicator(
        AREA, 3, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ báo cáo, chỉ tiêu tổng hợp được tạo lập, cập nhật, lưu giữ trên "
                  "Hệ thống thông tin báo cáo cấp tỉnh",
                  en="Reports and summary indicators created, updated and stored on the "
                  "provincial reporting information system"),
        description=Text(
            vi="Tỷ lệ công tác báo cáo, các chỉ tiêu tổng hợp báo cáo định kỳ và báo cáo thống "
            "kê về kinh tế - xã hội phục vụ chỉ đạo, điều hành của lãnh đạo tỉnh được tạo lập, "
            "cập nhật, lưu giữ trên hệ thống thông tin báo cáo cấp tỉnh, không tính nội dung "
            "mật. Chỉ tiêu luồng, đánh giá cho toàn tỉnh.",
            en="Share of reporting work, periodic summary indicators and socio-economic "
            "statistical reports serving the province's leadership that are created, updated "
            "and stored on the provincial reporting information system, leaving out secret "
            "content. A flow, assessed for the province as a whole."),
        unit=Text(vi="báo cáo", en="reports"),
        clause=clause("B3", "100% công tác báo cáo, các chỉ tiêu tổng hợp báo cáo định kỳ và "
                            "báo cáo thống kê về kinh tế - xã hội phục vụ chỉ đạo, điều hành của "
                            "lãnh đạo tỉnh (không bao gồm nội dung mật) được tạo lập, cập nhật, "
                            "lưu giữ, trên hệ thống thông tin báo cáo cấp tỉnh"),
        numerator=Text(vi="Số báo cáo, chỉ tiêu tổng hợp được tạo lập, cập nhật, lưu giữ trên "
                       "hệ thống thông tin báo cáo cấp tỉnh",
                       en="Reports and summary indicators created, updated and stored on the "
                       "provincial reporting system"),
        denominator=Text(vi="Tổng số báo cáo, chỉ tiêu tổng hợp báo cáo định kỳ và báo cáo "
                         "thống kê phục vụ chỉ đạo, điều hành",
                         en="Periodic and statistical reports and summary indicators serving "
                         "the leadership"),
        excludes=Text(vi="Nội dung mật", en="Secret content"),
    ),
    milestone(
        AREA, 4,
        name=Text(vi="Số hóa, xây dựng cơ sở dữ liệu dùng chung, chuyên ngành kết nối liên "
                  "thông các cơ sở dữ liệu quốc gia",
                  en="Shared and specialised databases digitised and connected with the "
                  "national databases"),
        description=Text(
            vi="Số hóa, xây dựng các cơ sở dữ liệu dùng chung, chuyên ngành kết nối liên thông "
            "các cơ sở dữ liệu quốc gia, trong đó có cơ sở dữ liệu quốc gia về dân cư.",
            en="Shared and specialised databases digitised, built and connected with the "
            "national databases, including the national population database."),
        clause=clause("B3", "số hóa, xây dựng các cơ sở dữ liệu dùng chung, chuyên ngành kết "
                            "nối liên thông các cơ sở dữ liệu quốc gia bao gồm các cơ sở dữ liệu "
                            "quốc gia về dân cư"),
    ),
    indicator(
        AREA, 5, kind=Kind.COUNT, temporal=Temporal.STOCK,
        name=Text(vi="Số loại dữ liệu mở được cung cấp", en="Open-data types provided"),
        description=Text(
            vi="Số loại dữ liệu mở khác nhau mà các cơ quan nhà nước của tỉnh cung cấp. Kế "
            "hoạch yêu cầu cung cấp đầy đủ 130 loại dữ liệu mở (một danh mục 130 loại); chỉ "
            "tiêu được đo là số loại đã cung cấp đạt từ 130 trở lên, vì số liệu báo cáo là số "
            "lượng loại chứ không phải danh mục: đủ 130 loại của danh mục thì số đạt 130, "
            "nhưng một loại ngoài danh mục cũng được đếm, nên muốn biết đủ từng loại của danh "
            "mục phải đối chiếu với chính danh mục. Chỉ tiêu thời điểm: dùng số liệu mới nhất "
            "trong kỳ, không cộng các kỳ. Báo cáo cho toàn tỉnh (cấp tỉnh): số của các cơ quan "
            "không được cộng lại vì một loại dữ liệu do nhiều cơ quan cung cấp chỉ tính một "
            "lần.",
            en="Number of distinct open-data types the province's state agencies provide. The "
            "plan asks for all 130 listed types ('đầy đủ 130 loại', a list of 130); it is read "
            "as a count of at least 130 types provided, because the figures report how many "
            "types are provided, not which: all 130 of the list give a count of 130, but a type "
            "outside the list counts too, so whether every listed type is provided is checked "
            "against the list itself. A stock: the latest snapshot in the window counts, "
            "periods are not added. Report it for the province (level province): agencies' "
            "counts are not added up, because a type provided by several agencies counts "
            "once."),
        unit=Text(vi="loại dữ liệu", en="data types"),
        clause=clause("B3", "thực hiện cung cấp đầy đủ 130 loại dữ liệu mở của các cơ quan nhà "
                            "nước"),
    ),
    indicator(
        AREA, 6, kind=Kind.RATE, temporal=Temporal.FLOW,
        name=Text(vi="Tỷ lệ cuộc giám sát, kiểm tra được thực hiện qua môi trường mạng",
                  en="Monitoring and inspection exercises carried out online"),
        description=Text(
            vi="Tỷ lệ cuộc giám sát, kiểm tra của cơ quan quản lý được thực hiện qua môi trường "
            "mạng (bằng hình thức báo cáo và trực tiếp trên các hệ thống thông tin dùng chung "
            "của tỉnh). Chỉ tiêu luồng, đánh giá cho toàn tỉnh.",
            en="Share of the monitoring and inspection exercises of management agencies "
            "carried out online (through reports and directly on the province's shared "
            "information systems). A flow, assessed for the province as a whole."),
        unit=Text(vi="cuộc giám sát, kiểm tra", en="monitoring and inspection exercises"),
        clause=clause("B3", "50% cuộc giám sát, kiểm tra của cơ quan quản lý được thực hiện qua "
                            "môi trường mạng (bằng hình thức báo cáo và trực tiếp trên các hệ "
                            "thống thông tin dùng chung của tỉnh)"),
        numerator=Text(vi="Số cuộc giám sát, kiểm tra thực hiện qua môi trường mạng",
                       en="Monitoring and inspection exercises carried out online"),
        denominator=Text(vi="Tổng số cuộc giám sát, kiểm tra của cơ quan quản lý",
                         en="Monitoring and inspection exercises of management "
                         "agencies"),
    ),
)

TARGETS: tuple[Target, ...] = (
    done("HY25.IIT.0"),
    *per_level("HY25.IIT.1", Aggregation.EACH, province=ALL, district=ALL, commune=ALL),
    *per_level("HY25.IIT.2", Aggregation.POOLED, province=Fraction(9, 10),
               district=Fraction(4, 5), commune=Fraction(3, 5)),
    province("HY25.IIT.3"),
    done("HY25.IIT.4"),
    province("HY25.IIT.5", 130),
    province("HY25.IIT.6", Fraction(1, 2)),
)


#: HY25.IIT.C1: HY25.IIT.1's numerator within its denominator.
_IIT_C1 = Within(
    code="HY25.IIT.C1", indicator="HY25.IIT.1",
    rule=Text(vi="số văn bản được ký số không vượt quá số văn bản điện tử gửi, nhận",
              en="signed documents ≤ electronic documents sent or received online"),
)


def signed_within_sent(ctx: CheckContext) -> Iterator[Finding]:
    """Signed documents never outnumber the documents sent or received online (IIT-1).

    What it checks: for every IIT-1 figure given with counts, the number of fully digitally
    signed documents (numerator) is at most the number of electronic documents sent or
    received online (denominator).

    Why it matters: a signed document is one of the documents sent or received; more signed
    documents than documents means the two counts come from different systems or periods
    (for example signatures counted from the signing server, documents from the document
    management system), and the 100% target would be met on figures that cannot both be true.

    Example: ``HY25.IIT.1, so-tu-phap, department, Q2/2025, 1290, 1275`` is reported as
    violating the rule; ``1275, 1290`` is not.
    """
    yield _IIT_C1.finding(ctx)


CHECKS: tuple[Check, ...] = (
    Check(
        code="HY25.IIT.C1",
        name=Text(vi="Văn bản ký số không vượt quá văn bản gửi, nhận",
                  en="Signed documents within documents sent or received"),
        indicators=("HY25.IIT.1",),
        run=signed_within_sent,
        in_parts=_IIT_C1.in_parts(),
    ),
)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """The internal-IT indicators, HY25.IIT.0 … HY25.IIT.6."""
    return INDICATORS


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """Milestones IIT-0/IIT-4, IIT-1 and IIT-2 per level, IIT-3/5/6 for the province."""
    return TARGETS


@hookimpl
def plan_rules_checks() -> Sequence[Check]:
    """HY25.IIT.C1: signed documents ≤ documents sent or received."""
    return CHECKS
