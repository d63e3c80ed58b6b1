"""A realistic demo company, seeded through the services so audit rows and history are real."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.demo_views import seed_views
from handlers.services import activities, customers, deals, org, reminders
from handlers.services.audit import record, snapshot
from store.models import Customer, Identity, User
from store.uow import UnitOfWork

ORG_NAME = "演示科技有限公司 (Demo Co.)"
TEAM_NAME = "华东销售一组"
SH, NY = "Asia/Shanghai", "America/New_York"
# (key, name, role, lang, tz); keys become identity external_id and chat_id "demo-<key>"
PEOPLE = (
    ("admin", "Admin 管理员", "admin", "zh", SH),
    ("manager", "王经理", "manager", "zh", SH),
    ("rep1", "李娜", "rep", "zh", SH),
    ("rep2", "张伟", "rep", "zh", SH),
    ("rep3", "Emily Chen", "rep", "en", NY),
)
# rep index | name | company | title | industry
CUSTOMERS = """\
0|张三|华为技术有限公司|采购经理|通信
0|张总|腾讯科技|副总裁|互联网
0|欧阳娜娜|白驼山庄贸易|总经理|贸易
0|王芳|阿里巴巴|IT总监|电商
0|刘洋|比亚迪汽车|供应链主管|汽车
0|陈静|招商银行|科技部经理|金融
0|赵磊|美的集团|信息化负责人|家电
0|孙丽|申通物流|运营总监|物流
0|周杰|顺丰速运|区域经理|物流
0|吴敏|复星医药|采购总监|医药
1|李强|京东集团|技术总监|电商
1|黄晓明|小米科技|产品经理|电子
1|郑秀英|中国平安|数字化主管|保险
1|马超|海尔智家|采购经理|家电
1|何静|携程旅行|IT经理|旅游
1|高峰|联想集团|渠道总监|电子
1|林涛|宁德时代|设备部经理|新能源
1|罗琳|万科企业|行政总监|地产
1|梁思远|蔚来汽车|采购主管|汽车
1|谢婷|网易|运营经理|互联网
2|Li Wei|Acme Corp|CTO|Manufacturing
2|John Smith|Globex|Procurement Manager|Energy
2|Sarah Johnson|Initech|IT Director|Software
2|Michael Brown|Umbrella Trading|COO|Trade
2|David Lee|Stark Industries|VP Engineering|Manufacturing
2|Jessica Wang|Wayne Enterprises|Finance Director|Conglomerate
2|Robert Zhang|Hooli|Head of Operations|Internet
2|Anna Müller|Siemens China|Purchasing Lead|Industrial
2|Kevin Liu|Tesla Shanghai|Supply Chain Manager|Automotive
2|Emma Davis|Contoso Ltd|CIO|Software"""
# lang, then per line: what | variants...
TEXTS = {
    "zh": """\
visit|拜访{c}，和{n}当面过了一遍需求|去{c}现场演示产品，{n}很感兴趣
call|给{n}打电话确认预算，下周再跟进|电话沟通报价细节，{n}要内部讨论
message|微信发了产品资料给{n}|微信跟{n}确认了下次见面时间
meeting|和{c}团队开会讨论实施方案|与{n}及采购部开会谈合同条款
notes|喜欢喝普洱茶，下午三点后方便沟通|决策链长，需要先搞定技术部|对价格敏感，年底预算充足
source|转介绍|展会|官网|老客户
deal|{c}年度采购|{c}信息化升级项目|{c}数字化平台二期
won|价格和服务都有优势，客户已签约
lost|预算被砍，客户选择了竞品
today|给{n}回电话确认报价|下午去{c}送合同|准备{c}的方案演示
overdue|发{n}产品资料|催{c}回款
soon|跟进{n}的试用反馈|约{n}吃饭聊二期|{c}季度回访
custom|提交本周销售周报""",
    "en": """\
