"""/about: what the course is and is not, which languages are machine drafts, who reviewed it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.common import Page, show
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.services.course_status import CourseStatus, LanguageStatus, Translation, course_status
from bot.ui import keyboards


def _language_line(t: Translator, status: LanguageStatus) -> str:
    language = LANGUAGE_NAMES.get(status.locale, status.locale)
    share = t.percent(status.share)
    if status.translation is Translation.SOURCE:
        return t._("• {language}: the original text", language=language)
    if status.translation is Translation.REVIEWED:
        return t._("• {language}: translated and reviewed", language=language)
    if status.translation is Translation.DRAFT:
        return t._("• {language}: machine translation, not yet reviewed by a native speaker",
                   language=language)
    if status.translation is Translation.PARTIAL_DRAFT:
        return t._("• {language}: {share} translated by machine, not yet reviewed; the rest is "
                   "shown in English", language=language, share=share)
    if status.translation is Translation.PARTIAL:
        return t._("• {language}: {share} translated and reviewed; the rest is shown in "
                   "English", language=language, share=share)
    return t._("• {language}: not yet translated; the course is shown in English",
               language=language)


def about_text(context: BotContext, status: CourseStatus) -> str:
    t = context.t
    page = Page(context)
    lines = [t._(
        "<b>About this course</b>\n"
        "This bot helps you keep what you learned on your course on policing and public "
        "health. It is an aid to your training, not medical or legal advice. A medical "
        "assessment decides on treatment, for example after a needle-stick; on duty, national "
        "law and your orders apply. In an emergency, call the emergency services: /emergency"),
        "", t._("<b>Languages of the course</b>")]
    lines += [_language_line(t, language) for language in status.languages]
    lines += ["", t._("<b>Expert review</b>\nA module counts as reviewed only when a qualified "
                      "health or legal reviewer has signed it off.")]
    for module in status.modules:
        title = page(module.title)
        if not module.review:
            lines.append(t._("• {module}: not yet reviewed by a qualified health or legal "
                             "reviewer", module=title))
        for review in module.review:
            date = t.date(review.on)
            lines.append(t._("• {module}: health content reviewed by {reviewer} on {date}",
                             module=title, reviewer=review.by, date=date)
                         if review.area == "health" else
                         t._("• {module}: legal content reviewed by {reviewer} on {date}",
                             module=title, reviewer=review.by, date=date))
    return "\n".join(lines) + page.notice()


async def about_command(update: Update, context: BotContext) -> None:
    status = course_status(context.services.content.served)
    await show(update, context, about_text(context, status), keyboards.back_to_menu(context.t),
               edit=False)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("about", about_command, filters=filters.ChatType.PRIVATE))
