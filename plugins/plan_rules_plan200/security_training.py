"""Area SEC of Plan 200/KH-UBND: information security, human resources, training and
communication (bullet B7).

Three rates: information systems with a security-level dossier and protection plan before use
(every agency, one target per level), level-3 systems under security monitoring and alerting,
and officials, civil servants and public employees trained in basic digital skills.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from plan_rules import Aggregation, Indicator, Kind, Target, Temporal, Text, hookimpl

from ._common import ALL, clause, indicator, per_level, pooled_province, province

__all__ = ["INDICATORS", "TARGETS", "plan_rules_indicators", "plan_rules_targets"]

AREA = "SEC"

INDICATORS: tuple[Indicator, ...] = (
    indicator(
        AREA, 1, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ hệ thống thông tin có hồ sơ đề xuất cấp độ và phương án bảo đảm "
                  "an toàn thông tin trước khi đưa vào sử dụng",
                  en="Information systems with a security-level dossier and protection plan "
                  "before going into use"),
        description=Text(
            vi="Tỷ lệ hệ thống thông tin của các cơ quan, đơn vị đã xây dựng hồ sơ đề xuất cấp "
            "độ và triển khai phương án bảo đảm an toàn thông tin theo cấp độ trước khi đưa vào "
            "sử dụng, tính trên các hệ thống đang sử dụng. Chỉ tiêu thời điểm. Áp dụng cho mọi "
            "cơ quan, đơn vị: mỗi cấp (cơ quan cấp tỉnh, cấp huyện đến 30/6/2025, cấp xã) một "
            "chỉ tiêu, và từng đơn vị phải đạt 100% với các hệ thống của mình.",
            en="Share of the agencies' information systems that had a security-level proposal "
            "dossier and a level-appropriate protection plan before going into use, out of the "
            "systems in use. A stock. It applies to every agency: one target per level "
            "(province-level agencies, districts until 30/6/2025, communes), and each unit "
            "must reach 100% over its own systems."),
        unit=Text(vi="hệ thống thông tin", en="information systems"),
        clause=clause("B7", "100% hệ thống thông tin của các cơ quan, đơn vị trước khi đưa vào "
                            "sử dụng phải xây dựng hồ sơ đề xuất cấp độ và triển khai phương án "
                            "bảo đảm an toàn thông tin theo cấp độ"),
        numerator=Text(vi="Số hệ thống có hồ sơ đề xuất cấp độ và phương án bảo đảm an toàn "
                       "thông tin theo cấp độ trước khi đưa vào sử dụng",
                       en="Systems with a level dossier and protection plan before use"),
        denominator=Text(vi="Tổng số hệ thống thông tin đang sử dụng của đơn vị",
                         en="The unit's information systems in use"),
    ),
    indicator(
        AREA, 2, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ hệ thống thông tin cấp độ 3 được giám sát, cảnh báo an toàn thông "
                  "tin",
                  en="Level-3 information systems under security monitoring and alerting"),
        description=Text(
            vi="Tỷ lệ hệ thống thông tin cấp độ 3 của tỉnh được giám sát, cảnh báo về an toàn "
            "thông tin. Văn bản công bố ghi 'cảnh bảo', lỗi chính tả của 'cảnh báo'; trích dẫn "
            "giữ nguyên văn bản công bố. Chỉ tiêu thời điểm, đánh giá cho toàn tỉnh.",
            en="Share of the province's level-3 information systems under information-security "
            "monitoring and alerting. The published text reads 'cảnh bảo', a typo for 'cảnh "
            "báo' (alerting); the quotation keeps the published text as is. A stock, assessed "
            "for the province."),
        unit=Text(vi="hệ thống cấp độ 3", en="level-3 systems"),
        clause=clause("B7", "100% các hệ thống thông tin cấp độ 3 của tỉnh được giám sát, cảnh "
                            "bảo về an toàn thông tin"),
        numerator=Text(vi="Số hệ thống cấp độ 3 được giám sát, cảnh báo an toàn thông tin",
                       en="Level-3 systems under security monitoring and alerting"),
        denominator=Text(vi="Tổng số hệ thống thông tin cấp độ 3 của tỉnh",
                         en="The province's level-3 information systems"),
    ),
    indicator(
        AREA, 3, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(vi="Tỷ lệ cán bộ, công chức, viên chức được tập huấn, bồi dưỡng kỹ năng số "
                  "cơ bản",
                  en="Officials, civil servants and public employees trained in basic digital "
                  "skills"),
        description=Text(
            vi="Tỷ lệ cán bộ, công chức, viên chức được tập huấn, bồi dưỡng kỹ năng số cơ bản. "
            "Chỉ tiêu thời điểm: tử số là số người đã được tập huấn lũy kế từ đầu năm (mỗi "
            "người tính một lần), mẫu số là tổng biên chế; không cộng các kỳ. Đánh giá cho toàn "
            "tỉnh; khi tỉnh không báo cáo số chung, số toàn tỉnh được tính gộp từ số của các cơ "
            "quan, đơn vị.",
            en="Share of officials, civil servants and public employees trained in basic "
            "digital skills. A stock: the numerator is the people trained since the start of "
            "the year (each person once), the denominator the headcount; periods are not "
            "added. Assessed for the province; when the province gives no figure of its own, "
            "the province-wide figure is pooled from the agencies' figures."),
        unit=Text(vi="người", en="people"), unit_one="person",
        clause=clause("B7", "30% cán bộ, công chức, viên chức được tập huấn, bồi dưỡng kỹ năng "
                            "số cơ bản"),
        numerator=Text(vi="Số cán bộ, công chức, viên chức đã được tập huấn kỹ năng số cơ bản",
                       en="Officials, civil servants and public employees trained"),
        denominator=Text(vi="Tổng số cán bộ, công chức, viên chức",
                         en="Officials, civil servants and public employees"),
    ),
)
INDICATORS = pooled_province(INDICATORS, "HY25.SEC.3")

TARGETS: tuple[Target, ...] = (
    *per_level("HY25.SEC.1", Aggregation.EACH, province=ALL, district=ALL, commune=ALL),
    province("HY25.SEC.2"),
    province("HY25.SEC.3", Fraction(3, 10)),
)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """The security and training indicators, HY25.SEC.1 … HY25.SEC.3."""
    return INDICATORS


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """SEC-1 per level (every agency), SEC-2 and SEC-3 for the province."""
    return TARGETS