visit|Visited {c} and walked {n} through the demo|On-site at {c}: reviewed needs with {n}
call|Called {n} about budget; follow up next week|Phone call with {n} on pricing details
message|Sent {n} the product deck|Messaged {n} to confirm the next meeting
meeting|Meeting with the {c} team on the rollout plan|Contract terms call with {n} and procurement
notes|Prefers email over calls|Plays golf on weekends; the decision maker|Wants a pilot first
source|Referral|Trade show|Website|Inbound
deal|{c} annual license|{c} pilot rollout|{c} platform upgrade
won|Signed after a successful pilot
lost|Lost to a cheaper competitor
today|Call {n} back about the quote|Send the contract to {c}|Prepare the {c} demo
overdue|Send {n} the case studies|Chase {c} for the invoice
soon|Follow up on {n}'s trial feedback|Lunch with {n} about phase two|Check in with {c}
custom|Submit the weekly sales report""",
}
TEXT = {
    lang: {k: tuple(v) for k, *v in (line.split("|") for line in body.splitlines())}
    for lang, body in TEXTS.items()
}
# reminders per rep: (texts, days from today, hour, minute, index of the rep's customer or -1)
REMINDERS = (
    ("today", 0, 11, 0, 0), ("today", 0, 14, 30, 1), ("today", 0, 17, 0, 2),
    ("overdue", -1, 10, 0, 3), ("overdue", -3, 10, 0, 4), ("soon", 2, 9, 30, 5),
    ("soon", 5, 11, 30, 6), ("soon", 9, 15, 0, 7), ("custom", 4, 17, 0, -1),
)  # fmt: skip
# every pipeline stage at least once, plus a few more so the board looks lived-in
DEAL_STAGES = (*(s[0] for s in org.DEFAULT_PIPELINE), "proposal", "won", "needs", "commit")
PROFILE = ("tier", "birthday", "birthday_lunar", "care_consent")
OPEN_KEYS = tuple(s[0] for s in org.DEFAULT_PIPELINE if s[4] == "open")


@dataclass(frozen=True)
class DemoIds:
    org_id: int
    team_id: int
    manager_id: int
    rep_ids: tuple[int, ...]
    admin_id: int


async def demo_ids(uow: UnitOfWork) -> DemoIds | None:
    """The already-seeded demo org's ids, if there is one."""
    for row in await uow.users.orgs():
        if (row.settings or {}).get("demo") is True:
            users = await uow.users.in_org(row.id)
            teams = await uow.users.teams(row.id)
            ids = {r: [u.id for u in users if u.role == r] for r in org.ROLES}
            team_id, reps = teams[0].id, tuple(ids["rep"])
            return DemoIds(row.id, team_id, ids["manager"][0], reps, ids["admin"][0])
    return None


async def seed_demo(
    uow: UnitOfWork, now: datetime, channel: str = "console", rng_seed: int = 7
) -> DemoIds:
    """Create the demo org (once); the caller commits."""
    existing = await demo_ids(uow)
    if existing is not None:
        return existing
    rng = random.Random(rng_seed)
    company = await org.create_org(uow, ORG_NAME, now - timedelta(days=120))
    company.settings = {"demo": True}
    team = await org.create_team(uow, company.id, TEAM_NAME, now - timedelta(days=120))
    users = [await _add_user(uow, company.id, team.id, p, channel, now) for p in PEOPLE]
    reps = users[2:]
    phones = _phones(rng, len(_rows()))
    clients = [await _customer(uow, reps, i, p, rng, now) for i, p in enumerate(phones)]
    for client in clients:
        await _activities(uow, _owner(reps, client), client, rng, now)
    for i, stage in enumerate(DEAL_STAGES):
        client = clients[(i * 7) % len(clients)]
        await _deal(uow, _owner(reps, client), client, stage, rng, now)
    for rep in reps:
        await _reminders(uow, rep, [c for c in clients if c.owner_id == rep.id], now)
    await seed_views(uow, reps, now)  # payment plans, a ticket, a score (#22)
    await uow.session.flush()
    return DemoIds(company.id, team.id, users[1].id, tuple(r.id for r in reps), users[0].id)


def _rows() -> list[list[str]]:
    return [line.split("|") for line in CUSTOMERS.splitlines()]


def _owner(reps: list[User], client: Customer) -> User:
    return next(r for r in reps if r.id == client.owner_id)


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def _at(day: date, hour: int, minute: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(tz)).astimezone(UTC)


async def _add_user(
    uow: UnitOfWork,
    org_id: int,
    team_id: int,
    person: tuple[str, ...],
    channel: str,
    now: datetime,
) -> User:
    key, name, role, lang, tz = person
    user = User(
        org_id=org_id,
        team_id=None if role == "admin" else team_id,
        name=name,
        role=role,
        lang=lang,
        tz=tz,
        active=True,
        created_at=now - timedelta(days=120),
    )
    await uow.users.add(user)
    ext = f"demo-{key}"
    await uow.users.add(Identity(user_id=user.id, channel=channel, external_id=ext, chat_id=ext))
    return user


def _phones(rng: random.Random, count: int) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        found[f"139{rng.randrange(10**8):08d}"] = None
    return list(found)


