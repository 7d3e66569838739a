"""The bot in a class group: /linkcohort, /classquiz, poll answers, the bot added or removed.

Group privacy mode is on: in a group the bot sees only commands addressed to it, presses of
its own buttons and answers to its polls (``bot.handlers.middleware`` lets exactly these
through). Replies in a group are in the group's language (set by its trainer); everything a
trainer confirms happens in the private chat.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.context import BotContext
from bot.handlers import classroom_debrief as debrief
from bot.handlers.common import answer_button, show
from bot.handlers.staff import invite_link, is_admin, trainer_only
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.services.cohorts import INVITE_PREFIX
from bot.store.classroom import ClassGroup
from bot.ui import callbacks as cb
from bot.ui import classroom as kb
from bot.ui.direction import markup_for

log = logging.getLogger(__name__)

#: the commands the bot answers in a group; everything else there is ignored
GROUP_COMMANDS = frozenset({"linkcohort", "classquiz"})
GROUP_BUTTONS = frozenset({cb.CLASS_QUIZ.prefix})


def in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def group_t(context: BotContext, group: ClassGroup | None) -> Translator:
    """The group's language once linked; before that, the language of who wrote."""
    return context.services.catalogs.get(group.locale) if group else context.t


async def say(context: BotContext, chat_id: int, t: Translator, text: str, markup=None) -> bool:
    """Send ``text`` (HTML) to a chat in ``t``'s layout; False if Telegram refused."""
    try:
        await context.bot.send_message(chat_id, t.layout(text),
                                       reply_markup=markup_for(t, markup))
        return True
    except TelegramError as exc:
        log.info("Could not write to a chat: %s", exc)
        return False


async def missing_rights(context: BotContext, chat_id: int) -> list[str]:
    """What the bot may not do in the group that a class quiz needs: ``messages``,
    ``polls`` (empty when it may do both, or when Telegram does not say)."""
    try:
        member = await context.bot.get_chat_member(chat_id, context.bot.id)
        if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
            return []
        if member.status == ChatMemberStatus.RESTRICTED:
            rights = member
        else:
            rights = (await context.bot.get_chat(chat_id)).permissions
        if rights is None:
            return []
        return [name for name in ("messages", "polls")
                if getattr(rights, f"can_send_{name}", None) is False]
    except (TelegramError, TypeError, ValueError) as exc:  # not said, or not understood
        log.info("Could not read the bot's rights in a group: %s", exc)
        return []


def rights_note(t: Translator, missing: list[str]) -> str:
    if "messages" in missing:
        return t._("⚠️ I may not send messages in this group, so a class quiz cannot run "
                   "there. A group admin can allow it in the group's permissions, or make me "
                   "an admin.")
    return t._("⚠️ I may not send polls in this group, so a class quiz cannot run here. A "
               "group admin can allow polls in the group's permissions, or make me an admin.")


# --- /linkcohort --------------------------------------------------------------------------
async def linkcohort(update: Update, context: BotContext) -> None:
    t, user_id = context.t, update.effective_user.id
    chat = update.effective_chat
    if not in_group(update):
        await show(update, context, t._(
            "Send /linkcohort in your class's Telegram group: add me to the group first, "
            "then send the command there. I will ask you here to confirm."), edit=False)
        return
    if not context.accounts.is_trainer(context.user, user_id):
        await say(context, chat.id, t, t._(
            "Only the cohort's trainer can link this group to a cohort."))
        return
    admin = is_admin(update, context)
    await context.services.classroom.request_link(chat.id, user_id, t.locale)
    cohorts = await context.services.classroom.linkable(user_id, admin=admin)
    missing = await missing_rights(context, chat.id)
    if cohorts:
        text = t._("Link the group <b>{group}</b> to which of your cohorts? Its members will "
                   "answer class quizzes there.", group=chat.title or "")
        markup = kb.link_choices(t, chat.id, cohorts)
    else:
        text = t._("You have no open cohort yet. Create one with /cohorts, then send "
                   "/linkcohort in the group again.")
        markup = None
    if "messages" in missing:  # it cannot say so in the group: it says so here
        text += "\n\n" + rights_note(t, missing)
    if not await _private(context, user_id, t, text, markup):
        await say(context, chat.id, t, t._(
            "I cannot write to you in private yet. Open {link}, press Start, then send "
            "/linkcohort here again.", link=invite_link(context, "class")))
        return
    note = t._("I have sent you a private message: confirm the link there.")
    if missing:
        note += "\n\n" + rights_note(t, missing)
    await say(context, chat.id, t, note)


async def _private(context: BotContext, user_id: int, t: Translator, text: str,
                   markup) -> bool:
    try:
        await context.bot.send_message(user_id, t.layout(text),
                                       reply_markup=markup_for(t, markup))
        return True
    except Forbidden:
        return False


