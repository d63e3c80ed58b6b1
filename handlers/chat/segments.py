"""/segment (分群): customers by segment — "A类 30天未联系", "dormant B customers" — and the
one-line segment summary a profile card can show."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.chat import paging
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError
from handlers.chat.ops_util import phone_for
from handlers.chat.router import clean_text
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.numbers import parse_id
from handlers.services.ops.segments import parse_query
from store.repos.ops_lists import SegmentFilter

LIFECYCLES = ("prospect", "customer", "loyal", "advocate", "dormant", "lost")
VALUE_CLASSES = ("value", "potential", "migrating", "frozen")

add_texts(
    {
        "seg.usage": (
            "按分群查客户，例如：A类 30天未联系、沉睡 B类、价值客户。",
            'Find customers by segment, e.g. "A 30 days", "dormant B customers", "value".',
        ),
        "seg.summary": (
            "📊 分群概况：ABC {abc}；生命周期 {life}；价值 {value}",
            "📊 Segments: ABC {abc}; lifecycle {life}; value {value}",
        ),
        "seg.none": ("没有符合条件的客户。", "No customers match."),
        "seg.found": (
            "找到 {n} 位客户（最久未联系的在前）：",
            "Customers matching: {n} (longest quiet first):",
        ),
        "seg.line": (
            "• {title} · {phone} · {seg} · {last}",
            "• {title} · {phone} · {seg} · {last}",
        ),
        "seg.never": ("从未联系", "never contacted"),
        "seg.profile": (
            "🏷 {abc}类 · RFM {rfm} · {value} · {life}",
            "🏷 Class {abc} · RFM {rfm} · {value} · {life}",
        ),
        "life.prospect": ("潜在客户", "prospect"),
        "life.customer": ("成交客户", "customer"),
        "life.loyal": ("忠诚客户", "loyal"),
        "life.advocate": ("推荐者", "advocate"),
        "life.dormant": ("沉睡客户", "dormant"),
        "life.lost": ("流失客户", "lost"),
        "value.value": ("价值客户", "high value"),
        "value.potential": ("潜力客户", "potential"),
        "value.migrating": ("迁移客户", "slipping away"),
        "value.frozen": ("冰点客户", "frozen"),
    }
)


async def segment_command(ctx: Ctx, args: str) -> list[Reply]:
    """/segment <words>: a filtered list; without words, the counts per segment."""
    wanted = parse_query(args, ctx.now) if args.strip() else None
    if wanted is None:
        return [Reply(await _summary(ctx) if not args.strip() else ctx.t("seg.usage"))]
    return await _segment_page(ctx, wanted, 0)


async def _segment_page(ctx: Ctx, wanted: SegmentFilter, number: int) -> list[Reply]:
    """A page of the matches; the filter itself rides in the ▶ more button (seg:…)."""
    size = paging.PAGE_SIZE
    total, customers = await ctx.uow.ops.segment_customers(
        ctx.scope, wanted, size + 1, number * size
    )
    page = paging.Page(customers[:size], number, size, len(customers) > size, total)
    paging.check_not_past_end(page)
    if not total:
        return [Reply(ctx.t("seg.none"))]
    lines = [ctx.t("seg.found", n=total) + paging.position(ctx, page)]
    for c in page.items:
        last = ctx.when(c.last_contact_at, False) if c.last_contact_at else ctx.t("seg.never")
        seg = f"{c.segment_abc or '-'}/{c.rfm or '---'}"
        title = customer_title(c)
        lines.append(ctx.t("seg.line", title=title, phone=phone_for(ctx, c), seg=seg, last=last))
    choices = [Choice(c.name, f"cu:show:{c.id}") for c in page.items]
    choices += paging.more(ctx, _filter_payload(wanted), page)
    return [Reply("\n".join(lines), tuple(choices), private=True)]


def _filter_payload(wanted: SegmentFilter) -> str:
    since = str(int(wanted.quiet_since.timestamp())) if wanted.quiet_since else "-"
    parts = (wanted.abc, wanted.lifecycle, wanted.value_class)
    return "seg:" + ":".join(p or "-" for p in parts) + f":{since}:"


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """seg:<abc>:<lifecycle>:<value>:<quiet since, unix seconds>:<page>, "-" for none."""
    if len(parts) != 5:
        raise UserError("error.stale_button")
    abc, life, value, since = (None if p == "-" else p for p in parts[:4])
    seconds = parse_id(since) if since is not None else None
    if (
        (abc is not None and abc not in ("A", "B", "C"))
        or (life is not None and life not in LIFECYCLES)
        or (value is not None and value not in VALUE_CLASSES)
        or (since is not None and (seconds is None or seconds > 10**10))
    ):
        raise UserError("error.stale_button")
    quiet = datetime.fromtimestamp(seconds, UTC) if seconds is not None else None
    wanted = SegmentFilter(abc=abc, lifecycle=life, value_class=value, quiet_since=quiet)
    return await _segment_page(ctx, wanted, paging.page_arg(parts, 4))


async def _summary(ctx: Ctx) -> str:
    counts = await ctx.uow.ops.segment_counts(ctx.scope)

    def joined(name: str, prefix: str | None) -> str:
        items = counts.get(name, {})
        return (
            " ".join(
                f"{ctx.t(f'{prefix}.{k}') if prefix else k}:{n}" for k, n in sorted(items.items())
            )
            or "—"
        )

    return ctx.t(
        "seg.summary",
        abc=joined("segment_abc", None),
        life=joined("lifecycle", "life"),
        value=joined("value_class", "value"),
    )


async def segment_words(ctx: Ctx, _args: str) -> list[Reply]:
    """A类… / dormant …: the command word is itself part of the query."""
    return await segment_command(ctx, clean_text(ctx.msg.text))


def register(routes: Routes) -> None:
    routes.command(segment_command, "/segment", "分群", prefix=("分群",))
    routes.payloads["seg"] = on_payload
    routes.command(segment_words, prefix=("A类", "B类", "C类", "沉睡", "dormant", "价值客户",
                                          "潜力客户", "迁移客户", "冰点客户"))  # fmt: skip
