"""A customer's 1–5 satisfaction answer reaches the rep who owns them, as a notice."""

from __future__ import annotations

from datetime import datetime

from handlers.desk.config import DeskConfig
from handlers.desk.notify import notify_user
from handlers.desk.tickets import assignee_for, customer_label
from handlers.i18n import add_texts, t
from handlers.messages import Choice, Reply
from store.models import Feedback
from store.uow import UnitOfWork

add_texts(
    {
        "desk.n_feedback": (
            "⭐ {customer} 给「{deal}」的满意度评分：{score}/5{low}",
            "⭐ {customer} rated “{deal}” {score}/5{low}",
        ),
        "desk.n_feedback_low": ("。分数偏低，建议尽快回访。", ". That's low: worth a call soon."),
        "desk.btn_customer": ("👤 查看 {name}", "👤 Open {name}"),
    }
)


async def tell_owner(
    uow: UnitOfWork, config: DeskConfig, feedback: Feedback, now: datetime
) -> bool:
    """Queue the score to the owner (or who takes the customer's requests); False if nobody."""
    customer = await uow.desk.customer(feedback.customer_id)
    user = await assignee_for(uow, feedback.org_id, customer)
    if user is None or customer is None:
        return False
    deal = await uow.deals.of_customer(feedback.deal_id, customer.id) if feedback.deal_id else None
    low = t(user.lang, "desk.n_feedback_low") if feedback.score <= 2 else ""
    text = t(
        user.lang,
        "desk.n_feedback",
        customer=customer_label(customer, user.lang),
        deal=deal.title if deal else "—",
        score=feedback.score,
        low=low,
    )
    button = Choice(
        t(user.lang, "desk.btn_customer", name=customer.name), f"cu:show:{customer.id}"
    )
    notice = Reply(text, (button,), private=True)
    key = f"feedback:{feedback.id}"
    return await notify_user(uow, user, notice, key, now, config.notify_channels)