def _group_id(value: str) -> int | None:
    try:
        chat_id = int(value)
    except ValueError:
        return None
    return chat_id if chat_id < 0 else None


@trainer_only
async def link_button(update: Update, context: BotContext) -> None:
    t = context.t
    values = cb.CLASS_LINK.unpack(update.callback_query.data)
    chat_id = _group_id(values["g"]) if values else None
    if values is None or chat_id is None or not (values["c"].isdigit() or values["c"] == "no"):
        await answer_button(update, t.label("This button is no longer valid."), alert=True)
        return
    if values["c"] == "no":
        await answer_button(update)
        await show(update, context, t._("Not linked. Send /linkcohort in the group when you "
                                        "are ready."))
        return
    group = await context.services.classroom.link(
        chat_id, int(values["c"]), update.effective_user.id, admin=is_admin(update, context),
        locale=t.locale)
    if group is None:
        await answer_button(update, t.label(
            "This link request is no longer valid: send /linkcohort in the group again."),
            alert=True)
        return
    await answer_button(update)
    await show(update, context, t._(
        "Linked: the group is now the class group of <b>{cohort}</b>. Class quizzes there "
        "will be in {language}; choose another language for the group below.",
        cohort=group.cohort_name or "", language=LANGUAGE_NAMES[group.locale]),
        kb.group_languages(chat_id, context.services.catalogs.locales, group.locale))
    await welcome(context, group)


async def welcome(context: BotContext, group: ClassGroup) -> None:
    """Tell the group it is linked, with the one-tap link to join the cohort (outbox)."""
    gt = group_t(context, group)
    link = invite_link(context, INVITE_PREFIX + (group.invite_code or ""))
    text = gt._("This group is now linked to the cohort <b>{cohort}</b>. Not using the bot "
                "yet? Tap the button to join the cohort in a private chat: your answers in "
                "class quizzes will then count for your own practice.",
                cohort=group.cohort_name or "")
    markup = markup_for(gt, kb.join(gt, link))
    await context.services.outbox.post(group.chat_id, "send_message", {
        "text": gt.layout(text), "reply_markup": markup.to_dict()})


@trainer_only
async def language_button(update: Update, context: BotContext) -> None:
    t = context.t
    values = cb.CLASS_LANG.unpack(update.callback_query.data)
    chat_id = _group_id(values["g"]) if values else None
    if values is None or chat_id is None or values["loc"] not in LANGUAGE_NAMES:
        await answer_button(update, t.label("This button is no longer valid."), alert=True)
        return
    group = await context.services.classroom.set_locale(
        chat_id, update.effective_user.id, values["loc"], admin=is_admin(update, context))
    if group is None:
        await answer_button(update, t.label("This group is not linked to a cohort of yours."),
                            alert=True)
        return
    await answer_button(update)
    await show(update, context, t._(
        "The class group of <b>{cohort}</b> now has class quizzes in {language}. Send "
        "/classquiz in the group to start one.", cohort=group.cohort_name or "",
        language=LANGUAGE_NAMES[group.locale]),
        kb.group_languages(chat_id, context.services.catalogs.locales, group.locale))


# --- /classquiz ---------------------------------------------------------------------------
async def classquiz(update: Update, context: BotContext) -> None:
    t, user_id = context.t, update.effective_user.id
    if not in_group(update):
        await show(update, context, t._(
            "Send /classquiz in your class group, or open /teach here and choose a module: "
            "the quiz runs in the group linked to your cohort."), edit=False)
        return
    chat_id = update.effective_chat.id
    group = await context.services.classroom.group(chat_id)
    gt = group_t(context, group)
    if group is None or group.cohort_id is None:
        await say(context, chat_id, gt, gt._(
            "This group is not linked to a cohort yet. The cohort's trainer links it with "
            "/linkcohort."))
        return
    if not context.services.classroom.may_run(group, user_id,
                                              admin=is_admin(update, context)):
        await say(context, chat_id, gt, gt._(
            "Only the trainer of this cohort can start a class quiz."))
        return
    await say(context, chat_id, gt, gt._("<b>Class quiz</b>\nWhich module?"),
              module_picker(context, gt, chat_id))


def module_picker(context: BotContext, t: Translator, chat_id: int):
    served = context.services.content.served
    found = context.services.classroom.modules(t.locale)
    return kb.modules(t, chat_id, found, lambda m: served.text(t.locale, m.title)[0])


