"""Area DE of Plan 200/KH-UBND: digital economy and digital society (bullet B6).

Ten province-wide rates: SMEs on digital platforms and adults with signature certificates
("trên 50%": strictly more than half), e-invoices from cash registers in shopping centres and in
food and retail establishments, mobile coverage of villages in coverage gaps, fibre broadband,
digital school records, the electronic health book in VNeID, cashless tuition, and digitised
cultural-heritage dossiers. All are stocks: the latest snapshot in the window counts, so a unit
reports cumulative (year-to-date) figures, never the period's increment.

No consistency check is contributed for DE-2 and DE-3, although both concern the same
e-invoice solution: they count different things (shopping centres; establishments inside
shopping centres and in consumer-goods stores), and neither count bounds the other — a centre
deploying the solution says nothing about how many of its tenants do, and DE-3 includes stores
outside any centre.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from plan_rules import Comparator, Indicator, Kind, Target, Temporal, Text, hookimpl

from ._common import clause, indicator, province

__all__ = ["INDICATORS", "TARGETS", "plan_rules_indicators", "plan_rules_targets"]

AREA = "DE"

_STOCK_RULE = Text(
    vi="Chỉ tiêu thời điểm (số liệu lũy kế, dùng kỳ mới nhất), đánh giá cho toàn tỉnh.",
    en="A stock (cumulative figures; the latest period counts), assessed for the province.",
)


def _rate(number: int, *, name: Text, description: Text, unit: Text, quote: str,
          numerator: Text, denominator: Text) -> Indicator:
    return indicator(
        AREA, number, kind=Kind.RATE, temporal=Temporal.STOCK, name=name,
        description=Text(vi=f"{description.vi} {_STOCK_RULE.vi}",
                         en=f"{description.en} {_STOCK_RULE.en}"),
        unit=unit, clause=clause("B6", quote), numerator=numerator, denominator=denominator,
    )


INDICATORS: tuple[Indicator, ...] = (
    _rate(
        1,
        name=Text(vi="Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số",
                  en="Small and medium enterprises using digital platforms"),
        description=Text(
            vi="Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số. 'Đạt trên 50%' được hiểu là "
            "lớn hơn hẳn 50%: đúng 50% là chưa đạt.",
            en="Share of small and medium enterprises using digital platforms. 'Đạt trên 50%' "
            "means strictly more than 50%: exactly 50% is not met."),
        unit=Text(vi="doanh nghiệp", en="enterprises"),
        quote="Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt trên 50%",
        numerator=Text(vi="Số doanh nghiệp nhỏ và vừa sử dụng nền tảng số",
                       en="SMEs using digital platforms"),
        denominator=Text(vi="Tổng số doanh nghiệp nhỏ và vừa đang hoạt động",
                         en="Active small and medium enterprises"),
    ),
    _rate(
        2,
        name=Text(vi="Tỷ lệ trung tâm thương mại triển khai hóa đơn điện tử khởi tạo từ máy "
                  "tính tiền",
                  en="Shopping centres deploying e-invoices generated from cash registers"),
        description=Text(
            vi="Tỷ lệ trung tâm thương mại trên địa bàn tỉnh triển khai giải pháp hóa đơn điện "
            "tử khởi tạo từ máy tính tiền. Văn bản công bố ghi '100% trung tâm thương mại trên "
            "trên địa bàn tỉnh;': lặp chữ 'trên' và vế câu bị cắt, không có vị ngữ. Đọc cùng vế "
            "sau ('… triển khai giải pháp hóa đơn điện tử khởi tạo từ máy tính tiền'), vế này "
            "được hiểu là các trung tâm thương mại triển khai hóa đơn điện tử khởi tạo từ máy "
            "tính tiền. Trích dẫn giữ nguyên văn bản công bố.",
            en="Share of the shopping centres in the province deploying e-invoices generated "
            "from cash registers. The published text reads '100% trung tâm thương mại trên "
            "trên địa bàn tỉnh;': the word 'trên' is doubled and the clause is cut short, with "
            "no predicate. Read with the next clause ('… triển khai giải pháp hóa đơn điện tử "
            "khởi tạo từ máy tính tiền'), it means shopping centres deploying e-invoices "
            "generated from cash registers. The quotation keeps the published text as is."),
        unit=Text(vi="trung tâm thương mại", en="shopping centres"),
        quote="100% trung tâm thương mại trên trên địa bàn tỉnh;",
        numerator=Text(vi="Số trung tâm thương mại đã triển khai hóa đơn điện tử khởi tạo từ "
                       "máy tính tiền",
                       en="Shopping centres deploying e-invoices from cash registers"),
        denominator=Text(vi="Tổng số trung tâm thương mại trên địa bàn tỉnh",
                         en="Shopping centres in the province"),
    ),
    _rate(
        3,
        name=Text(vi="Tỷ lệ cơ sở ăn uống, bán lẻ triển khai hóa đơn điện tử khởi tạo từ máy "
                  "tính tiền",
                  en="Food-service and retail establishments deploying e-invoices from cash "
                  "registers"),
        description=Text(
            vi="Tỷ lệ cơ sở cung cấp dịch vụ ăn uống, bán lẻ hàng hóa tại các trung tâm thương "
            "mại, cửa hàng bán lẻ hàng tiêu dùng triển khai giải pháp hóa đơn điện tử khởi tạo "
            "từ máy tính tiền để chống thất thu thuế, thất thu ngân sách. Cùng giải pháp với "
            "DE-2 nhưng đếm cơ sở, không đếm trung tâm, nên hai chỉ tiêu không ràng buộc nhau.",
            en="Share of food-service and retail establishments in shopping centres and "
            "consumer-goods stores deploying e-invoices generated from cash registers, against "
            "tax and budget revenue loss. The same solution as DE-2, but counting "
            "establishments, not centres, so neither indicator bounds the other."),
        unit=Text(vi="cơ sở", en="establishments"),
        quote="80% cơ sở cung cấp dịch vụ ăn uống, bán lẻ hàng hóa tại các trung tâm thương "
              "mại, cửa hàng bán lẻ hàng tiêu dùng triển khai giải pháp hóa đơn điện tử khởi "
              "tạo từ máy tính tiền để chống thất thu thuế, thất thu ngân sách",
        numerator=Text(vi="Số cơ sở đã triển khai hóa đơn điện tử khởi tạo từ máy tính tiền",
                       en="Establishments deploying e-invoices from cash registers"),
        denominator=Text(vi="Tổng số cơ sở ăn uống, bán lẻ tại trung tâm thương mại, cửa hàng "
                         "bán lẻ hàng tiêu dùng",
                         en="Food-service and retail establishments in shopping centres and "
                         "consumer-goods stores"),
    ),
    _rate(
        4,
        name=Text(vi="Tỷ lệ dân số trưởng thành được cấp chứng thư chữ ký số, chữ ký điện tử",
                  en="Adults issued a digital- or electronic-signature certificate"),
        description=Text(
            vi="Tỷ lệ dân số trưởng thành được cấp chứng thư chữ ký số, chứng thư chữ ký điện "
            "tử. 'Đạt trên 50%' được hiểu là lớn hơn hẳn 50%: đúng 50% là chưa đạt. Không phải "
            "tập con hay tập cha của PS-5 (định danh VNeID).",
            en="Share of the adult population issued a digital-signature or electronic-signature "
            "certificate ('được cấp': issued to them, not merely held). 'Đạt trên 50%' means "
            "strictly more than 50%: exactly 50% is not met. Neither a subset nor a superset of "
            "PS-5 (VNeID identity)."),
        unit=Text(vi="người", en="adults"),
        quote="tỷ lệ dân số trưởng thành được cấp chứng thư chữ ký số, chứng thư chữ ký điện "
              "tử đạt trên 50%",
        numerator=Text(vi="Số người trưởng thành được cấp chứng thư chữ ký số hoặc chữ ký điện "
                       "tử",
                       en="Adults issued a digital- or electronic-signature certificate"),
        denominator=Text(vi="Dân số trưởng thành", en="Adult population"),
    ),
    _rate(
        5,
        name=Text(vi="Tỷ lệ thôn, xóm lõm sóng được phủ sóng băng rộng di động",
                  en="Villages in mobile coverage gaps covered by mobile broadband"),
        description=Text(
            vi="Tỷ lệ thôn, xóm đang lõm sóng được phủ sóng băng rộng di động; mẫu số là các "
            "thôn, xóm lõm sóng tại thời điểm ban hành kế hoạch.",
            en="Share of the villages and hamlets in mobile coverage gaps that are covered by "
            "mobile broadband; the denominator is the villages in a coverage gap when the plan "
            "was issued."),
        unit=Text(vi="thôn, xóm", en="villages"),
        quote="100% các thôn, xóm đang lõm sóng được phủ sóng băng rộng di động",
        numerator=Text(vi="Số thôn, xóm lõm sóng đã được phủ sóng băng rộng di động",
                       en="Villages in a coverage gap now covered by mobile broadband"),
        denominator=Text(vi="Tổng số thôn, xóm lõm sóng", en="Villages in a coverage gap"),
    ),
    _rate(
        6,
        name=Text(vi="Tỷ lệ hộ gia đình có khả năng tiếp cận Internet cáp quang băng rộng",
                  en="Households able to access fixed fibre broadband"),
        description=Text(
            vi="Tỷ lệ hộ gia đình có khả năng tiếp cận dịch vụ Internet cáp quang băng rộng "
            "(có hạ tầng cáp quang tới hộ, không nhất thiết đã thuê bao).",
            en="Share of households able to access fibre broadband Internet (fibre available "
            "to the household, not necessarily subscribed)."),
        unit=Text(vi="hộ gia đình", en="households"),
        quote="100% số hộ gia đình có khả năng tiếp cận dịch vụ Internet cáp quang băng rộng",
        numerator=Text(vi="Số hộ gia đình có khả năng tiếp cận Internet cáp quang",
                       en="Households able to access fibre broadband"),
        denominator=Text(vi="Tổng số hộ gia đình", en="Households"),
    ),
    _rate(
        7,
        name=Text(vi="Tỷ lệ học sinh được triển khai học bạ số",
                  en="Pupils with digital school records"),
        description=Text(
            vi="Tỷ lệ triển khai học bạ số đối với học sinh.",
            en="Share of pupils for whom digital school records are deployed."),
        unit=Text(vi="học sinh", en="pupils"),
        quote="tỷ lệ triển khai học bạ số đối với học sinh đạt 100%",
        numerator=Text(vi="Số học sinh có học bạ số", en="Pupils with digital school records"),
        denominator=Text(vi="Tổng số học sinh", en="Pupils"),
    ),
    _rate(
        8,
        name=Text(vi="Tỷ lệ bệnh viện, cơ sở khám chữa bệnh triển khai Sổ sức khỏe điện tử "
                  "trên VNeID",
                  en="Hospitals and clinics deploying the electronic health book in VNeID"),
        description=Text(
            vi="Tỷ lệ bệnh viện, cơ sở khám chữa bệnh triển khai Sổ sức khỏe điện tử tích hợp "
            "trên ứng dụng VNeID.",
            en="Share of hospitals and medical facilities deploying the electronic health book "
            "integrated in the VNeID application."),
        unit=Text(vi="cơ sở khám chữa bệnh", en="medical facilities"),
        quote="tỷ lệ các bệnh viện, cơ sở khám chữa bệnh triển khai Sổ sức khỏe điện tử tích "
              "hợp trên ứng dụng VNeID đạt 100%",
        numerator=Text(vi="Số bệnh viện, cơ sở khám chữa bệnh đã triển khai",
                       en="Hospitals and medical facilities deploying it"),
        denominator=Text(vi="Tổng số bệnh viện, cơ sở khám chữa bệnh",
                         en="Hospitals and medical facilities"),
    ),
    _rate(
        9,
        name=Text(vi="Tỷ lệ cơ sở giáo dục công lập thu học phí không dùng tiền mặt",
                  en="Public education institutions collecting tuition without cash"),
        description=Text(
            vi="Tỷ lệ các cơ sở giáo dục công lập trên địa bàn tỉnh triển khai thanh toán học "
            "phí không dùng tiền mặt.",
            en="Share of the public education institutions in the province collecting tuition "
            "without cash."),
        unit=Text(vi="cơ sở giáo dục", en="institutions"),
        quote="tỷ lệ các cơ sở giáo dục công lập trên địa bàn tỉnh triển khai thanh toán học "
              "phí không dùng tiền mặt đạt tỷ lệ 100%",
        numerator=Text(vi="Số cơ sở giáo dục công lập thu học phí không dùng tiền mặt",
                       en="Public institutions collecting tuition without cash"),
        denominator=Text(vi="Tổng số cơ sở giáo dục công lập", en="Public education "
                         "institutions"),
    ),
    _rate(
        10,
        name=Text(vi="Tỷ lệ hồ sơ di sản văn hóa được số hóa, hiện diện trên môi trường số",
                  en="Dossiers of recognised cultural heritage digitised and present online"),
        description=Text(
            vi="Tỷ lệ hồ sơ tư liệu các di sản văn hóa Việt Nam đã được ghi danh, công nhận và "
            "xếp hạng được số hóa, hiện diện trên môi trường số.",
            en="Share of the documentary dossiers of inscribed, recognised and ranked "
            "Vietnamese cultural heritage that are digitised and present online."),
        unit=Text(vi="hồ sơ di sản", en="heritage dossiers"),
        quote="tỷ lệ hồ sơ tư liệu các di sản văn hóa Việt Nam đã được ghi danh, công nhận và "
              "xếp hạng được số hóa, hiện diện trên môi trường số đạt tỷ lệ 100%",
        numerator=Text(vi="Số hồ sơ di sản đã được số hóa, hiện diện trên môi trường số",
                       en="Heritage dossiers digitised and present online"),
        denominator=Text(vi="Tổng số hồ sơ di sản đã được ghi danh, công nhận, xếp hạng",
                         en="Dossiers of inscribed, recognised or ranked heritage"),
    ),
)

_HALF = Fraction(1, 2)

TARGETS: tuple[Target, ...] = (
    province("HY25.DE.1", _HALF, Comparator.GT),
    province("HY25.DE.2"),
    province("HY25.DE.3", Fraction(4, 5)),
    province("HY25.DE.4", _HALF, Comparator.GT),
    province("HY25.DE.5"),
    province("HY25.DE.6"),
    province("HY25.DE.7"),
    province("HY25.DE.8"),
    province("HY25.DE.9"),
    province("HY25.DE.10"),
)


@hookimpl
def plan_rules_indicators() -> Sequence[Indicator]:
    """The digital economy and society indicators, HY25.DE.1 … HY25.DE.10."""
    return INDICATORS


@hookimpl
def plan_rules_targets() -> Sequence[Target]:
    """One province-wide target each; DE-1 and DE-4 strictly above 50%."""
    return TARGETS
