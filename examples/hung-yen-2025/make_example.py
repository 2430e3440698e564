"""Regenerate the ILLUSTRATIVE Hưng Yên 2025 example: ``entities.csv`` and ``figures.csv``.

The figures are invented, not official: they are shaped to exercise every indicator of Plan
200/KH-UBND — some targets met, some not, a few exactly on the threshold — and carry a handful
of deliberate data problems, each marked in the ``note`` column. The script uses only the
standard library and a seeded ``random.Random(2025)``, so running it again gives the same
files byte for byte::

    python examples/hung-yen-2025/make_example.py
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

DEPT_GROUPS = "departments;departments_and_localities"
LOCALITY_GROUPS = "localities;departments_and_localities"
DISTRICT_END = "2025-06-30"
COMMUNE_START = "2025-07-01"

DELIBERATE = "CỐ Ý (deliberate): "
SOURCE = "minh họa - báo cáo định kỳ của đơn vị (illustrative)"
EVIDENCE = "minh họa - {doc} (số hiệu giả định, illustrative)"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    groups: str = ""
    parent: str = ""
    valid_from: str = ""
    valid_to: str = ""


PROVINCE = Unit("hung-yen", "Tỉnh Hưng Yên", "province")

DEPARTMENTS = [
    Unit("so-thong-tin-va-truyen-thong", "Sở Thông tin và Truyền thông", "department",
         DEPT_GROUPS, "hung-yen", valid_to="2025-02-28"),
    Unit("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "department", DEPT_GROUPS,
         "hung-yen"),
    Unit("so-tu-phap", "Sở Tư pháp", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-noi-vu", "Sở Nội vụ", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-tai-chinh", "Sở Tài chính", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-y-te", "Sở Y tế", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", "department", DEPT_GROUPS,
         "hung-yen"),
    Unit("so-cong-thuong", "Sở Công Thương", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-xay-dung", "Sở Xây dựng", "department", DEPT_GROUPS, "hung-yen"),
    Unit("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "department",
         DEPT_GROUPS, "hung-yen"),
    Unit("van-phong-ubnd-tinh", "Văn phòng Ủy ban nhân dân tỉnh", "department", DEPT_GROUPS,
         "hung-yen"),
    Unit("ban-quan-ly-cac-khu-cong-nghiep", "Ban Quản lý các khu công nghiệp tỉnh",
         "department", DEPT_GROUPS, "hung-yen"),
]

_DISTRICTS = [
    ("tp-hung-yen", "Thành phố Hưng Yên"),
    ("tx-my-hao", "Thị xã Mỹ Hào"),
    ("huyen-van-lam", "Huyện Văn Lâm"),
    ("huyen-van-giang", "Huyện Văn Giang"),
    ("huyen-yen-my", "Huyện Yên Mỹ"),
    ("huyen-khoai-chau", "Huyện Khoái Châu"),
    ("huyen-an-thi", "Huyện Ân Thi"),
    ("huyen-kim-dong", "Huyện Kim Động"),
    ("huyen-phu-cu", "Huyện Phù Cừ"),
    ("huyen-tien-lu", "Huyện Tiên Lữ"),
]
DISTRICTS = [Unit(c, n, "district", LOCALITY_GROUPS, "hung-yen", valid_to=DISTRICT_END)
             for c, n in _DISTRICTS]

# Two communes of each old district (before 1/7/2025). Not in group `localities`: while the
# district level existed, the districts were the localities of PS-2.
_OLD_COMMUNES = [
    ("phuong-lam-son", "Phường Lam Sơn", "tp-hung-yen"),
    ("xa-bao-khe", "Xã Bảo Khê", "tp-hung-yen"),
    ("phuong-ban-yen-nhan", "Phường Bần Yên Nhân", "tx-my-hao"),
    ("phuong-phung-chi-kien", "Phường Phùng Chí Kiên", "tx-my-hao"),
    ("tt-nhu-quynh", "Thị trấn Như Quỳnh", "huyen-van-lam"),
    ("xa-lac-dao", "Xã Lạc Đạo", "huyen-van-lam"),
    ("tt-van-giang", "Thị trấn Văn Giang", "huyen-van-giang"),
    ("xa-xuan-quan", "Xã Xuân Quan", "huyen-van-giang"),
    ("tt-yen-my", "Thị trấn Yên Mỹ", "huyen-yen-my"),
    ("xa-trung-hung", "Xã Trung Hưng", "huyen-yen-my"),
    ("tt-khoai-chau", "Thị trấn Khoái Châu", "huyen-khoai-chau"),
    ("xa-dong-tao", "Xã Đông Tảo", "huyen-khoai-chau"),
    ("tt-an-thi", "Thị trấn Ân Thi", "huyen-an-thi"),
    ("xa-phu-ung", "Xã Phù Ủng", "huyen-an-thi"),
    ("tt-luong-bang", "Thị trấn Lương Bằng", "huyen-kim-dong"),
    ("xa-nghia-dan", "Xã Nghĩa Dân", "huyen-kim-dong"),
    ("tt-tran-cao", "Thị trấn Trần Cao", "huyen-phu-cu"),
    ("xa-tong-phan", "Xã Tống Phan", "huyen-phu-cu"),
    ("tt-vuong", "Thị trấn Vương", "huyen-tien-lu"),
    ("xa-hai-trieu", "Xã Hải Triều", "huyen-tien-lu"),
]
OLD_COMMUNES = [Unit(c, n, "commune", "", p, valid_to=DISTRICT_END) for c, n, p in _OLD_COMMUNES]

# Communes and wards of the merged province (Hưng Yên + Thái Bình) from 1/7/2025; the new
# commune-level units are PS-2's localities. The list is a sample, see README.md.
_NEW_COMMUNES = [
    ("phuong-pho-hien", "Phường Phố Hiến"),
    ("phuong-son-nam", "Phường Sơn Nam"),
    ("phuong-hong-chau", "Phường Hồng Châu"),
    ("phuong-my-hao", "Phường Mỹ Hào"),
    ("phuong-duong-hao", "Phường Đường Hào"),
    ("phuong-thuong-hong", "Phường Thượng Hồng"),
    ("xa-nhu-quynh", "Xã Như Quỳnh"),
    ("xa-van-giang", "Xã Văn Giang"),
    ("xa-phung-cong", "Xã Phụng Công"),
    ("xa-yen-my", "Xã Yên Mỹ"),
    ("xa-khoai-chau", "Xã Khoái Châu"),
    ("xa-an-thi", "Xã Ân Thi"),
    ("xa-tien-lu", "Xã Tiên Lữ"),
    ("phuong-thai-binh", "Phường Thái Bình"),
    ("phuong-tran-lam", "Phường Trần Lãm"),
    ("xa-hung-ha", "Xã Hưng Hà"),
    ("xa-tien-hai", "Xã Tiền Hải"),
    ("xa-kien-xuong", "Xã Kiến Xương"),
    ("xa-vu-thu", "Xã Vũ Thư"),
    ("xa-quynh-phu", "Xã Quỳnh Phụ"),
]
NEW_COMMUNES = [Unit(c, n, "commune", LOCALITY_GROUPS, "hung-yen", valid_from=COMMUNE_START)
                for c, n in _NEW_COMMUNES]

ENTITIES = [PROVINCE, *DEPARTMENTS, *DISTRICTS, *OLD_COMMUNES, *NEW_COMMUNES]

#: Departments that exist all year (Sở Thông tin và Truyền thông merged into Sở Khoa học và
#: Công nghệ on 1/3/2025 and reports only January and February).
DEPTS = DEPARTMENTS[1:]
TTTT = DEPARTMENTS[0]

_PERIOD_END = {
    "Q1/2025": date(2025, 3, 31), "Q2/2025": date(2025, 6, 30), "Q3/2025": date(2025, 9, 30),
    "T1/2025": date(2025, 1, 31), "T2/2025": date(2025, 2, 28),
    "T7/2025": date(2025, 7, 31), "T8/2025": date(2025, 8, 31), "T9/2025": date(2025, 9, 30),
    "6 tháng đầu năm 2025": date(2025, 6, 30),
}

FIELDS = ["indicator", "entity", "level", "period", "numerator", "denominator", "value",
          "reported_on", "source", "note"]


class Figures:
    """Collects the rows of figures.csv."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict[str, str]] = []

    def add(self, indicator: str, unit: Unit, period: str, *, num: int | None = None,
            den: int | None = None, value: str = "", source: str = SOURCE,
            note: str = "") -> dict[str, str]:
        end = _PERIOD_END.get(period, date(2025, 9, 30))
        reported = end + timedelta(days=self.rng.randint(5, 20))
        row = {
            "indicator": f"HY25.{indicator}", "entity": unit.code, "level": unit.level,
            "period": period, "numerator": "" if num is None else str(num),
            "denominator": "" if den is None else str(den), "value": value,
            "reported_on": reported.isoformat(), "source": source, "note": note,
        }
        self.rows.append(row)
        return row

    def rate(self, low: float, high: float) -> float:
        return self.rng.uniform(low, high)

    def counts(self, den_low: int, den_high: int, low: float, high: float) -> tuple[int, int]:
        den = self.rng.randint(den_low, den_high)
        return min(den, round(den * self.rate(low, high))), den


