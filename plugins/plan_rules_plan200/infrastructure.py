"""Area INF of Plan 200/KH-UBND: technical infrastructure and digital platforms.

Bullet B2 ("Cơ sở hạ tầng kỹ thuật, nền tảng số") asks for every state agency from province to
commune level on the Specialized Data Transmission Network and for sectors' information systems
and databases; bullet B5 ("Đẩy mạnh phát triển nền tảng số") for the sectors' foundational
databases and their connection to ministries through the provincial LGSP and the national
NDXP. The network is a rate with one target per level; the other three are milestones.
"""

from __future__ import annotations

from collections.abc import Sequence

from plan_rules import Aggregation, Indicator, Kind, Target, Temporal, Text, hookimpl

from ._common import ALL, clause, done, indicator, milestone, per_level

__all__ = ["INDICATORS", "TARGETS", "plan_rules_indicators", "plan_rules_targets"]

AREA = "INF"

INDICATORS: tuple[Indicator, ...] = (
    indicator(
        AREA, 1, kind=Kind.RATE, temporal=Temporal.STOCK,
        name=Text(
            vi="Tỷ lệ cơ quan nhà nước kết nối, sử dụng Mạng truyền số liệu chuyên dùng",
            en="State agencies connected to and using the Specialized Data Transmission "
            "Network"),
        description=Text(
            vi="Tỷ lệ cơ quan nhà nước từ cấp tỉnh đến cấp xã kết nối, sử dụng Mạng truyền số "
            "liệu chuyên dùng của các cơ quan Đảng, Nhà nước. Chỉ tiêu thời điểm: dùng số liệu "
            "mới nhất trong kỳ đánh giá. Mỗi dòng số liệu là một đơn vị báo cáo các cơ quan "
            "thuộc phạm vi của mình: cơ quan cấp tỉnh (sở, ngành) báo cáo bản thân và các "
            "đơn vị trực thuộc; huyện báo cáo các cơ quan cấp huyện; xã báo cáo các cơ quan cấp "
            "xã. Mỗi cấp một chỉ tiêu (cấp tỉnh, cấp huyện, cấp xã), tính gộp trên các đơn vị "
            "của cấp đó (tổng số cơ quan đã kết nối trên tổng số cơ quan). Với ngưỡng 100%, "
            "tính gộp tương đương yêu cầu từng đơn vị đạt 100% khi có đủ tử số và mẫu số. Chỉ "
            "tiêu cấp huyện chỉ áp dụng đến 30/6/2025, khi cấp huyện kết thúc hoạt động.",
            en="Share of state agencies, from province to commune level, connected to and "
            "using the Specialized Data Transmission Network of Party and State agencies. A "
            "stock: the latest snapshot in the window counts. Each row is one reporting unit "
            "reporting the agencies it is responsible for: a province-level agency (level "
            "department) itself and its subordinate units, a district its district-level "
            "agencies, a commune its commune-level agencies. One target per level (province, "
            "district, commune), pooled over that level's units (agencies connected over "
            "agencies). At 100%, pooling is equivalent to requiring every unit to reach 100% "
            "whenever counts are given. The district target applies only until 30/6/2025, "
            "when the district level ceased."),
        unit=Text(vi="cơ quan", en="agencies"),
        clause=clause("B2", "100% cơ quan nhà nước từ cấp tỉnh đến cấp xã kết nối, sử dụng "
                            "Mạng truyền số liệu chuyên dùng của các cơ quan Đảng, Nhà nước"),
        numerator=Text(
            vi="Số cơ quan đã kết nối và sử dụng Mạng truyền số liệu chuyên dùng",
            en="Agencies connected to and using the Specialized Data Transmission Network"),
        denominator=Text(
            vi="Tổng số cơ quan nhà nước thuộc đơn vị báo cáo",
            en="State agencies the reporting unit is responsible for"),
    ),
    milestone(
        AREA, 2,
        name=Text(vi="Xây dựng hệ thống thông tin, cơ sở dữ liệu của các ngành, lĩnh vực",
                  en="Sectors' information systems and databases built"),
        description=Text(
            vi="Xây dựng các hệ thống thông tin, cơ sở dữ liệu của các ngành, lĩnh vực. Kế "
            "hoạch không nêu số lượng hệ thống hay cơ sở dữ liệu, nên chỉ tiêu được đánh giá "
            "là một mốc công việc của toàn tỉnh.",
            en="Information systems and databases of sectors and fields built. The plan names "
            "no number of systems or databases, so this is a province-wide milestone."),
        clause=clause("B2", "xây dựng các hệ thống thông tin, cơ sở dữ liệu của các ngành, "
                            "lĩnh vực"),
    ),
    milestone(
        AREA, 3,
        name=Text(vi="Xây dựng cơ sở dữ liệu nền tảng của các ngành",
                  en="Sectors' foundational databases built"),
        description=Text(
            vi="Xây dựng các cơ sở dữ liệu nền tảng của các ngành (mục phát triển nền tảng "
            "số). Kế hoạch không nêu số lượng, nên chỉ tiêu là một mốc công việc.",
            en="The sectors' foundational databases built (digital-platform bullet). The plan "
            "gives no number, so this is a milestone."),
        clause=clause("B5", "Thực hiện xây dựng các cơ sở dữ liệu nền tảng của các ngành"),
    ),
    milestone(
        AREA, 4,
        name=Text(vi="Chia sẻ, kết nối cơ sở dữ liệu với Bộ, ngành qua LGSP và NDXP",
                  en="Databases shared with ministries through the provincial LGSP and the "
                  "national NDXP"),
        description=Text(
            vi="Chia sẻ, kết nối với các cơ sở dữ liệu của Bộ, ngành qua trục tích hợp, chia "
            "sẻ dữ liệu cấp tỉnh (LGSP) và Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP). "
            "Đánh giá là mốc công việc; một tỷ lệ cơ sở dữ liệu đã kết nối có thể được bổ sung "
            "thành chỉ tiêu riêng nếu có số liệu.",
            en="Sharing and connection with the ministries' and sectors' databases through "
            "the provincial data integration and sharing platform (LGSP) and the national one "
            "(NDXP). Assessed as a milestone; a rate of connected databases could be added as "
            "a separate indicator where counts exist."),
        clause=clause("B5", "thực hiện chia sẻ, kết nối với các cơ sở dữ liệu của Bộ, ngành "
                            "qua trục LGSP của tỉnh và NDXP quốc gia"),
    ),
)

TARGETS: tuple[Target, ...] = (
    *per_level("HY25.INF.1", Aggregation.POOLED, province=ALL, district=ALL, commune=ALL),
    done("HY25.INF.2"),
    done("HY25.INF.3"),
    done("HY25.INF.4"),
)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """The four infrastructure indicators, HY25.INF.1 … HY25.INF.4."""
    return INDICATORS


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """INF-1 per level (pooled, 100%) and the three milestones (done)."""
    return TARGETS
