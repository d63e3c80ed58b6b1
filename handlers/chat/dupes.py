"""/dupes (查重): likely duplicate customers, merged with one tap and undone with another."""

from __future__ import annotations

from handlers.chat import paging
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.ops_util import guarded
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.numbers import parse_id
from handlers.services.ops import dedupe as svc
from handlers.services.ops.privacy import visible_phone
from store.models import Customer

add_texts(
    {
        "dup.none": ("没有发现疑似重复的客户。", "No likely duplicates found."),
        "dup.list": (
            "疑似重复的客户（点按合并，可撤销）：",
            "Likely duplicates (tap to merge; undoable):",
        ),
        "dup.line": ("合并 {other} → {keep}（{why}）", "Merge {other} → {keep} ({why})"),
        "dup.why_phone": ("电话相同", "same phone"),
        "dup.who": ("{name}（{extra}）", "{name} ({extra})"),
        "dup.tail": ("尾号{tail}", "…{tail}"),
        "dup.why_email": ("邮箱相同", "same email"),
        "dup.why_name": ("名字相近", "similar name"),
        "dup.merged": (
            "✅ 已把 {other} 合并到 {keep}：活动 {activities} 条、商机 {deals} 个、"
            "提醒 {reminders} 个。",
            "✅ Merged {other} into {keep}: {activities} activities, {deals} deals, "
            "{reminders} reminders moved.",
        ),
        "dup.btn_undo": ("↩️ 撤销合并", "↩️ Undo merge"),
        "dup.confirm": (
            "把 {other}\n合并到 {keep}？\n活动、商机和提醒都会移过去（之后可以撤销）。",
            "Merge {other}\ninto {keep}?\nActivities, deals and reminders move over "
            "(you can undo it later).",
        ),
        "dup.full": ("{title}（负责人 {owner}）", "{title} (owner {owner})"),
        "dup.btn_ok": ("✅ 确认合并", "✅ Merge"),
        "dup.btn_no": ("❌ 取消", "❌ Cancel"),
        "dup.kept": ("好的，没有合并。", "OK, nothing was merged."),
        "dup.undone_ok": (
            "↩️ 已撤销合并，{name} 恢复为独立客户。",
            "↩️ Merge undone; {name} is separate again.",
        ),
        "dup.bad_pair": ("这两个客户不能合并。", "Those two customers can't be merged."),
        "dup.undone": ("这次合并已经撤销过了。", "That merge was already undone."),
        "dup.no_log": ("没有找到这次合并记录。", "No such merge."),
    }
)


async def dupes_command(ctx: Ctx, _args: str) -> list[Reply]:
    """/dupes: pairs among the customers the user may see."""
    return await _dupes_page(ctx, 0)


async def _dupes_page(ctx: Ctx, number: int) -> list[Reply]:
    """A page of pairs; the rest behind ▶ more (dup:pg:<page>)."""
    size = paging.PAGE_SIZE
    found = await svc.find_duplicates(ctx.uow, ctx.scope, limit=(number + 1) * size + 1)
    start = number * size
    page = paging.Page(found[start : start + size], number, size, len(found) > start + size)
    paging.check_not_past_end(page)
    if not page.items:
        return [Reply(ctx.t("dup.none"))]
    choices = []
    owners = {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}
    for pair in page.items:
        keep, other = await _pair(ctx, pair.keep, pair.other)
        why = ctx.t(f"dup.why_{pair.reason}")
        keep_label, other_label = _labels(ctx, keep, other, owners)
        label = ctx.t("dup.line", other=other_label, keep=keep_label, why=why)
        choices.append(Choice(label, f"dup:m:{keep.id}:{other.id}"))
    choices += paging.more(ctx, "dup:pg:", page)
    return [Reply(ctx.t("dup.list"), tuple(choices), private=True)]


