"""Deterministic, fake e-application records (names and addresses are invented).

Every municipality gets the same kinds of records the real shared 電子申請 systems hold,
seeded by its code so tests and the demo see the same data on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PROCEDURES = (
    "児童手当 現況届",
    "保育施設等の利用申込",
    "妊娠の届出",
    "要介護・要支援認定の申請",
    "罹災証明書の発行申請",
    "施設予約",
)
STATUSES = ("受付済", "審査中", "完了", "差戻し")
SURNAMES = ("山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "山本", "松本", "井上", "木村",
            "林", "斎藤", "清水", "山口", "森", "池田", "橋本", "阿部", "石川", "藤井", "岡田", "村上", "西村", "福田", "河野")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣", "大輝", "さくら", "蓮", "葵", "悠真", "凛", "湊", "芽依",
         "誠", "由美", "浩二", "恵子", "直樹", "舞", "拓也", "優子")
TOWNS = ("中央", "本町", "駅前", "旭町", "緑町", "大手町", "新町", "東町", "西町", "南町", "北町", "桜ヶ丘", "山手", "港町")
NOTES = ("", "", "", "", "書類は郵送します", "平日の日中に連絡希望", "添付書類:\n・本人確認書類\n・委任状", "「至急」と記載あり")


@dataclass(frozen=True)
class Application:
    receipt_no: str
    received_at: datetime
    procedure: str
    name: str
    address: str
    phone: str
    status: str
    note: str


def applications_for(code: str, name: str, *, start: date = date(2026, 4, 1), end: date = date(2026, 11, 20)) -> list[Application]:
    """All demo applications of one municipality, sorted by reception time."""
    rng = random.Random(int(code))
    count = 40 + int(code) % 7 * 23 + rng.randint(0, 30)
    span = (end - start).days
    out = []
    for _ in range(count):
        t = datetime.combine(start + timedelta(days=rng.randint(0, span)), datetime.min.time()) + timedelta(
            seconds=rng.randint(8 * 3600, 20 * 3600))
        proc = PROCEDURES[min(int(rng.expovariate(0.6)), len(PROCEDURES) - 1)]
        person = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        addr = f"山口県{name}{rng.choice(TOWNS)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        phone = f"0{rng.choice(['83', '836', '834', '820', '838'])}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
        out.append(Application("", t, proc, person, addr, phone, rng.choice(STATUSES), rng.choice(NOTES)))
    out.sort(key=lambda a: a.received_at)
    return [Application(f"{code}-{a.received_at:%Y%m%d}-{i + 1:05d}", *_rest(a)) for i, a in enumerate(out)]


def _rest(a: Application) -> tuple:
    return (a.received_at, a.procedure, a.name, a.address, a.phone, a.status, a.note)
