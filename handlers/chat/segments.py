"""/segment (分群): customers by segment — "A类 30天未联系", "dormant B customers" — and the
one-line segment summary a profile card can show."""

from __future__ import annotations

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx
from handlers.chat.ops_util import phone_for
from handlers.chat.router import clean_text
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services.ops.segments import parse_query

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
            "{n} customers match (longest quiet first):",
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
    total, customers = await ctx.uow.ops.segment_customers(ctx.scope, wanted)
    if not total:
        return [Reply(ctx.t("seg.none"))]
    lines = [ctx.t("seg.found", n=total)]
    for c in customers:
        last = ctx.when(c.last_contact_at, False) if c.last_contact_at else ctx.t("seg.never")
        seg = f"{c.segment_abc or '-'}/{c.rfm or '---'}"
        title = customer_title(c)
        lines.append(ctx.t("seg.line", title=title, phone=phone_for(ctx, c), seg=seg, last=last))
    choices = tuple(Choice(c.name, f"cu:show:{c.id}") for c in customers[:8])
    return [Reply("\n".join(lines), choices, private=True)]


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
    routes.command(segment_words, prefix=("A类", "B类", "C类", "沉睡", "dormant", "价值客户",
                                          "潜力客户", "迁移客户", "冰点客户"))  # fmt: skip