def _labels(
    ctx: Ctx, keep: Customer, other: Customer, owners: dict[int, str]
) -> tuple[str, str]:
    """Enough to tell two 张三 apart on a button: company (or phone tail), the owner when the
    owners differ, and the record number when even that reads the same."""
    both_owners = keep.owner_id != other.owner_id
    labels = [_who(ctx, c, owners if both_owners else {}) for c in (keep, other)]
    if labels[0] == labels[1]:
        labels = [f"{label} #{c.id}" for label, c in zip(labels, (keep, other), strict=True)]
    return labels[0], labels[1]


def _who(ctx: Ctx, customer: Customer, owners: dict[int, str]) -> str:
    phone = visible_phone(ctx.user, customer)
    detail = customer.company or (ctx.t("dup.tail", tail=phone[-4:]) if phone else "")
    parts = [x for x in (detail, owners.get(customer.owner_id or 0, "")) if x]
    if not parts:
        return customer.name
    extra = ("，" if ctx.lang == "zh" else ", ").join(parts)
    return ctx.t("dup.who", name=customer.name, extra=extra)


async def _pair(ctx: Ctx, keep_id: int, other_id: int) -> tuple[Customer, Customer]:
    keep = await ctx.uow.customers.get(ctx.scope, keep_id)
    other = await ctx.uow.customers.get(ctx.scope, other_id)
    if keep is None or other is None:
        raise UserError("cu.gone")
    return keep, other


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    if parts[:1] == ["u"]:
        return await _undo(ctx, int_arg(parts, 1))
    if parts[:1] == ["pg"]:
        return await _dupes_page(ctx, paging.page_arg(parts, 1))
    keep, other = await _pair(ctx, int_arg(parts, 1), int_arg(parts, 2))
    if parts[:1] == ["m"]:
        return await _ask(ctx, keep, other)
    if parts[:1] == ["no"]:
        return [Reply(ctx.t("dup.kept"))]
    if parts[:1] != ["ok"]:
        raise UserError("error.stale_button")
    log = await guarded(svc.merge(ctx.uow, ctx.user, keep, other, ctx.now))
    text = ctx.t(
        "dup.merged",
        other=other.name,
        keep=keep.name,
        activities=len(log.moved["activity"]),
        deals=len(log.moved["deal"]),
        reminders=len(log.moved["reminder"]),
    )
    return [Reply(text, (Choice(ctx.t("dup.btn_undo"), f"dup:u:{log.id}"),))]


async def _ask(ctx: Ctx, keep: Customer, other: Customer) -> list[Reply]:
    """Both named in full (title, company, owner): two 张三 must not be merged on a guess."""
    owners = {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}

    def full(c: Customer) -> str:
        return ctx.t("dup.full", title=customer_title(c), owner=owners.get(c.owner_id or 0, "—"))

    text = ctx.t("dup.confirm", other=full(other), keep=full(keep))
    choices = (
        Choice(ctx.t("dup.btn_ok"), f"dup:ok:{keep.id}:{other.id}"),
        Choice(ctx.t("dup.btn_no"), f"dup:no:{keep.id}:{other.id}"),
    )
    return [Reply(text, choices, private=True)]


async def _undo(ctx: Ctx, log_id: int) -> list[Reply]:
    log = await ctx.uow.ops.merge_log(ctx.user.org_id, log_id)
    kept = await ctx.uow.customers.get(ctx.scope, log.kept_id) if log else None
    if log is None or kept is None:
        raise UserError("dup.no_log")
    merged = await guarded(svc.undo(ctx.uow, ctx.user, log, ctx.now))
    return [Reply(ctx.t("dup.undone_ok", name=merged.name))]


async def undo_command(ctx: Ctx, args: str) -> list[Reply]:
    """/undomerge <id>: the id is on the merge's reply and in the audit log."""
    log_id = parse_id(args)
    if log_id is None:
        raise UserError("dup.no_log")
    return await _undo(ctx, log_id)


def register(routes: Routes) -> None:
    routes.command(dupes_command, "/dupes", "查重")
    routes.command(undo_command, "/undomerge", "撤销合并", prefix=("撤销合并",))
    routes.payloads["dup"] = on_payload