def percent(x: float, comma: bool) -> str:
    """A percentage as people write it: ``87,5%`` or ``87.5``."""
    text = f"{x * 100:.1f}"
    return text.replace(".", ",") + "%" if comma else text


def every(units: Iterable[Unit], periods: Iterable[str]) -> list[tuple[Unit, str]]:
    ps = list(periods)
    return [(u, p) for u in units for p in ps]


def infrastructure(f: Figures) -> None:
    # INF-1 (stock, pooled per level, 100%): departments all connected by Q3; one district
    # short at Q2; every commune connected at its latest snapshot.
    for u in DEPTS:
        den = f.rng.randint(3, 9)
        f.add("INF.1", u, "Q1/2025", num=den - f.rng.randint(0, 2), den=den)
        f.add("INF.1", u, "Q2/2025", num=den - f.rng.randint(0, 1), den=den)
        f.add("INF.1", u, "Q3/2025", num=den, den=den)
    for u in DISTRICTS:
        den = f.rng.randint(10, 14)
        f.add("INF.1", u, "Q1/2025", num=den - f.rng.randint(0, 2), den=den)
        f.add("INF.1", u, "Q2/2025", num=den - 1 if u.code == "huyen-phu-cu" else den, den=den)
    for u in OLD_COMMUNES:
        den = f.rng.randint(3, 4)
        f.add("INF.1", u, "Q2/2025", num=den, den=den)
    for u in NEW_COMMUNES:
        den = f.rng.randint(5, 8)
        f.add("INF.1", u, "Q3/2025", num=den, den=den)
    # Milestones, reported for the province.
    f.add("INF.2", PROVINCE, "Q2/2025", value="chưa hoàn thành")
    f.add("INF.2", PROVINCE, "Q3/2025", value="hoàn thành",
          source=EVIDENCE.format(doc="Quyết định số 0000/QĐ-UBND ngày 12/8/2025"))
    f.add("INF.3", PROVINCE, "Q3/2025", value="chưa")
    f.add("INF.4", PROVINCE, "Q3/2025", value="done", source="",
          note=DELIBERATE + "mốc 'done' không có căn cứ ở cột nguồn "
          "(milestone done without evidence)")


