"""Admin commands. Every one checks the role on the server side."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.common import answer_button, show
from bot.i18n import Html
from bot.ui import keyboards

Handler = Callable[[Update, BotContext], Awaitable[None]]
MAX_PROBLEMS_SHOWN = 15


def admin_only(handler: Handler) -> Handler:
    """Refuse, in the user's language, anyone who is not an admin (ADMIN_IDS or role)."""
    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if not context.accounts.is_admin(context.user, update.effective_user.id):
            if update.callback_query is not None:
                await answer_button(update, context.t.label("This is for administrators only."),
                                    alert=True)
            else:
                await show(update, context, context.t._("This is for administrators only."),
                           keyboards.back_to_menu(context.t), edit=False)
            return
        await handler(update, context)
    return guarded


@admin_only
async def reload_content(update: Update, context: BotContext) -> None:
    """Reload content/ and its translations; on invalid content keep serving the last valid."""
    t = context.t
    served, problems = context.services.content.reload()
    if served is None:
        shown = "\n".join(html.escape(str(p)) for p in problems[:MAX_PROBLEMS_SHOWN])
        text = t.ngettext(
            "<b>Content not reloaded</b>: {n} problem. The bot keeps serving the previous "
            "content.\n<code>{problems}</code>",
            "<b>Content not reloaded</b>: {n} problems. The bot keeps serving the previous "
            "content.\n<code>{problems}</code>", len(problems), problems=Html(shown))
        await show(update, context, text, keyboards.back_to_menu(t), edit=False)
        return
    course = served.course
    await show(update, context, t._(
        "<b>Content reloaded.</b> Modules: {modules}. Lessons: {lessons}. Quiz items: "
        "{items}. Reference cards: {cards}.", modules=len(course.modules),
        lessons=len(course.lessons), items=len(course.quiz_items),
        cards=len(course.reference)), keyboards.back_to_menu(t), edit=False)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("reload", reload_content, filters=filters.ChatType.PRIVATE))
