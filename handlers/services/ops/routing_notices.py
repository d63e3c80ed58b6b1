"""What a rep is told when lead routing gives them a new customer: who, and how to reach them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from handlers.i18n import add_texts, t
from handlers.messages import Choice, Reply
from store.models import Customer, User

add_texts(
    {
        "route.one": (
            "🆕 新线索分配给你：{who}。建议尽快联系。",
            "🆕 A new lead was routed to you: {who}. Best to reach out soon.",
        ),
        "route.many": (
            "🆕 {n} 条新线索分配给你：\n{lines}",
            "🆕 {n} new leads were routed to you:\n{lines}",
        ),
        "route.btn_open": ("👤 {name}", "👤 {name}"),
        "route.btn_visit": ("📝 记录联系", "📝 Log contact"),
    }
)

MAX_BUTTONS = 8  # more leads than that: the names are listed and /mine has them all


def routed_to_you(routed: Sequence[tuple[User, Customer]]) -> list[tuple[int, Reply, str]]:
    """One message per rep (for the outbox), naming each lead, with a button to open it."""
    by_rep: dict[int, list[Customer]] = defaultdict(list)
    reps: dict[int, User] = {}
    for rep, lead in routed:
        by_rep[rep.id].append(lead)
        reps[rep.id] = rep
    return [
        (rep_id, _notice(reps[rep_id], leads), f"route:{rep_id}:{leads[0].id}:{leads[-1].id}")
        for rep_id, leads in by_rep.items()
    ]


def _who(lead: Customer) -> str:
    return " · ".join(part for part in (lead.name, lead.company, lead.phone) if part)


def _notice(rep: User, leads: list[Customer]) -> Reply:
    lang = rep.lang
    if len(leads) == 1:
        lead = leads[0]
        choices: tuple[Choice, ...] = (
            Choice(t(lang, "route.btn_open", name=lead.name), f"cu:show:{lead.id}"),
            Choice(t(lang, "route.btn_visit"), f"vi:for:{lead.id}"),
        )
        return Reply(t(lang, "route.one", who=_who(lead)), choices, private=True)
    lines = "\n".join(f"• {_who(lead)}" for lead in leads)
    choices = tuple(
        Choice(t(lang, "route.btn_open", name=lead.name), f"cu:show:{lead.id}")
        for lead in leads[:MAX_BUTTONS]
    )
    return Reply(t(lang, "route.many", n=len(leads), lines=lines), choices, private=True)