def internal_it(f: Figures) -> None:
    f.add("IIT.0", PROVINCE, "6 tháng đầu năm 2025", value="hoàn thành",
          source=EVIDENCE.format(doc="Nghị quyết số 00/2025/NQ-HĐND ngày 10/6/2025"))
    # IIT-1 (flow, each per level, 100%).
    for u in DEPTS:
        for p in ("Q1/2025", "Q2/2025", "Q3/2025"):
            den = f.rng.randint(700, 2600)
            if u.code == "so-tu-phap" and p == "Q2/2025":
                f.add("IIT.1", u, p, num=1290, den=1275,
                      note=DELIBERATE + "tử số lớn hơn mẫu số (numerator > denominator)")
            elif u.code == "so-cong-thuong" and p == "Q2/2025":
                f.add("IIT.1", u, p, num=den - 6, den=den)
            else:
                f.add("IIT.1", u, p, num=den, den=den)
    for p in ("T1/2025", "T2/2025"):
        den = f.rng.randint(250, 400)
        f.add("IIT.1", TTTT, p, num=den, den=den)
    for u, p in every(DISTRICTS, ("Q1/2025", "Q2/2025")):
        den = f.rng.randint(900, 2000)
        f.add("IIT.1", u, p, num=den, den=den)
    for u, p in every(OLD_COMMUNES, ("Q1/2025", "Q2/2025")):
        den = f.rng.randint(80, 260)
        f.add("IIT.1", u, p, num=den, den=den)
    for u in NEW_COMMUNES:
        if u.code == "xa-quynh-phu":
            continue  # no IIT-1 report: the commune target has no data for this unit
        den = f.rng.randint(300, 700)
        f.add("IIT.1", u, "Q3/2025", num=den, den=den)
    # IIT-2 (flow, pooled per level): province-level agencies exactly on 90%.
    dept_rows = []
    for u in DEPTS:
        for p in ("Q1/2025", "Q2/2025", "Q3/2025"):
            num, den = f.counts(300, 1200, 0.84, 0.96)
            dept_rows.append(f.add("IIT.2", u, p, num=num, den=den))
    for p in ("T1/2025", "T2/2025"):
        num, den = f.counts(100, 200, 0.85, 0.95)
        dept_rows.append(f.add("IIT.2", TTTT, p, num=num, den=den))
    _pool_exactly(dept_rows, 9, 10, "exactly 90% pooled over province-level agencies")
    for u, p in every(DISTRICTS, ("Q1/2025", "Q2/2025")):
        num, den = f.counts(400, 1500, 0.78, 0.89)
        f.add("IIT.2", u, p, num=num, den=den)
    num, den = f.counts(400, 1500, 0.78, 0.89)
    f.add("IIT.2", DISTRICTS[-1], "Q3/2025", num=num, den=den,
          note=DELIBERATE + "số liệu cấp huyện cho Q3/2025, khi cấp huyện đã kết thúc "
          "(district figure after 30/6/2025)")
    for u, p in every(OLD_COMMUNES, ("Q1/2025", "Q2/2025")):
        num, den = f.counts(60, 240, 0.48, 0.66)
        f.add("IIT.2", u, p, num=num, den=den)
    for i, u in enumerate(NEW_COMMUNES):
        months = ("T7/2025", "T8/2025", "T9/2025") if i % 4 == 0 else ("Q3/2025",)
        for p in months:
            lo, hi = (60, 150) if len(months) == 3 else (200, 500)
            num, den = f.counts(lo, hi, 0.50, 0.64)
            f.add("IIT.2", u, p, num=num, den=den)
    # IIT-3 (flow, province, 100%): a few reports still outside the system.
    for p, (num, den) in zip(("Q1/2025", "Q2/2025", "Q3/2025"),
                             ((118, 120), (124, 126), (131, 131)), strict=True):
        f.add("IIT.3", PROVINCE, p, num=num, den=den)
    f.add("IIT.4", PROVINCE, "Q3/2025", value="hoàn thành",
          source=EVIDENCE.format(doc="Báo cáo số 000/BC-UBND ngày 05/10/2025"))
    # IIT-5 (count, stock, >= 130): the latest snapshot is exactly on the threshold.
    for p, n in (("Q1/2025", 96), ("Q2/2025", 118), ("Q3/2025", 130)):
        f.add("IIT.5", PROVINCE, p, value=str(n),
              note="đúng ngưỡng 130 (exactly on the threshold)" if n == 130 else "")
    # IIT-6 (flow, province, 50%): a half-year figure and a quarter.
    f.add("IIT.6", PROVINCE, "6 tháng đầu năm 2025", num=41, den=88)
    f.add("IIT.6", PROVINCE, "Q3/2025", num=27, den=46)