async def quiz_button(update: Update, context: BotContext) -> None:
    """A step of the class quiz set-up: module, then length, then how long a poll stays
    open; pressed in the group, or in private from /teach."""
    query, user_id = update.callback_query, update.effective_user.id
    values = cb.CLASS_QUIZ.unpack(query.data)
    chat_id = _group_id(values["g"]) if values else None
    valid = values is not None and chat_id is not None and values["n"].isdigit() and \
        values["p"].isdigit()
    if valid and in_group(update) and update.effective_chat.id != chat_id:
        valid = False
    if not valid:
        await answer_button(update, context.t.label("This button is no longer valid."),
                            alert=True)
        return
    classroom = context.services.classroom
    group = await classroom.group(chat_id)
    admin = is_admin(update, context)
    if not classroom.may_run(group, user_id, admin=admin):
        await answer_button(update, context.t.label(
            "Only the trainer of this cohort can start a class quiz."), alert=True)
        return
    # in the group, screens are in the group's language; in private, in the trainer's
    t = group_t(context, group) if in_group(update) else context.t
    context.t = t
    module, size, period = values["m"], int(values["n"]), int(values["p"])
    await answer_button(update)
    if module == "-" or context.services.content.course.module(module) is None:
        await show(update, context, t._("<b>Class quiz</b>\nWhich module?"),
                   module_picker(context, t, chat_id))
        return
    title = context.services.content.served.text(t.locale, classroom.content.course.module(
        module).title)[0]
    if not size:
        await show(update, context, t._("<b>Class quiz: {module}</b>\nHow many questions?",
                                        module=title), kb.sizes(t, chat_id, module))
        return
    if not period:
        await show(update, context, t._(
            "<b>Class quiz: {module}</b>\nHow long may the class answer each question?",
            module=title), kb.periods(t, chat_id, module, size))
        return
    started = await classroom.start(chat_id, user_id, module, size, period, admin=admin)
    if started.status == "running":
        await show(update, context, t._("A class quiz is already running in this group: "
                                        "wait for its results."))
        return
    if started.status != "ok":
        await show(update, context, t._("This module cannot be used for a class quiz in this "
                                        "language. Choose another one."),
                   module_picker(context, t, chat_id))
        return
    await show(update, context, announcement(t, title, len(started.quiz.items), period))
    if not in_group(update):  # set up from /teach: the class is told in its own language
        gt = group_t(context, group)
        gtitle = context.services.content.served.text(gt.locale, classroom.content.course.module(
            module).title)[0]
        await context.services.outbox.post(chat_id, "send_message", {"text": gt.layout(
            announcement(gt, gtitle, len(started.quiz.items), period))})
    await debrief.advance_quiz(context.application, started.quiz.id)


def announcement(t: Translator, module: str, size: int, period: int) -> str:
    return t.ngettext(
        "<b>Class quiz: {module}</b>\n{n} question, {seconds} seconds each. Answer the polls "
        "below: the results come after the last one.",
        "<b>Class quiz: {module}</b>\n{n} questions, {seconds} seconds each. Answer the polls "
        "below: the results come after the last one.", size, module=module, seconds=period)


# --- answers and membership ---------------------------------------------------------------
async def poll_answer(update: Update, context: BotContext) -> None:
    answer = update.poll_answer
    if answer.user is None:  # an answer on behalf of a chat: not an officer
        return
    result = await context.services.classroom.answer(answer.poll_id, answer.user.id,
                                                     list(answer.option_ids))
    log.debug("Class poll answer: %s", result.status)


async def membership(update: Update, context: BotContext) -> None:
    """The bot added to a group (hello) or removed from one (the link ends)."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    status = change.new_chat_member.status
    chat_id = change.chat.id
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        group = await context.services.classroom.unlink(chat_id)
        if group is not None and group.trainer_id is not None:
            await debrief.tell_trainer(context.application, group.trainer_id, "removed",
                                       cohort=group.cohort_name or "")
        return
    was = change.old_chat_member.status
    if was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED) and \
            status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
        t = context.t
        await say(context, chat_id, t, t._(
            "Hello! I help this class keep learning after the course. The cohort's trainer "
            "sends /linkcohort here to link this group to the cohort; then /classquiz runs a "
            "quiz for the whole class."))


async def migrated(update: Update, context: BotContext) -> None:
    """The group became a supergroup: its link and quiz move to the new chat id."""
    message = update.message
    if message is not None and message.migrate_to_chat_id:
        await context.services.classroom.migrate(message.chat.id, message.migrate_to_chat_id)


def register(app: Application, *, jobs: bool = True) -> None:
    app.add_handler(CommandHandler("linkcohort", linkcohort))
    app.add_handler(CommandHandler("classquiz", classquiz))
    app.add_handler(CallbackQueryHandler(link_button, pattern=cb.CLASS_LINK.pattern))
    app.add_handler(CallbackQueryHandler(language_button, pattern=cb.CLASS_LANG.pattern))
    app.add_handler(CallbackQueryHandler(quiz_button, pattern=cb.CLASS_QUIZ.pattern))
    app.add_handler(PollAnswerHandler(poll_answer))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    # group 2: the private-chat block/unblock handler (group 0) sees these updates too
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER), group=2)
    debrief.register(app, jobs=jobs)

