"""What customers read on the desk and what their rep is told, in Chinese and English."""

from __future__ import annotations

from handlers.i18n import add_texts

add_texts(
    {
        "desk.welcome": (
            "您好，欢迎关注！有任何需要，直接在这里留言，我们的顾问会尽快联系您。\n"
            "我们想在节日、生日等时候给您发送关怀消息，可以吗？",
            "Hello and welcome! Leave us a message here any time and your adviser will get "
            "back to you soon.\nMay we send you the occasional greeting on holidays and your "
            "birthday?",
        ),
        "desk.consent_yes": ("同意", "Yes, please"),
        "desk.pick_range": ("请回复 1–{n} 之间的数字。", "Please reply a number from 1 to {n}."),
        "desk.voice": (
            "🎤 抱歉，这条语音没能识别出文字。请打字告诉我们您的需要。",
            "🎤 Sorry, we couldn't make out that voice message. Please type what you need.",
        ),
        "desk.just_number": (
            "收到。如果需要帮助，请直接写下您的问题，我们会转给顾问。",
            "Got it. If you need help, write your question here and we'll pass it on.",
        ),
        "desk.consent_no": ("不用了", "No, thanks"),
        "desk.feedback_thanks": (
            "谢谢您的评价！我们会认真参考。",
            "Thank you for your rating! It helps us do better.",
        ),
        "desk.consented": (
            "谢谢！随时回复「退订」即可停止接收关怀消息。",
            'Thank you! Reply "TD" or "unsubscribe" at any time to stop them.',
        ),
        "desk.declined": (
            "好的，我们不会给您发送关怀消息。有需要随时留言。",
            "All right, we won't send you greetings. Message us whenever you need us.",
        ),
        "desk.opted_out": (
            "已退订，我们不会再给您发送关怀消息。回复「同意」可重新订阅。",
            'Unsubscribed: you will get no more greetings from us. Reply "yes" to opt back in.',
        ),
        "desk.ticket": (
            "已收到您的留言（编号 {id}），已转给{who}，会尽快联系您。",
            "We've got your message (no. {id}) and passed it to {who}, who will be in touch soon.",
        ),
        "desk.ticket_more": (
            "已补充到您的留言（编号 {id}）。",
            "Added to your earlier message (no. {id}).",
        ),
        "desk.your_adviser": ("您的专属顾问", "your adviser"),
        "desk.our_team": ("我们的客服团队", "our team"),
        "desk.callback": (
            "好的，已安排人工服务（编号 {id}），{who}会尽快给您回电。",
            "Sure, we've asked for a call back (no. {id}); {who} will phone you shortly.",
        ),
        "desk.bound": (
            "绑定成功，{name}，您好！以后留言会直接转给您的专属顾问。",
            "You're linked, {name}! Your messages now go straight to your adviser.",
        ),
        "desk.bad_code": (
            "这个绑定码无效或已过期，请向您的顾问重新索取。",
            "That link code is not valid or has expired; ask your adviser for a new one.",
        ),
        "desk.phone_need_code": (
            "为保护您的资料，手机号不能直接绑定。请向您的专属顾问索取绑定码，"
            "然后发送：绑定 绑定码",
            "To protect your details, a phone number cannot link your account. Ask your "
            "adviser for a link code, then send: bind CODE",
        ),
        "desk.bind_later": (
            "尝试次数过多，请一小时后再试，或直接留言。",
            "Too many attempts; please try again in an hour, or just leave a message.",
        ),
        "desk.n_ticket": (
            "📮 客户{customer}发来{kind}（工单 #{id}，请在 {due} 前处理）：\n{text}",
            "📮 {customer} sent a {kind} (ticket #{id}, due {due}):\n{text}",
        ),
        "desk.n_callback": (
            "📞 客户{customer}请求人工回电（工单 #{id}，请在 {due} 前回电）。",
            "📞 {customer} asked for a call back (ticket #{id}, call by {due}).",
        ),
        "desk.n_phone_claim": (
            "🔗 公众号上有人发来客户{customer}的手机号，想绑定该客户。如确是本人，请用 /bind "
            "生成绑定码发给本人；否则无需处理。",
            "🔗 Someone on the Official Account sent {customer}'s phone number to be linked to "
            "that record. If it is really them, make a code with /bind and send it to them; "
            "otherwise ignore this.",
        ),
        "desk.n_handoff": (
            "✉️ 无法通过公众号发给客户{customer}（{why}），请亲自转达：\n{text}",
            "✉️ Couldn't reach {customer} on the Official Account ({why}); please pass it on:\n"
            "{text}",
        ),
        "desk.r_ticket": ("处理客户{customer}的工单 #{id}", "Handle {customer}'s ticket #{id}"),
        "desk.r_handoff": ("联系客户{customer}：{text}", "Contact {customer}: {text}"),
        "desk.unknown_customer": ("（未绑定的公众号用户）", "An unlinked Official Account user"),
        "desk.kind.complaint": ("投诉", "complaint"),
        "desk.kind.request": ("服务请求", "service request"),
        "desk.kind.callback": ("回电请求", "call-back request"),
    }
)