def _pool_exactly(rows: list[dict[str, str]], top: int, bottom: int, why: str) -> None:
    """Adjust the row with the largest denominator so that the rows pool to top/bottom."""
    big = max(rows, key=lambda r: int(r["denominator"]))
    rest = [r for r in rows if r is not big]
    den_rest = sum(int(r["denominator"]) for r in rest)
    num_rest = sum(int(r["numerator"]) for r in rest)
    den_big = int(big["denominator"])
    while (den_rest + den_big) % bottom:
        den_big += 1
    num_big = (den_rest + den_big) * top // bottom - num_rest
    assert 0 <= num_big <= den_big, "cannot pool exactly; change the seed or the ranges"
    big["numerator"], big["denominator"] = str(num_big), str(den_big)
    big["note"] = f"chỉnh để tổng gộp đúng ngưỡng ({why})"


def public_services(f: Figures) -> None:
    # PS-1 (stock, province derived by pooling departments and the new communes) and PS-2
    # (stock, three means). PS-2's eligible procedures are within PS-1's procedures except one
    # deliberate case.
    for u in DEPTS:
        for p in ("Q2/2025", "Q3/2025"):
            procedures = f.rng.randint(60, 190)
            standardised = procedures if p == "Q3/2025" and u.code != "so-xay-dung" else (
                procedures - f.rng.randint(1, 4))
            f.add("PS.1", u, p, num=standardised, den=procedures)
            eligible = procedures - f.rng.randint(5, 30)
            if u.code == "so-y-te" and p == "Q3/2025":
                f.add("PS.2", u, p, num=round(eligible * 0.8), den=procedures + 5,
                      note=DELIBERATE + "số thủ tục đủ điều kiện (PS-2) lớn hơn tổng số thủ "
                      "tục (PS-1) cùng kỳ (PS-2 eligible > PS-1 procedures)")
            elif u.code == "so-tu-phap" and p == "Q3/2025":
                f.add("PS.2", u, p, num=eligible + 3, den=eligible,
                      note=DELIBERATE + "thủ tục trực tuyến toàn trình nhiều hơn thủ tục đủ "
                      "điều kiện (offered fully online > eligible)")
            else:
                f.add("PS.2", u, p, num=round(eligible * f.rate(0.74, 0.97)), den=eligible)
    for i, u in enumerate(DISTRICTS):
        for p in ("Q1/2025", "Q2/2025"):
            f.add("PS.2", u, p, value=percent(f.rate(0.93, 0.995), comma=i % 2 == 0))
    for i, u in enumerate(NEW_COMMUNES):
        procedures = f.rng.randint(95, 120)
        f.add("PS.1", u, "Q3/2025", num=procedures, den=procedures)
        f.add("PS.2", u, "Q3/2025", value=percent(f.rate(0.895, 0.99), comma=i % 3 != 0))
    # PS-3 (flow, province derived by pooling): fully-online dossiers over dossiers of
    # procedures offered fully online, just under 65%.
    for u, p in every(DEPTS, ("Q1/2025", "Q2/2025", "Q3/2025")):
        num, den = f.counts(400, 3000, 0.55, 0.72)
        f.add("PS.3", u, p, num=num, den=den)
    for u, p in every(DISTRICTS, ("Q1/2025", "Q2/2025")):
        num, den = f.counts(800, 2500, 0.52, 0.70)
        f.add("PS.3", u, p, num=num, den=den)
    for u, p in every(NEW_COMMUNES, ("T7/2025", "T8/2025", "T9/2025")):
        if u.code == "phuong-tran-lam" and p == "T8/2025":
            f.add("PS.3", u, p, num=812, den=790,
                  note=DELIBERATE + "hồ sơ trực tuyến toàn trình nhiều hơn hồ sơ của thủ tục "
                  "trực tuyến toàn trình (numerator > denominator)")
            continue
        num, den = f.counts(150, 600, 0.50, 0.70)
        f.add("PS.3", u, p, num=num, den=den)
    # Province-wide figures.
    for p, (num, den) in zip(("Q1/2025", "Q2/2025", "Q3/2025"),
                             ((10412, 11380), (12240, 13101), (14105, 15330)), strict=True):
        f.add("PS.4", PROVINCE, p, num=num, den=den)
    for p, v in (("Q1/2025", "81,0%"), ("Q2/2025", "84.6"), ("Q3/2025", "87,5%")):
        f.add("PS.5", PROVINCE, p, value=v)
    for p in ("Q1/2025", "Q2/2025", "Q3/2025"):
        n = f.rng.randint(20000, 30000)
        f.add("PS.6", PROVINCE, p, num=n, den=n)
    for p in ("Q1/2025", "Q2/2025", "Q3/2025"):
        num, den = f.counts(20000, 30000, 0.92, 0.96)
        f.add("PS.7", PROVINCE, p, num=num, den=den)
    f.add("PS.8", PROVINCE, "Q2/2025", value="55%")
    f.add("PS.8", PROVINCE, "Q3/2025", value="60%",
          note="đúng ngưỡng 60% (exactly on the threshold)")
    # PS-9 (stock, each per level): every portal compliant except one department's.
    for u in DEPTS:
        den = 2 if u.code in ("so-y-te", "so-giao-duc-va-dao-tao") else 1
        num = 0 if u.code == "ban-quan-ly-cac-khu-cong-nghiep" else den
        f.add("PS.9", u, "Q3/2025", num=num, den=den)
    f.add("PS.9", TTTT, "T2/2025", num=1, den=1)
    for u in DISTRICTS:
        f.add("PS.9", u, "Q2/2025", num=1, den=1)
    for u in OLD_COMMUNES:
        f.add("PS.9", u, "Q2/2025", num=1, den=1)
    for u in NEW_COMMUNES:
        f.add("PS.9", u, "Q3/2025", num=1, den=1)


