"""The plan itself: Kế hoạch số 200/KH-UBND of the People's Committee of Hưng Yên province,
issued 31/12/2024, on digital transformation in 2025, with its five areas.

The areas' indicators, targets and checks come from the sibling area plugins; this plugin only
names the plan and its areas, so that an area plugin can be blocked without losing the plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from plan_rules import Area, Plan, Text, hookimpl

from ._common import DEADLINE, ISSUED, MERGER, PLAN, TERRITORY

__all__ = ["PLAN_200", "plan_rules_plans"]

PLAN_200 = Plan(
    code=PLAN,
    number="200/KH-UBND",
    issuer=Text(vi="Ủy ban nhân dân tỉnh Hưng Yên",
                en="People's Committee of Hưng Yên province"),
    issued=ISSUED,
    deadline=DEADLINE,
    title=Text(
        vi="Kế hoạch thực hiện chuyển đổi số tỉnh Hưng Yên năm 2025",
        en="Plan for digital transformation of Hưng Yên province in 2025",
    ),
    areas=(
        Area(code="INF", name=Text(
            vi="Cơ sở hạ tầng kỹ thuật, nền tảng số",
            en="Technical infrastructure and digital platforms")),
        Area(code="IIT", name=Text(
            vi="Cơ chế, chính sách; ứng dụng công nghệ thông tin trong nội bộ cơ quan nhà nước",
            en="Mechanisms and policies; IT use inside state agencies")),
        Area(code="PS", name=Text(
            vi="Cung cấp thông tin, dịch vụ công phục vụ người dân và doanh nghiệp",
            en="Information and public services for citizens and businesses")),
        Area(code="DE", name=Text(
            vi="Phát triển kinh tế số, xã hội số",
            en="Digital economy and digital society")),
        Area(code="SEC", name=Text(
            vi="Đảm bảo an toàn thông tin, phát triển nguồn nhân lực, đào tạo, tập huấn và "
            "tuyên truyền",
            en="Information security, human resources, training and communication")),
    ),
    source="Kế hoạch số 200/KH-UBND ngày 31/12/2024 của Ủy ban nhân dân tỉnh Hưng Yên",
    territory=TERRITORY,
    note=MERGER,
)


@hookimpl
def plan_rules_plans() -> Sequence[Plan]:
    """Plan 200/KH-UBND (code ``HY25``)."""
    return (PLAN_200,)
