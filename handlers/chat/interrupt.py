"""A form's question is not answered by a message that clearly starts something else.

After 华为那单赢了 asks for a reason, 腾讯那单丢了 is a new intent about another customer, not
the reason. Such a message leaves the form (nothing of it saved), is handled as itself, and the
user is told; while the new flow has saved nothing yet, one choice puts the message back as
the answer, so a misjudged leave costs one tap.
"""

from __future__ import annotations

from typing import Any

from handlers.chat.context import Ctx
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.intent import understand
from handlers.services import customers as customer_svc

# Intents that cannot be a field's value; show_customer and advance_deal can (a customer or
# a title with a stage word in it), so they never interrupt.
_NEW = {"deal_won", "deal_lost", "log_visit", "set_reminder", "show_pipeline", "help",
        "edit_field"}  # fmt: skip
_NEEDS_CUSTOMER = {"deal_won", "deal_lost", "log_visit", "edit_field"}
# Free-content answers (what happened, what to remind of) may say anything: never left.
_OPEN_TEXT = {
    "vi.text", "vi.summary", "rm.text", "ae.text", "de.title", "de.reason", "tk.reply", "fe.value"
}  # fmt: skip
# Each form's own kind of sentence is an answer there: a time with 提醒 in rm.when. Not on
# the visit card (vi.confirm): a new visit typed there is the next visit, not an edit.
_OWN = {"vi": "log_visit", "rm": "set_reminder"}
_NOT_OWN = {"vi.confirm"}
BACK = "cv:back"

add_texts(
    {
        "cv.left": (
            "↪️ 刚才的「{form}」还没完成，已先放下，没有保存。",
            "↪️ I've set aside the unfinished {form}; nothing of it was saved.",
        ),
        "cv.btn_back": ("↩️ 不，这句是回答刚才的问题", "↩️ No, that was my answer"),
        "cv.form": ("操作", "step"),
        "cv.form.dl": ("商机", "deal"),
        "cv.form.nc": ("新客户", "new customer"),
        "cv.form.vi": ("拜访记录", "visit"),
        "cv.form.rm": ("提醒", "reminder"),
        "cv.form.cu": ("查客户", "customer search"),
    }
)


async def is_new_intent(ctx: Ctx, text: str) -> bool:
    """True when `text` plainly starts something else than the open form asks for."""
    state = ctx.conv.state or ""
    if state in _OPEN_TEXT:
        return False
    understood = understand(text, ctx.local_now(), ctx.config.default_hour)
    intent = understood.intent
    own = None if state in _NOT_OWN else _OWN.get(state.split(".")[0])
    if intent not in _NEW or intent == own:
        return False
    if intent not in _NEEDS_CUSTOMER:
        return True
    mention = understood.customer_mention
    if not mention:
        return False
    return bool(await customer_svc.search_briefs(ctx.uow, ctx.scope, mention, limit=1))


def set_aside(ctx: Ctx) -> dict[str, Any]:
    """End the open form and return it, so it can be named and put back."""
    data = {k: v for k, v in ctx.conv.data.items() if k != "_choices"}
    left = {"state": ctx.conv.state, "data": data}
    ctx.conv.end()
    return left


def notice(ctx: Ctx, left: dict[str, Any], text: str | None) -> Reply:
    """Say which form was left; offer it back (with `text` as its answer) while the new flow
    is still a question, i.e. has saved nothing."""
    prefix = str(left["state"]).split(".")[0]
    key = f"cv.form.{prefix}"
    form = ctx.t(key if key in _FORM_KEYS else "cv.form")
    if text is None or ctx.conv.state is None:
        return Reply(ctx.t("cv.left", form=form))
    ctx.conv.data["_left"] = {**left, "text": text}
    return Reply(ctx.t("cv.left", form=form), (Choice(ctx.t("cv.btn_back"), BACK),))


def take_back(ctx: Ctx, left: dict[str, Any]) -> str:
    """Reopen the form set aside; the message to answer it with."""
    ctx.conv.end()
    ctx.conv.go(str(left["state"]), **dict(left["data"]))
    return str(left["text"])


# bc: card_scan; ae, de: correcting an activity or a deal
_FORM_KEYS = {f"cv.form.{p}" for p in ("dl", "nc", "vi", "rm", "cu", "bc", "ae", "de")}