def digital_economy(f: Figures) -> None:
    for p, v in (("Q1/2025", "47,8%"), ("Q2/2025", "49.2"), ("Q3/2025", "50%")):
        f.add("DE.1", PROVINCE, p, value=v,
              note="đúng 50%: 'trên 50%' là chưa đạt (exactly 50%: not more than 50%)"
              if v == "50%" else "")
    f.add("DE.2", PROVINCE, "Q3/2025", num=3, den=3)
    f.add("DE.3", PROVINCE, "Q2/2025", num=1024, den=1410)
    f.add("DE.3", PROVINCE, "Q3/2025", num=1146, den=1500)
    f.add("DE.4", PROVINCE, "Q2/2025", value="48,9%")
    f.add("DE.4", PROVINCE, "Q3/2025", value="52,3%")
    f.add("DE.5", PROVINCE, "Q3/2025", num=14, den=14)
    f.add("DE.6", PROVINCE, "Q2/2025", value="98.7")
    f.add("DE.6", PROVINCE, "Quý 5/2025", value="99,0%",
          note=DELIBERATE + "kỳ báo cáo không đọc được (unparseable period)")
    f.add("DE.6", PROVINCE, "Q3/2025", value="99,2%")
    f.add("DE.7", PROVINCE, "Q2/2025", value="97,4%")
    f.add("DE.7", PROVINCE, "Q3/2025", num=212468, den=212468)
    row = f.add("DE.8", PROVINCE, "Q2/2025", num=38, den=45)
    f.rows.append(dict(row, note=DELIBERATE + "dòng trùng lặp (duplicate row)"))
    f.add("DE.8", PROVINCE, "Q3/2025", num=43, den=45)
    f.add("DE.9", PROVINCE, "Q3/2025", num=1012, den=1012)
    f.add("DE.10", PROVINCE, "Q3/2025", num=187, den=215)


