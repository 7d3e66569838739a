"""Reference guidance: topics, cards (sensitive ones protected), emergency numbers."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.countries import OTHER, country_name
from bot.handlers.admin import admin_only
from bot.handlers.common import Page, show
from bot.handlers.menu import Menu
from bot.handlers.stale import stale_button
from bot.i18n import N_
from bot.services.emergency import SERVICES, InvalidCorrection
from bot.services.reference import CardView
from bot.ui import callbacks as cb
from bot.ui import examples
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
    await update.callback_query.answer()
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
    await update.callback_query.answer()
    await show_card(update, context, view)


# --- emergency numbers ---------------------------------------------------------------------
async def show_emergency(update: Update, context: BotContext, code: str, *,
                         edit: bool = True) -> None:
    t = context.t
    numbers = await context.services.emergency.numbers(code)
    if numbers is None:
        mine = context.user is None or context.user.country in (None, OTHER)
        text = t._("🚨 <b>Emergency numbers</b>\nI only know the numbers of the countries of "
                   "the course. Where you are, use the local emergency number.\n\nThe countries "
                   "I know:") if mine else \
            t._("🚨 <b>Emergency numbers</b>\nChoose a country.")
        await show(update, context, text,
                   kb.emergency_countries(t, context.services.emergency.countries()), edit=edit)
        return
    lines = [t._("🚨 <b>Emergency numbers: {country}</b>",
                 country=country_name(code, t.locale)), ""]
    for entry in numbers.numbers:
        service = t.label(SERVICE_NAMES[entry.service])
        number = t.digits(entry.number)
        if entry.mobile is None:
            lines.append(t._("• {service}: <b>{number}</b>", service=service,
                             number=number) if entry.verified else
                         t._("• {service}: <b>{number}</b> (not verified: check it locally)",
                             service=service, number=number))
        else:
            lines.append(t._("• {service}: <b>{number}</b> (from a mobile phone: "
                             "<b>{mobile}</b>)", service=service, number=number,
                             mobile=t.digits(entry.mobile)) if entry.verified else
                         t._("• {service}: <b>{number}</b> (from a mobile phone: "
                             "<b>{mobile}</b>; not verified: check it locally)",
                             service=service, number=number, mobile=t.digits(entry.mobile)))
    if not numbers.numbers:
        lines.append(t._("I do not know the numbers of this country yet."))
    lines.append("")
    if numbers.checked_on is not None:
        lines.append(t._("Checked on: {date}", date=t.date(numbers.checked_on)))
    if numbers.corrected_on is not None:
        lines.append(t._("Corrected by an administrator on {date}.",
                         date=t.date(numbers.corrected_on)))
    await show(update, context, "\n".join(lines).rstrip(), kb.emergency(t), edit=edit)


async def emergency_command(update: Update, context: BotContext) -> None:
    country = context.user.country if context.user else None
    await show_emergency(update, context, country or OTHER, edit=False)


async def emergency_button(update: Update, context: BotContext) -> None:
    values = cb.EMERGENCY.unpack(update.callback_query.data)
    code = values["code"] if values else None
    if code == "me":
        code = (context.user.country if context.user else None) or OTHER
    if code is None or (code != OTHER and code not in context.services.emergency.countries()):
        await stale_button(update, context)
        return
    await update.callback_query.answer()
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
        await show(update, context, _usage(context), edit=False)
        return
    try:
        change = await context.services.emergency.correct(
            update.effective_user.id, args[0], args[1], args[2], flag == "verified")
    except InvalidCorrection:
        await show(update, context, _usage(context), edit=False)
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
    await show(update, context, "\n".join(lines), edit=False)


def register(app: Application, menu: Menu) -> None:
    menu.add("reference", topics_screen)
    app.add_handler(CommandHandler("reference", topics_screen, filters=PRIVATE))
    app.add_handler(CommandHandler("emergency", emergency_command, filters=PRIVATE))
    app.add_handler(CommandHandler("emergency_set", emergency_set, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(topic_screen, pattern=cb.REF_TOPIC.pattern))
    app.add_handler(CallbackQueryHandler(card_screen, pattern=cb.REF_CARD.pattern))
    app.add_handler(CallbackQueryHandler(emergency_button, pattern=cb.EMERGENCY.pattern))

