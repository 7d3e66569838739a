"""Admins manage trainers: /roles, invite links, /trainer_add and /trainer_remove <user id>."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.admin import admin_only
from bot.handlers.common import answer_button, show
from bot.handlers.staff import invite_link
from bot.handlers.stale import stale_button
from bot.i18n import Html
from bot.timeutil import parse_iso
from bot.ui import callbacks as cb
from bot.ui import trainers as kb

log = logging.getLogger(__name__)


def _day(context: BotContext, stamp: str | None) -> str:
    return context.t.date(parse_iso(stamp).date()) if stamp else "—"


async def roles_screen(update: Update, context: BotContext) -> None:
    t, roles = context.t, context.services.roles
    trainers = await roles.trainers()
    lines = [t.ngettext("• {user} · since {date} · {n} cohort",
                        "• {user} · since {date} · {n} cohorts", tr.cohorts,
                        user=str(tr.user_id), date=_day(context, tr.since))
             for tr in trainers] or [t._("No trainers yet.")]
    audit = []
    for entry in await roles.audit(10):
        values = {"date": _day(context, entry.at), "actor": str(entry.actor_id),
                  "subject": str(entry.subject_id)}
        if entry.action == "revoke":
            audit.append(t._("{date}: {actor} took the trainer role from {subject}", **values))
        elif entry.via == "invite":
            audit.append(t._("{date}: {subject} became a trainer with an invite link from "
                             "{actor}", **values))
        else:
            audit.append(t._("{date}: {actor} made {subject} a trainer by user id", **values))
    none = t._("None yet.")
    text = t._(
        "<b>Trainers</b>\n{trainers}\n\n<b>Recent changes</b>\n{audit}\n\nTo make someone a "
        "trainer, send them a one-time invite link (button below), or send /trainer_add "
        "followed by their Telegram user id. /trainer_remove followed by the id takes the "
        "role back.", trainers=Html("\n".join(lines)),
        audit=Html("\n".join(audit) or none))
    await show(update, context, text, kb.roles(t, [tr.user_id for tr in trainers]),
               edit=update.callback_query is not None)


@admin_only
async def roles_command(update: Update, context: BotContext) -> None:
    await roles_screen(update, context)


@admin_only
async def roles_button(update: Update, context: BotContext) -> None:
    query, t = update.callback_query, context.t
    values = cb.ROLES.unpack(query.data) or {}
    action, value = values.get("a"), values.get("v", "")
    if action == "list":
        await answer_button(update)
        await roles_screen(update, context)
    elif action == "invite":
        await answer_button(update)
        invite = await context.services.roles.create_invite(update.effective_user.id)
        await show(update, context, t._(
            "<b>Trainer invite</b>\nSend this link to the new trainer. It works once and "
            "expires on {date} (UTC).\n{link}",
            date=t.date(parse_iso(invite.expires_at).date()),
            link=invite_link(context, invite.payload)), kb.back_to_roles(t))
    elif action == "revoke" and value.isdigit():
        await answer_button(update)
        await show(update, context, t._(
            "Take the trainer role from {user}? Their cohorts stay, and an administrator "
            "can still manage them; broadcasts they scheduled are cancelled.", user=value),
            kb.confirm(t, t.label("Yes, revoke"), cb.ROLES.pack(a="revoke-yes", v=value),
                       cb.ROLES.pack(a="list", v=kb.NONE)))
    elif action == "revoke-yes" and value.isdigit():
        status = await context.services.roles.revoke(update.effective_user.id, int(value))
        await answer_button(update, t.label("{user} is no longer a trainer.", user=value)
                            if status == "ok" else t.label("{user} is not a trainer.",
                                                           user=value))
        await roles_screen(update, context)
    else:
        await stale_button(update, context)


def _user_id_argument(context: BotContext) -> int | None:
    args = context.args or []
    if len(args) != 1:
        return None
    try:
        value = int(args[0])
    except ValueError:
        return None
    return value if 0 < value < 2**52 else None


@admin_only
async def trainer_add(update: Update, context: BotContext) -> None:
    t = context.t
    user_id = _user_id_argument(context)
    if user_id is None:
        await show(update, context, t._("Send the Telegram user id after the command, for "
                                        "example: /trainer_add 123456789"), edit=False)
        return
    status = await context.services.roles.grant(update.effective_user.id, user_id)
    user = str(user_id)
    text = {
        "ok": t._("{user} is now a trainer.", user=user),
        "unknown": t._("No one with the user id {user} has started the bot yet. Send them a "
                       "trainer invite link from /roles instead.", user=user),
        "already": t._("{user} is already a trainer.", user=user),
        "admin": t._("{user} is an administrator already.", user=user),
    }[status]
    await show(update, context, text, edit=False)
    if status == "ok":
        await tell_new_trainer(context, user_id)


async def tell_new_trainer(context: BotContext, user_id: int) -> None:
    """Let the new trainer know, in his or her language."""
    user = await context.store.users.get(user_id)
    if user is None:
        return
    t = context.services.catalogs.get(user.locale)
    try:
        await context.bot.send_message(user.chat_id, t.layout(t._(
            "🎓 You are now a trainer. Send /cohorts to create a cohort and invite officers, "
            "and /broadcast to send them a message.")))
    except TelegramError as exc:
        log.info("Could not tell a new trainer: %s", exc)


@admin_only
async def trainer_remove(update: Update, context: BotContext) -> None:
    t = context.t
    user_id = _user_id_argument(context)
    if user_id is None:
        await show(update, context, t._("Send the Telegram user id after the command, for "
                                        "example: /trainer_remove 123456789"), edit=False)
        return
    status = await context.services.roles.revoke(update.effective_user.id, user_id)
    user = str(user_id)
    await show(update, context, t._("{user} is no longer a trainer.", user=user)
               if status == "ok" else t._("{user} is not a trainer.", user=user), edit=False)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("roles", roles_command, filters=private))
    app.add_handler(CommandHandler("trainer_add", trainer_add, filters=private))
    app.add_handler(CommandHandler("trainer_remove", trainer_remove, filters=private))
    app.add_handler(CallbackQueryHandler(roles_button, pattern=cb.ROLES.pattern))