def security_training(f: Figures) -> None:
    # SEC-1 (stock, each per level): one department has a system without its level dossier.
    for u in DEPTS:
        den = f.rng.randint(2, 6)
        f.add("SEC.1", u, "Q3/2025", num=den - 1 if u.code == "so-tai-chinh" else den,
              den=den)
    f.add("SEC.1", TTTT, "T2/2025", num=4, den=4)
    for u in DISTRICTS:
        den = f.rng.randint(1, 3)
        f.add("SEC.1", u, "Q2/2025", num=den, den=den)
    for u in OLD_COMMUNES:
        f.add("SEC.1", u, "Q2/2025", num=1, den=1)
    for u in NEW_COMMUNES:
        f.add("SEC.1", u, "Q3/2025", num=1, den=1)
    f.add("SEC.2", PROVINCE, "Q3/2025", num=5, den=5)
    # SEC-3 (stock, province derived by pooling): cumulative people trained over headcount.
    for u in DEPTS:
        for p, (lo, hi) in (("Q1/2025", (0.08, 0.15)), ("Q2/2025", (0.18, 0.27)),
                            ("Q3/2025", (0.30, 0.42))):
            num, den = f.counts(60, 220, lo, hi)
            f.add("SEC.3", u, p, num=num, den=den)
    for u in NEW_COMMUNES:
        num, den = f.counts(30, 60, 0.25, 0.45)
        f.add("SEC.3", u, "Q3/2025", num=num, den=den)


def write(path: Path, fields: list[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out: Path = HERE) -> None:
    """Write ``entities.csv`` and ``figures.csv`` into ``out`` (default: next to this file)."""
    rng = random.Random(2025)
    figures = Figures(rng)
    infrastructure(figures)
    internal_it(figures)
    public_services(figures)
    digital_economy(figures)
    security_training(figures)
    write(out / "entities.csv", ["code", "name", "level", "groups", "parent", "valid_from",
                                  "valid_to"],
          ({"code": u.code, "name": u.name, "level": u.level, "groups": u.groups,
            "parent": u.parent, "valid_from": u.valid_from, "valid_to": u.valid_to}
           for u in ENTITIES))
    write(out / "figures.csv", FIELDS, figures.rows)


if __name__ == "__main__":
    main()