async def _customer(
    uow: UnitOfWork, reps: list[User], i: int, phone: str, rng: random.Random, now: datetime
) -> Customer:
    rep_ix, name, firm, title, industry = _rows()[i]
    rep = reps[int(rep_ix)]
    text = TEXT[rep.lang]
    extra = {"title": title, "industry": industry, "source": rng.choice(text["source"])}
    if i % 3 == 0:
        extra["notes"] = text["notes"][(i // 3) % len(text["notes"])]
    new = customers.NewCustomer(name=name, phone=phone, company=firm, extra=extra)
    created = now - timedelta(days=rng.randint(62, 110))
    client = await customers.create(uow, rep, new, created)
    await _profile(uow, rep, client, (i, rng), now)
    return client


async def _profile(
    uow: UnitOfWork, rep: User, client: Customer, nth: tuple[int, random.Random], now: datetime
) -> None:
    """Tier, birthday and consent: NewCustomer.extra cannot carry them (see the report)."""
    i, rng = nth
    before = snapshot(client, PROFILE)
    client.tier = rng.choices("ABC", weights=(2, 3, 5))[0]
    client.care_consent = i % 2 == 0
    if i == 4:  # a birthday coming up, for the care reminders
        soon = _local(now, SH).date() + timedelta(days=5)
        client.birthday = date(1984, soon.month, soon.day)
    elif i % 4 == 0:
        client.birthday = date(rng.randint(1965, 1992), rng.randint(1, 12), rng.randint(1, 28))
        client.birthday_lunar = i == 0
    after = snapshot(client, PROFILE)
    at = client.created_at
    await record(uow, rep, "customer.update", ("customer", client.id), at, before, after)


async def _activities(
    uow: UnitOfWork, rep: User, client: Customer, rng: random.Random, now: datetime
) -> None:
    today = _local(now, rep.tz).date()
    for days_ago in sorted(rng.sample(range(1, 59), rng.randint(2, 6)), reverse=True):
        kind = rng.choice(activities.KINDS)
        summary = rng.choice(TEXT[rep.lang][kind]).format(c=client.company, n=client.name)
        at = _at(today - timedelta(days=days_ago), rng.randint(9, 18), rng.choice((0, 30)), rep.tz)
        where = client.company if kind == "visit" else None
        new = activities.NewActivity(kind=kind, happened_at=at, summary=summary, location=where)
        await activities.log(uow, rep, client, new, at)


def _path(stage: str, rng: random.Random) -> list[str]:
    if stage == "won":
        return [*OPEN_KEYS, "won"]
    if stage == "lost":
        return [*OPEN_KEYS[: rng.randint(2, 5)], "lost"]
    return list(OPEN_KEYS[: OPEN_KEYS.index(stage) + 1])


async def _deal(
    uow: UnitOfWork, rep: User, client: Customer, stage: str, rng: random.Random, now: datetime
) -> None:
    text = TEXT[rep.lang]
    usd = rep.lang == "en"
    amount = Decimal(rng.randrange(5, 80) * 1000 if usd else rng.randrange(5, 200) * 10000)
    path = _path(stage, rng)
    end = now - timedelta(days=rng.randint(1, 12), hours=rng.randint(1, 8))  # the last move
    start = end - timedelta(days=rng.randint(10, 40)) if len(path) > 1 else end
    step = (end - start) / max(len(path) - 1, 1)
    close = end.date() if stage in ("won", "lost") else None
    title = rng.choice(text["deal"]).format(c=client.company)
    new = deals.NewDeal(
        title=title,
        amount=amount,
        currency="USD" if usd else "CNY",
        expected_close=close or now.date() + timedelta(days=rng.randint(7, 90)),
    )
    deal = await deals.create(uow, rep, client, new, path[0], start)
    for n, key in enumerate(path[1:], start=1):
        reason = text[key][0] if key in ("won", "lost") else None
        await deals.move(uow, rep, deal, key, start + step * n, reason)


async def _reminders(uow: UnitOfWork, rep: User, mine: list[Customer], now: datetime) -> None:
    local = _local(now, rep.tz)
    last = local.replace(hour=23, minute=50, second=0, microsecond=0).astimezone(UTC)
    used: dict[str, int] = {}
    for slot, days, hour, minute, ix in REMINDERS:
        n = used[slot] = used.get(slot, -1) + 1
        due = _at(local.date() + timedelta(days=days), hour, minute, rep.tz)
        if slot == "today":  # still ahead when the demo starts late in the day
            due = min(max(due, now + timedelta(minutes=20 * (n + 1))), last)
        client = mine[ix] if ix >= 0 else None
        line = TEXT[rep.lang][slot][n]
        body = line if client is None else line.format(c=client.company, n=client.name)
        created = min(due, now) - timedelta(days=2)
        cid, kind = (None, "custom") if client is None else (client.id, "follow_up")
        await reminders.create(uow, rep, due, body, created, customer_id=cid, kind=kind)
