"""Reference guidance: topics, cards (sensitive ones protected), emergency numbers."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.countries import OTHER, country_name
from bot.countries import is_valid as is_valid_country
from bot.handlers.admin import admin_only
from bot.handlers.common import Page, answer_button, show
from bot.handlers.menu import Menu
from bot.handlers.onboarding import show_step
from bot.handlers.stale import stale_button
from bot.i18n import N_, Html
from bot.services.emergency import SERVICES, InvalidCorrection
from bot.services.reference import CardView
from bot.ui import callbacks as cb
from bot.ui import examples, keyboards
from bot.ui import reference as kb

PRIVATE = filters.ChatType.PRIVATE

#: Each service, named in the officer's language.
SERVICE_NAMES = {
    "general": N_("All emergencies"),
    "police": N_("Police"),
    "ambulance": N_("Ambulance"),
    "rescue": N_("Rescue service"),
}
assert set(SERVICE_NAMES) == set(SERVICES)


def card_text(context: BotContext, page: Page, view: CardView) -> str:
    """A card as one message: its title, its body (Telegram HTML from content), notices."""
    text = f"<b>{html.escape(page(view.card.title), quote=False)}</b>\n\n{page(view.card.body)}"
    if view.card.sensitive:
        text += "\n\n" + context.t._(
            "<i>🔒 Protected guidance: this message cannot be forwarded or saved.</i>")
    return text + page.notice()


# --- browsing ------------------------------------------------------------------------------
async def topics_screen(update: Update, context: BotContext) -> None:
    t, page = context.t, Page(context)
    entries = [(topic.module.id, page(topic.module.title))
               for topic in context.services.reference.topics()]
    text = t._("🩺 <b>Reference</b>\nShort guides for duty. Choose a topic, or simply send me a "
               "word to search, for example: {example}.", example=t.label(examples.OVERDOSE))
    await show(update, context, text + page.notice(), kb.topics(t, entries),
               edit=update.callback_query is not None)


async def topic_screen(update: Update, context: BotContext) -> None:
    values = cb.REF_TOPIC.unpack(update.callback_query.data)
    topic = values and context.services.reference.topic(values["module"])
    if not topic:
        await stale_button(update, context)
        return
    await answer_button(update)
    t, page = context.t, Page(context)
    entries = [(c.id, page(c.title), c.sensitive) for c in topic.cards]
    text = t.ngettext("🩺 <b>{topic}</b>\n{n} card. Choose one.",
                      "🩺 <b>{topic}</b>\n{n} cards. Choose one.", len(topic.cards),
                      topic=page(topic.module.title))
    await show(update, context, text + page.notice(), kb.topic_cards(t, entries))


async def show_card(update: Update, context: BotContext, view: CardView) -> None:
    """Edit in place; a sensitive card is a new message with protect_content instead."""
    page = Page(context)
    lessons = [(le.id, page(le.title)) for le in view.lessons]
    text = card_text(context, page, view)
    await show(update, context, text, kb.card(context.t, view.topic.id, lessons),
               protect=view.card.sensitive)


async def card_screen(update: Update, context: BotContext) -> None:
    values = cb.REF_CARD.unpack(update.callback_query.data)
    view = values and context.services.reference.card(values["card"])
    if not view:
        await stale_button(update, context)
        return
    await answer_button(update)
    await show_card(update, context, view)


# --- emergency numbers ---------------------------------------------------------------------
async def show_emergency(update: Update, context: BotContext, code: str, *,
                         edit: bool = True) -> None:
    t = context.t
    onboarded = context.user is not None and context.user.onboarded
    numbers = await context.services.emergency.numbers(code)
    if numbers is None:
        mine = context.user is None or context.user.country in (None, OTHER)
        text = t._("🚨 <b>Emergency numbers</b>\nI only know the numbers of the countries of "
                   "the course. Where you are, use the local emergency number.\n\nThe countries "
                   "I know:") if mine else \
            t._("🚨 <b>Emergency numbers</b>\nChoose a country.")
        await show(update, context, text, kb.emergency_countries(
            t, context.services.emergency.countries(), onboarded), edit=edit)
        return
    lines = [t._("🚨 <b>Emergency numbers: {country}</b>",
                 country=country_name(code, t.locale)), ""]
    for entry in numbers.numbers:
        service = t.label(SERVICE_NAMES[entry.service])
        # <code> makes the number copy with one tap in every Telegram app; a tel: link is not
        # clickable everywhere. Isolates go around the tag, never into what is copied.
        number = Html(t.isolate(f"<code>{html.escape(entry.number, quote=False)}</code>"))
        if entry.mobile is None:
            lines.append(t._("• {service}: {number}", service=service, number=number)
                         if entry.verified else
                         t._("• {service}: {number} (not verified: check it locally)",
                             service=service, number=number))
        else:
            mobile = Html(t.isolate(f"<code>{html.escape(entry.mobile, quote=False)}</code>"))
            lines.append(t._("• {service}: {number} (from a mobile phone: {mobile})",
                             service=service, number=number, mobile=mobile)
                         if entry.verified else
                         t._("• {service}: {number} (from a mobile phone: {mobile}; not "
                             "verified: check it locally)",
                             service=service, number=number, mobile=mobile))
    if not numbers.numbers:
        lines.append(t._("I do not know the numbers of this country yet."))
    else:
        lines += ["", t._("📞 Tap a number to copy it, then paste it into your phone's dialler "
                          "and call.")]
    lines.append("")
    if numbers.checked_on is not None:
        lines.append(t._("Checked on: {date}", date=t.date(numbers.checked_on)))
    if numbers.corrected_on is not None:
        lines.append(t._("Corrected by an administrator on {date}.",
                         date=t.date(numbers.corrected_on)))
    await show(update, context, "\n".join(lines).rstrip(), kb.emergency(t, onboarded),
               edit=edit)


async def emergency_command(update: Update, context: BotContext) -> None:
    """``/emergency`` works for everyone at any time. Before onboarding: the country question
    at once (in the Telegram language), its numbers, then the onboarding continues."""
    user = context.user
    if user is not None and user.onboarded:
        await show_emergency(update, context, user.country or OTHER, edit=False)
        return
    if user is None:
        user = context.user = await context.accounts.start(
            update.effective_user.id, update.effective_chat.id, None)
    if not user.country:
        await show(update, context, context.t._(
            "🚨 <b>Emergency numbers</b>\nWhich country are you in? I will show its emergency "
            "numbers at once."), kb.emergency_country_question(
            context.t, context.services.emergency.countries(), OTHER), edit=False)
        return
    await show_emergency(update, context, user.country, edit=False)
    await show_step(update, context, user, edit=False)


async def emergency_country(update: Update, context: BotContext) -> None:
    """The answer to that question: stored as the officer's country (before onboarding),
    the numbers in place of the question, and the next onboarding step below them."""
    values = cb.EMERGENCY_COUNTRY.unpack(update.callback_query.data)
    code = values["code"] if values else ""
    if not is_valid_country(code):
        await stale_button(update, context)
        return
    user = context.user
    if user is None or not user.onboarded:
        user = context.user = await context.accounts.choose_country(
            update.effective_user.id, update.effective_chat.id, code)
    await answer_button(update)
    await show_emergency(update, context, code)
    if not user.onboarded:
        await show_step(update, context, user, edit=False)


async def emergency_button(update: Update, context: BotContext) -> None:
    values = cb.EMERGENCY.unpack(update.callback_query.data)
    code = values["code"] if values else None
    if code == "me":
        code = (context.user.country if context.user else None) or OTHER
    if code is None or (code != OTHER and code not in context.services.emergency.countries()):
        await stale_button(update, context)
        return
    await answer_button(update)
    await show_emergency(update, context, code)


def _usage(context: BotContext) -> str:
    return context.t._(
        "Usage: <code>/emergency_set COUNTRY SERVICE NUMBER [verified|unverified]</code>\n"
        "Countries: {countries}\nServices: {services}\n"
        "Example: <code>/emergency_set KZ ambulance 103</code>",
        countries=" ".join(context.services.emergency.countries()),
        services=" ".join(SERVICES))


@admin_only
async def emergency_set(update: Update, context: BotContext) -> None:
    """``/emergency_set KZ ambulance 103 [verified|unverified]`` (admins only)."""
    t, args = context.t, [a for a in (context.args or []) if a]
    flag = args[3].lower() if len(args) == 4 else "verified"
    if len(args) not in (3, 4) or flag not in ("verified", "unverified"):
        await show(update, context, _usage(context), keyboards.back_to_menu(context.t), edit=False)
        return
    try:
        change = await context.services.emergency.correct(
            update.effective_user.id, args[0], args[1], args[2], flag == "verified")
    except InvalidCorrection:
        await show(update, context, _usage(context), keyboards.back_to_menu(context.t), edit=False)
        return
    values = {"country": country_name(change.country, t.locale),
              "service": t.label(SERVICE_NAMES[change.service]),
              "number": t.digits(change.number)}
    lines = [t._("✅ Saved. {country}, {service}: <b>{number}</b>, verified.", **values)
             if change.verified else
             t._("✅ Saved. {country}, {service}: <b>{number}</b>, marked as not verified.",
                 **values)]
    lines.append(t._("Before: {number}.", number=t.digits(change.old.number))
                 if change.old.number else t._("There was no number for this service before."))
    lines.append(t._("The change is recorded in the audit log."))
    await show(update, context, "\n".join(lines), keyboards.back_to_menu(t), edit=False)


def register(app: Application, menu: Menu) -> None:
    menu.add("reference", topics_screen)
    app.add_handler(CommandHandler("reference", topics_screen, filters=PRIVATE))
    app.add_handler(CommandHandler("emergency", emergency_command, filters=PRIVATE))
    app.add_handler(CommandHandler("emergency_set", emergency_set, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(topic_screen, pattern=cb.REF_TOPIC.pattern))
    app.add_handler(CallbackQueryHandler(card_screen, pattern=cb.REF_CARD.pattern))
    app.add_handler(CallbackQueryHandler(emergency_button, pattern=cb.EMERGENCY.pattern))
    app.add_handler(CallbackQueryHandler(emergency_country,
                                         pattern=cb.EMERGENCY_COUNTRY.pattern))

