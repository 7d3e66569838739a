"""Onboarding and settings: /start, language, country, privacy, /help, /forget."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.countries import OTHER, country_name
from bot.handlers.common import answer_button, show, show_menu
from bot.handlers.stale import stale_button
from bot.i18n import N_, Html
from bot.store import User
from bot.ui import callbacks as cb
from bot.ui import keyboards
from bot.ui.staff_help import staff_help

PRIVATE = filters.ChatType.PRIVATE
#: ``bot_data`` key of ``async def hook(update, context, user) -> bool``: acts on an invite
#: link (the start payload) once onboarding is complete; True when it showed a screen.
INVITE_HOOK = "invite_hook"

#: The commands published with setMyCommands, in menu order, with their descriptions.
COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Start, or open the main menu")),
    ("lessons", N_("Lessons")),
    ("quiz", N_("A short refresher quiz")),
    ("search", N_("Search the guidance and lessons")),
    ("emergency", N_("Emergency numbers for your country")),
    ("progress", N_("Your progress and predicted recall")),
    ("reminder", N_("Set or turn off your daily reminder")),
    ("settings", N_("Language, country, reminders and your data")),
    ("cohort", N_("Your cohorts: see them or leave one")),
    ("help", N_("What this bot can do")),
    ("about", N_("About the course: its limits, languages and review")),
    ("language", N_("Change the language")),
    ("privacy", N_("What the bot stores about you")),
    ("forget", N_("Delete everything the bot stores about you")),
]


def next_step(user: User | None) -> str:
    if user is None or not user.locale:
        return "language"
    if not user.country:
        return "country"
    if not user.privacy_seen:
        return "privacy"
    return "menu"


async def show_step(update: Update, context: BotContext, user: User, *, edit: bool) -> None:
    """Show the first unfinished onboarding step, or the main menu."""
    step = next_step(user)
    t = context.t
    if step == "language":
        await show_language(update, context, edit=edit, welcome=True)
    elif step == "country":
        await show(update, context, t._(
            "Which country do you serve in? Your emergency numbers and the time of your "
            "reminders depend on it."), keyboards.countries(t), edit=edit)
    elif step == "privacy":
        await show(update, context, privacy_text(context), keyboards.privacy_ok(t), edit=edit)
    else:
        await show_menu(update, context, edit=edit)


async def show_language(update: Update, context: BotContext, *, edit: bool,
                        welcome: bool) -> None:
    t = context.t
    text = t._("<b>Welcome to Toolkit Companion.</b>\nShort lessons, refresher quizzes and quick "
               "guidance after your course on policing and public health.\n\nChoose your "
               "language:") if welcome else t._("Choose your language:")
    onboarded = context.user is not None and context.user.onboarded
    markup = keyboards.languages(context.services.catalogs.locales, t.locale,
                                 back=t if onboarded and not welcome else None)
    await show(update, context, text, markup, edit=edit)


def privacy_text(context: BotContext) -> str:
    """The privacy notice: one message per paragraph, so that a change re-translates only the
    paragraph it touches."""
    _ = context.t._
    return "\n\n".join((
        _("<b>Your privacy</b>\n"
          "The bot stores your Telegram user id, your language and country, your lesson "
          "progress, your quiz answers, your reminder settings and the cohorts you joined, so "
          "that you can continue where you left off. It keeps a record of the reminders and "
          "messages it sent you for 30 days. It does not store your name or your phone number, "
          "and of what you type it keeps only what a trainer writes for a cohort: its name and "
          "broadcasts."),
        _("If you open a trainer's invite link, you join that trainer's cohort. The trainer "
          "then sees your name as Telegram shows it (the bot asks Telegram each time and does "
          "not keep it), when you joined, how many lessons you have finished and when you last "
          "studied, and can send messages to the cohort. Administrators can see every cohort. "
          "Send /cohort to see your cohorts or to leave one."),
        _("Trainers get reports, charts and CSV files about the officers of their own cohorts; "
          "administrators about all officers. Reports and charts show only totals and "
          "averages. A CSV file of progress has one line per officer (country, language, date "
          "registered, activity, lessons, answers, predicted recall) and names each officer by "
          "a pseudonym, not by name or Telegram id. Only an administrator, after confirming, "
          "can export a file with Telegram ids."),
        _("If your trainer links your class's Telegram group to a cohort, the bot posts quiz "
          "polls there. They are not anonymous: the group sees who chose what. The bot stores "
          "your answers; if you are a member of that cohort, they also count as your quiz "
          "reviews. After the quiz the trainer privately sees the score of each officer who "
          "answered, by the name Telegram shows (not kept), and can send you a refresher of "
          "the questions you missed. Group members who do not use the bot are counted under "
          "a code made for each poll, never under their Telegram id."),
        _("Send /forget at any time to delete everything the bot stores about you, your cohort "
          "memberships and class quiz answers included (and for a trainer, his or her cohorts, "
          "broadcasts, class quizzes and group links). Messages and files the bot already sent "
          "to others, such as quiz results or an exported file, stay with them. Weekly totals "
          "for charts, which hold no ids, are not changed."),
        _("Three audit logs keep user ids after /forget: the emergency-number corrections and "
          "their log keep the id of the administrator who made each one, because who changed a "
          "safety-critical number must remain known; the log of trainer roles keeps who made "
          "whom a trainer or took the role back, and the log of exports keeps who exported a "
          "file, when, for which officers and how many lines, because access to officers' data "
          "must stay accountable."),
    ))


async def start(update: Update, context: BotContext) -> None:
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    payload = context.args[0] if context.args else None
    user = await context.accounts.start(tg_user.id, chat.id, payload)
    context.user = user
    await _invite_or_step(update, context, user, edit=False)


async def _invite_or_step(update: Update, context: BotContext, user: User, *,
                          edit: bool) -> None:
    hook = context.bot_data.get(INVITE_HOOK)
    if hook is None or not user.onboarded or not user.start_payload or \
            not await hook(update, context, user):
        await show_step(update, context, user, edit=edit)


async def choose_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    values = cb.LANG.unpack(query.data)
    user = None
    if values is not None:
        user = await context.accounts.choose_locale(
            query.from_user.id, update.effective_chat.id, values["locale"])
    if user is None:
        await stale_button(update, context)
        return
    was_onboarded = context.user is not None and context.user.onboarded
    context.user, context.t = user, context.services.catalogs.get(user.locale)
    await answer_button(update)
    if was_onboarded:
        await show_menu(update, context, note=context.t.label(
            "Language changed to {language}.", language=context.t.language_name))
    else:
        await show_step(update, context, user, edit=True)


async def choose_country(update: Update, context: BotContext) -> None:
    query = update.callback_query
    values = cb.COUNTRY.unpack(query.data)
    user = None
    if values is not None and context.user is not None and context.user.locale:
        user = await context.accounts.choose_country(
            query.from_user.id, update.effective_chat.id, values["code"])
    if user is None:
        await stale_button(update, context)
        return
    was_onboarded = context.user.onboarded
    context.user = user
    await answer_button(update)
    if was_onboarded:
        await context.services.reminders.follow_country(user.user_id, user.country)
        name = (context.t.label("another country") if user.country == OTHER
                else country_name(user.country, context.t.locale))
        await show_menu(update, context, note=context.t.label(
            "Country changed to {country}.", country=name))
    else:
        await show_step(update, context, user, edit=True)


async def accept_privacy(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user = await context.accounts.accept_privacy(query.from_user.id, update.effective_chat.id)
    await context.services.reminders.ensure(user.user_id, user.country)
    context.user = user
    await answer_button(update)
    await _invite_or_step(update, context, user, edit=True)


async def language_command(update: Update, context: BotContext) -> None:
    await show_language(update, context, edit=False, welcome=False)


async def help_command(update: Update, context: BotContext) -> None:
    t = context.t
    lines = "\n".join(f"/{name} — {t._(description)}" for name, description in COMMANDS)
    text = t._(
        "<b>Toolkit Companion</b> helps you keep what you learned on the course: short "
        "lessons, refresher quizzes that come back at the right time, and quick guidance for "
        "duty.\n\nUse the buttons below, or these commands:\n{commands}", commands=Html(lines))
    user_id = update.effective_user.id
    if context.accounts.is_trainer(context.user, user_id):  # checked on the server
        text += "\n\n" + staff_help(t, admin=context.accounts.is_admin(context.user, user_id))
    await show(update, context, text, keyboards.main_menu(t), edit=False)


async def privacy_command(update: Update, context: BotContext) -> None:
    await show(update, context, privacy_text(context), keyboards.back_to_menu(context.t),
               edit=update.callback_query is not None)


async def forget_command(update: Update, context: BotContext) -> None:
    t, user = context.t, context.user
    edit = update.callback_query is not None
    if user is None:
        await show(update, context, t._(
            "The bot stores nothing about you, so there is nothing to delete. Send /start if "
            "you want to begin."), keyboards.start_again(t), edit=edit)
        return
    await show(update, context, t._(
        "<b>Delete everything?</b>\nThis deletes your language, country, progress, quiz "
        "history, reminders and cohort memberships from the bot. It cannot be undone."),
        keyboards.forget_confirm(t, keyboards.forget_since(user.created_at)), edit=edit)


async def forget_answer(update: Update, context: BotContext) -> None:
    """Yes deletes everything, once. Any other prompt's button afterwards (older or newer,
    yes or cancel) says the data is already deleted, and never touches an account begun
    after the deletion."""
    query = update.callback_query
    values = cb.FORGET.unpack(query.data)
    if values is None or values["answer"] not in ("yes", "no"):
        await stale_button(update, context)
        return
    t, user = context.t, context.user
    if user is None or keyboards.forget_since(user.created_at) != values["since"]:
        await answer_button(update, t.label("Already deleted."))
        await show(update, context, t._(
            "Your data was already deleted: this button belongs to the account you deleted, "
            "so it changes nothing.") if user is not None else t._(
            "Your data is already deleted: the bot stores nothing about you. Send /start if "
            "you want to begin again."),
            keyboards.back_to_menu(t) if user is not None else keyboards.start_again(t))
        return
    await answer_button(update)
    if values["answer"] == "no":
        await show_menu(update, context, note=t.label("Nothing was deleted."))
        return
    await context.accounts.forget(query.from_user.id)
    context.user = None
    await show(update, context, t._(
        "Done: everything the bot stored about you has been deleted. Send /start if you want "
        "to begin again."), keyboards.start_again(t))


async def settings_screen(update: Update, context: BotContext) -> None:
    t, user = context.t, context.user
    if user is None or not user.onboarded:
        await show_step(update, context, user, edit=True)  # type: ignore[arg-type]
        return
    country = (t.label("another country") if user.country == OTHER
               else country_name(user.country or "", t.locale))
    await show(update, context, t._("<b>Settings</b>\nLanguage: {language}\nCountry: {country}",
                                    language=t.language_name, country=country),
               keyboards.settings(t))


async def country_screen(update: Update, context: BotContext) -> None:
    t = context.t
    await show(update, context, t._("Which country do you serve in?"),
               keyboards.countries(t, back=True))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start, filters=PRIVATE))
    app.add_handler(CommandHandler("language", language_command, filters=PRIVATE))
    app.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    app.add_handler(CommandHandler("privacy", privacy_command, filters=PRIVATE))
    app.add_handler(CommandHandler("forget", forget_command, filters=PRIVATE))
    app.add_handler(CommandHandler("settings", settings_screen, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(choose_language, pattern=cb.LANG.pattern))
    app.add_handler(CallbackQueryHandler(choose_country, pattern=cb.COUNTRY.pattern))
    app.add_handler(CallbackQueryHandler(accept_privacy, pattern=cb.PRIVACY_OK.pattern))
    app.add_handler(CallbackQueryHandler(forget_answer, pattern=cb.FORGET.pattern))
