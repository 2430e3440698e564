"""A score index: the communes' service-quality index, in the shape of Decision 766/QĐ-TTg.

Section II.2 of the (made-up) plan scores each commune out of 100 points on four figures it
already reports — dossiers handled fully online, fees paid online, dossiers handled on time,
satisfied users — and asks every commune for 80 points, and the pilot commune An Bình for
first place among the province's communes. Everything here is data: the three indicators the
index adds, the index (groups of components, each a scoring formula worth its points), and a
target on the score and one on the rank. plan_rules computes the points exactly, per unit,
from each indicator's figure combined over the target's window.
"""

from __future__ import annotations

from fractions import Fraction

from plan_rules import Clause, Indicator, Kind, Scope, Temporal, Text
from plan_rules.composite import Component, Group, Index, RankTarget, ScoreTarget
from plan_rules.derive import Bands, Composite, Figure, Linear

from .plan import CODE, DEADLINE

__all__ = ["COMPOSITES", "INDEX", "INDEX_INDICATORS", "RANK", "SCORE"]

#: The clause of the plan that asks for the index, quoted exactly.
INDEX_CLAUSE = Clause(
    bullet="a", section="II.2. Nâng cao chất lượng phục vụ",
    text_vi="Đánh giá Chỉ số phục vụ người dân, doanh nghiệp của các xã theo thang 100 điểm; "
    "mỗi xã đạt tối thiểu 80 điểm; xã An Bình (xã điểm) dẫn đầu các xã của tỉnh")


def rate(code: str, name: Text, description: Text, unit: Text, numerator: Text,
         denominator: Text) -> Indicator:
    """A rate the communes report per period, whose counts add up (a flow)."""
    return Indicator(code=code, plan=CODE, area="PS", kind=Kind.RATE, temporal=Temporal.FLOW,
                     name=name, description=description, unit=unit, clause=INDEX_CLAUSE,
                     numerator=numerator, denominator=denominator)


DOSSIERS = Text(vi="hồ sơ", en="dossiers")

ONLINE_PAYMENTS = rate(
    "EX26.PS.2",
    Text(vi="Tỷ lệ hồ sơ thanh toán trực tuyến", en="Fees paid online"),
    Text(vi="Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến trên tổng số hồ sơ "
         "có nghĩa vụ tài chính.",
         en="Dossiers with a fee to pay whose fee was paid online, over all dossiers with a "
         "fee to pay."),
    DOSSIERS,
    Text(vi="Số hồ sơ được thanh toán trực tuyến", en="Dossiers whose fee was paid online"),
    Text(vi="Tổng số hồ sơ có nghĩa vụ tài chính", en="All dossiers with a fee to pay"),
)

ON_TIME = rate(
    "EX26.PS.3",
    Text(vi="Tỷ lệ hồ sơ giải quyết đúng hạn", en="Dossiers handled on time"),
    Text(vi="Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hoặc trước hạn trên tổng số "
         "hồ sơ đã giải quyết.",
         en="Administrative-procedure dossiers handled by their due date, over all dossiers "
         "handled."),
    DOSSIERS,
    Text(vi="Số hồ sơ giải quyết đúng hoặc trước hạn", en="Dossiers handled by their due date"),
    Text(vi="Tổng số hồ sơ đã giải quyết", en="All dossiers handled"),
)

SATISFACTION = rate(
    "EX26.PS.4",
    Text(vi="Tỷ lệ người dân, doanh nghiệp hài lòng", en="Satisfied users"),
    Text(vi="Tỷ lệ lượt đánh giá hài lòng hoặc rất hài lòng trên tổng số lượt đánh giá việc "
         "giải quyết thủ tục hành chính.",
         en="Ratings 'satisfied' or 'very satisfied', over all ratings of how a procedure was "
         "handled."),
    Text(vi="lượt đánh giá", en="ratings"),
    Text(vi="Số lượt đánh giá hài lòng, rất hài lòng", en="Satisfied or very satisfied ratings"),
    Text(vi="Tổng số lượt đánh giá", en="All ratings"),
)

#: The indicators the index adds; it also reads EX26.PS.1 (dossiers handled fully online).
INDEX_INDICATORS: tuple[Indicator, ...] = (ONLINE_PAYMENTS, ON_TIME, SATISFACTION)

INDEX = Index(
    code="EX26.SQI", plan=CODE, area="PS", maximum=100,
    name=Text(vi="Chỉ số phục vụ cấp xã", en="Commune service-quality index"),
    description=Text(vi="Thang 100 điểm, theo mục II.2 của kế hoạch.",
                     en="Out of 100 points, as section II.2 of the plan sets it."),
    groups=[
        Group(code="EX26.SQI.online",
              name=Text(vi="Dịch vụ công trực tuyến", en="Online services"), components=[
            # 20 points at 75% of dossiers handled fully online or more; 0 at 0%; a straight
            # line in between.
            Component(code="EX26.SQI.online.handled", points=20,
                      name=Text(vi="Xử lý trực tuyến toàn trình", en="Handled fully online"),
                      formula=Linear(Figure("EX26.PS.1"), full_at=Fraction(3, 4), points=20)),
            # The 766 shape: full points at 50% of fees paid online.
            Component(code="EX26.SQI.online.paid", points=20,
                      name=Text(vi="Thanh toán trực tuyến", en="Paid online"),
                      formula=Linear(Figure("EX26.PS.2"), full_at=Fraction(1, 2), points=20)),
        ]),
        Group(code="EX26.SQI.handling",
              name=Text(vi="Tiến độ giải quyết", en="Timeliness"), components=[
            # Steps: 10 points from 80% on time, 20 from 90%, 30 from 95%; none below 80%.
            Component(code="EX26.SQI.handling.ontime", points=30,
                      name=Text(vi="Giải quyết đúng hạn", en="Handled on time"),
                      formula=Bands(Figure("EX26.PS.3"), [(Fraction(4, 5), 10),
                                                          (Fraction(9, 10), 20),
                                                          (Fraction(19, 20), 30)])),
        ]),
        Group(code="EX26.SQI.satisfaction",
              name=Text(vi="Sự hài lòng", en="Satisfaction"), components=[
            # 0 points at 50% satisfied or less, 30 at 90% or more, a straight line between.
            Component(code="EX26.SQI.satisfaction.satisfied", points=30,
                      name=Text(vi="Hài lòng", en="Satisfied"),
                      formula=Linear(Figure("EX26.PS.4"), zero_at=Fraction(1, 2),
                                     full_at=Fraction(9, 10), points=30)),
        ]),
    ],
)

SCORE = ScoreTarget(code="EX26.SQI.80", index="EX26.SQI", threshold=80,
                    scope=Scope(level="commune"), deadline=DEADLINE,
                    name=Text(vi="từng xã", en="every commune"))

# Among the communes of the province (tinh-vi-du and its descendants through `parent`);
# equal scores are told apart by the satisfaction points.
RANK = RankTarget(code="EX26.SQI.pilot", index="EX26.SQI", scope=Scope(entity="xa-an-binh"),
                  level="commune", territory="tinh-vi-du", at_most=1, deadline=DEADLINE,
                  tie_break=("EX26.SQI.satisfaction",),
                  name=Text(vi="xã điểm An Bình dẫn đầu", en="pilot commune An Bình first"))

COMPOSITES: tuple[Composite, ...] = (INDEX, SCORE, RANK)
