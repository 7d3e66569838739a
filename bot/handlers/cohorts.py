"""Cohorts: trainers create and manage them (/cohorts); officers join by link and leave
(/cohort). Opening an invite link (``/start co_<code>`` or ``/start tr_<code>``) acts once
onboarding is complete."""

from __future__ import annotations

import html
from datetime import date

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.countries import OTHER, country_name
from bot.countries import is_valid as is_valid_country
from bot.handlers.common import answer_button, show, show_menu
from bot.handlers.staff import (
    clear_input,
    display_names,
    expect_input,
    invite_link,
    is_admin,
    pending_input,
    refuse,
    trainer_only,
    with_note,
)
from bot.handlers.stale import stale_button
from bot.i18n import Html
from bot.services import cohorts as cohort_rules
from bot.services import roles as role_rules
from bot.store import User
from bot.store.cohorts import Cohort
from bot.timeutil import parse_iso
from bot.ui import callbacks as cb
from bot.ui import trainers as kb

NONE = kb.NONE


def _country(context: BotContext, code: str) -> str:
    return context.t.label("another country") if code == OTHER else \
        country_name(code, context.t.locale)


def _day(context: BotContext, stamp: str | None) -> str:
    return context.t.date(parse_iso(stamp).date()) if stamp else "—"


# --- the trainer's list ---------------------------------------------------------------------
async def list_screen(update: Update, context: BotContext, page: int = 0) -> None:
    t, admin = context.t, is_admin(update, context)
    service, user_id = context.services.cohorts, update.effective_user.id
    cohorts = await service.listed(user_id, admin=admin, page=page)
    has_more = admin and await service.count(user_id, admin=True) > \
        (page + 1) * cohort_rules.PAGE
    lines = [("🔒 " if c.closed else "") + t.ngettext(
        "<b>{name}</b> ({country}): {n} member, {active} active in the last 7 days",
        "<b>{name}</b> ({country}): {n} members, {active} active in the last 7 days",
        c.members, name=c.name, country=_country(context, c.country), active=c.active)
        for c in cohorts]
    title = t._("<b>All cohorts</b>") if admin else t._("<b>Your cohorts</b>")
    body = "\n".join(lines) or t._(
        "No cohorts yet. Create one: officers join it with its invite link.")
    await show(update, context, f"{title}\n{body}", kb.cohort_list(t, cohorts, page, has_more),
               edit=update.callback_query is not None)


@trainer_only
async def cohorts_command(update: Update, context: BotContext) -> None:
    clear_input(context)
    await list_screen(update, context)


async def cohort_screen(update: Update, context: BotContext, cohort: Cohort,
                        note: str | None = None) -> None:
    t = context.t
    link = t.label("closed: the link no longer works") if cohort.closed else \
        invite_link(context, cohort_rules.INVITE_PREFIX + cohort.invite_code)
    start = context.t.date(date.fromisoformat(cohort.starts_on)) if cohort.starts_on \
        else t.label("not set")
    text = t._("<b>{name}</b>\nCountry: {country}\nCourse start: {start}\nMembers: {members} "
               "(active in the last 7 days: {active})\nInvite link: {link}", name=cohort.name,
               country=_country(context, cohort.country), start=start,
               members=cohort.members, active=cohort.active, link=link)
    if is_admin(update, context) and cohort.trainer_id != update.effective_user.id:
        text += "\n" + t._("Trainer: {user}", user=str(cohort.trainer_id))
    if note:
        text = with_note(note, text)
    await show(update, context, text, kb.cohort(t, cohort),
               edit=update.callback_query is not None)


async def _owned(update: Update, context: BotContext, cohort_id: str) -> Cohort | None:
    """The cohort of the button if this user may manage it; otherwise say why."""
    cohort = None
    if cohort_id.isdigit():
        cohort = await context.services.cohorts.get(
            int(cohort_id), update.effective_user.id, admin=is_admin(update, context))
    if cohort is None:
        await refuse(update, context, context.t.label(
            "This cohort does not exist or is not yours."))
    return cohort


@trainer_only
async def cohort_button(update: Update, context: BotContext) -> None:
    query, t = update.callback_query, context.t
    values = cb.COHORT.unpack(query.data)
    if values is None:
        await stale_button(update, context)
        return
    target, action, value = values["c"], values["a"], values["v"]
    service = context.services.cohorts
    if action == "list":
        clear_input(context)
        await answer_button(update)
        await list_screen(update, context, int(value) if value.isdigit() else 0)
        return
    if action == "new":
        await answer_button(update)
        expect_input(context, "cohort_name")
        await show(update, context, t._(
            "Send the name of the new cohort (at most {n} characters), for example: "
            "Almaty, May 2026.", n=cohort_rules.MAX_NAME),
            kb.skip_or_cancel(t, None, cb.COHORT.pack(c=NONE, a="list", v=0)))
        return
    if action == "cty":
        draft = pending_input(context)
        if not draft or draft.get("kind") != "cohort_country" or not is_valid_country(value):
            await stale_button(update, context)
            return
        await answer_button(update)
        expect_input(context, "cohort_date", name=draft["name"], country=value)
        await show(update, context, t._(
            "When does the course of {name} start? Send the date, for example 12.05.2026, or "
            "press Skip.", name=draft["name"]),
            kb.skip_or_cancel(t, cb.COHORT.pack(c=NONE, a="nodate", v=NONE),
                              cb.COHORT.pack(c=NONE, a="list", v=0)))
        return
    if action == "nodate":
        draft = pending_input(context)
        if not draft or draft.get("kind") != "cohort_date":
            await stale_button(update, context)
            return
        await answer_button(update)
        await _create(update, context, draft, None)
        return
    cohort = await _owned(update, context, target)
    if cohort is None:
        return
    await answer_button(update)
    if action == "open":
        clear_input(context)
        await cohort_screen(update, context, cohort)
    elif action == "rename":
        expect_input(context, "cohort_rename", cohort=cohort.id)
        await show(update, context, t._("Send the new name of {name} (at most {n} "
                                        "characters).", name=cohort.name,
                                        n=cohort_rules.MAX_NAME),
                   kb.back_to_cohort(t, cohort.id))
    elif action == "rotate":
        await show(update, context, t._(
            "Make a new invite link for {name}? The current link stops working; officers "
            "who joined stay in the cohort.", name=cohort.name),
            kb.confirm(t, t.label("Yes, make a new link"),
                       cb.COHORT.pack(c=cohort.id, a="rotate-yes", v=NONE),
                       cb.COHORT.pack(c=cohort.id, a="open", v=NONE)))
    elif action == "rotate-yes":
        await service.rotate(cohort)
        cohort = await service.get(cohort.id, update.effective_user.id, admin=True)
        await cohort_screen(update, context, cohort, t.label(
            "New invite link made: the old one no longer works."))
    elif action == "close":
        await show(update, context, t._(
            "Close {name}? Its invite link stops working; its members stay, and you can "
            "still send them broadcasts.", name=cohort.name),
            kb.confirm(t, t.label("Yes, close it"),
                       cb.COHORT.pack(c=cohort.id, a="close-yes", v=NONE),
                       cb.COHORT.pack(c=cohort.id, a="open", v=NONE)))
    elif action == "close-yes":
        await service.close(cohort)
        cohort = await service.get(cohort.id, update.effective_user.id, admin=True)
        await cohort_screen(update, context, cohort, t.label("The cohort is closed."))
    elif action == "members":
        await members_screen(update, context, cohort, int(value) if value.isdigit() else 0)
    elif action == "rm" and value.isdigit():
        names = await display_names(context, [int(value)])
        await show(update, context, t._("Remove {member} from {name}?",
                                        member=names.get(int(value), value), name=cohort.name),
                   kb.confirm(t, t.label("Yes, remove"),
                              cb.COHORT.pack(c=cohort.id, a="rm-yes", v=value),
                              cb.COHORT.pack(c=cohort.id, a="members", v=0)))
    elif action == "rm-yes" and value.isdigit():
        removed = await service.remove_member(cohort, int(value))
        cohort = await service.get(cohort.id, update.effective_user.id, admin=True)
        await members_screen(update, context, cohort, 0, note=t.label(
            "Removed from the cohort.") if removed else t.label("Not a member any more."))
    else:
        await stale_button(update, context)


async def members_screen(update: Update, context: BotContext, cohort: Cohort, page: int,
                         note: str | None = None) -> None:
    t = context.t
    members = await context.services.cohorts.members(cohort, page)
    names = await display_names(context, [m.user_id for m in members])
    total = len(context.services.content.course.lessons_in_order())
    labelled = [(m, names.get(m.user_id) or t.label("Officer {number}",
                                                    number=page * cohort_rules.PAGE + i + 1))
                for i, m in enumerate(members)]
    lines = [t._("{name}: joined {joined}, lessons finished {done}/{total}, last active "
                 "{active}", name=name, joined=_day(context, m.joined_at), done=m.lessons_done,
                 total=total, active=_day(context, m.last_active)) for m, name in labelled]
    text = t.ngettext("<b>{name}</b>: {n} member", "<b>{name}</b>: {n} members",
                      cohort.members, name=cohort.name)
    text += "\n" + ("\n".join(lines) or t._("No members yet: share the invite link."))
    if note:
        text = with_note(note, text)
    has_more = cohort.members > (page + 1) * cohort_rules.PAGE
    await show(update, context, text, kb.members(
        t, cohort.id, [(m.user_id, name) for m, name in labelled], page, has_more))


async def _create(update: Update, context: BotContext, draft: dict, starts_on) -> None:
    clear_input(context)
    cohort = await context.services.cohorts.create(
        update.effective_user.id, draft["name"], draft["country"], starts_on)
    cohort = await context.services.cohorts.get(cohort.id, update.effective_user.id,
                                                admin=True)
    await cohort_screen(update, context, cohort, context.t.label(
        "Cohort created. Send its invite link to your officers: they join when they open it."))


async def read_trainer_text(update: Update, context: BotContext) -> bool:
    """Typed text a cohort screen asked for (a name, a date); False if none was asked."""
    wanted = pending_input(context)
    if not wanted or not str(wanted.get("kind", "")).startswith("cohort_"):
        return False
    if not context.accounts.is_trainer(context.user, update.effective_user.id):
        clear_input(context)
        return False
    t, text = context.t, update.effective_message.text or ""
    kind = wanted["kind"]
    if kind in ("cohort_name", "cohort_rename"):
        name = cohort_rules.clean_name(text)
        if name is None:
            await show(update, context, t._(
                "A cohort name needs 1 to {n} characters. Please send it again.",
                n=cohort_rules.MAX_NAME), kb.skip_or_cancel(
                    t, None, cb.COHORT.pack(c=NONE, a="list", v=0)), edit=False)
            return True
        if kind == "cohort_name":
            expect_input(context, "cohort_country", name=name)
            await show(update, context, t._("Which country is {name} in?", name=name),
                       kb.cohort_countries(t), edit=False)
            return True
        cohort = await context.services.cohorts.get(
            int(wanted["cohort"]), update.effective_user.id, admin=is_admin(update, context))
        clear_input(context)
        if cohort is None:
            await refuse(update, context, t.label("This cohort does not exist or is not yours."))
            return True
        await context.services.cohorts.rename(cohort, name)
        cohort = await context.services.cohorts.get(cohort.id, update.effective_user.id,
                                                    admin=True)
        await cohort_screen(update, context, cohort, t.label("Renamed."))
        return True
    if kind == "cohort_date":
        day = cohort_rules.parse_date(text)
        if day is None:
            await show(update, context, t._(
                "I could not read {text} as a date. Send it like this: 12.05.2026, or press "
                "Skip.", text=text[:40]), kb.skip_or_cancel(
                    t, cb.COHORT.pack(c=NONE, a="nodate", v=NONE),
                    cb.COHORT.pack(c=NONE, a="list", v=0)), edit=False)
            return True
        await _create(update, context, wanted, day)
        return True
    # a country is chosen with a button: say so
    await show(update, context, t._("Please choose the country with a button."),
               kb.cohort_countries(t), edit=False)
    return True


# --- officers -------------------------------------------------------------------------------
async def my_cohorts_screen(update: Update, context: BotContext, note: str | None = None
                            ) -> None:
    t = context.t
    cohorts = await context.services.cohorts.of_officer(update.effective_user.id)
    names = await display_names(context, list({c.trainer_id for c in cohorts}))
    lines = []
    for c in cohorts:
        if c.trainer_id in names:
            lines.append(t._("<b>{name}</b>, trainer {trainer}", name=c.name,
                             trainer=names[c.trainer_id]))
        else:
            lines.append(f"<b>{t.isolate(html.escape(c.name, quote=False))}</b>")
    if lines:
        text = t._("<b>Your cohorts</b>\n{cohorts}\n\nThe trainer of a cohort sees your "
                   "progress. Leave a cohort with its button.", cohorts=Html("\n".join(lines)))
    else:
        text = t._("You are not in any cohort. If your trainer gives you an invite link, "
                   "open it to join.")
    if note:
        text = with_note(note, text)
    await show(update, context, text, kb.my_cohorts(t, cohorts),
               edit=update.callback_query is not None)


async def cohort_command(update: Update, context: BotContext) -> None:
    await my_cohorts_screen(update, context)


async def my_cohort_button(update: Update, context: BotContext) -> None:
    query, t = update.callback_query, context.t
    values = cb.MY_COHORT.unpack(query.data)
    cohorts = {c.id: c for c in await context.services.cohorts.of_officer(
        update.effective_user.id)}
    cohort = cohorts.get(int(values["c"])) if values and values["c"].isdigit() else None
    if cohort is None or values["a"] not in ("leave", "yes"):
        await stale_button(update, context)
        return
    await answer_button(update)
    if values["a"] == "leave":
        await show(update, context, t._(
            "Leave {name}? Its trainer will no longer see your progress, and its broadcasts "
            "will no longer reach you.", name=cohort.name),
            kb.confirm(t, t.label("Yes, leave"), cb.MY_COHORT.pack(c=cohort.id, a="yes"),
                       cb.MENU.pack(item="cohort")))
        return
    await context.services.cohorts.leave(update.effective_user.id, cohort.id)
    await my_cohorts_screen(update, context, note=t.label("You left {name}.", name=cohort.name))


# --- invite links ---------------------------------------------------------------------------
async def follow_invite(update: Update, context: BotContext, user: User) -> str | None:
    """Act on the invite link an onboarded user opened (kept as the start payload): join a
    cohort, or become a trainer. Returns a note for the main menu (plain text), or None when
    the payload is not an invite of ours. The payload is used once."""
    payload = user.start_payload or ""
    t = context.t
    if payload.startswith(cohort_rules.INVITE_PREFIX):
        await context.store.users.set_start_payload(user.user_id, None)
        joined = await context.services.cohorts.join(
            user.user_id, payload[len(cohort_rules.INVITE_PREFIX):])
        cohort = joined.cohort
        if joined.status == "ok":
            names = await display_names(context, [cohort.trainer_id])
            if cohort.trainer_id in names:
                return t.label("You joined the cohort {cohort} of trainer {trainer}. Send "
                               "/cohort to see it or to leave it.", cohort=cohort.name,
                               trainer=names[cohort.trainer_id])
            return t.label("You joined the cohort {cohort}. Send /cohort to see it or to "
                           "leave it.", cohort=cohort.name)
        if joined.status == "already":
            return t.label("You are already in the cohort {cohort}.", cohort=cohort.name)
        if joined.status == "closed":
            return t.label("The cohort {cohort} is closed and no longer takes new members.",
                           cohort=cohort.name)
        if joined.status == "own":
            return t.label("This is the invite link of your own cohort {cohort}: officers "
                           "join it by opening it.", cohort=cohort.name)
        return t.label("This invite link is not valid: it may have been replaced by a new "
                       "one. Ask your trainer for the current link.")
    if payload.startswith(role_rules.INVITE_PREFIX):
        await context.store.users.set_start_payload(user.user_id, None)
        status = await context.services.roles.redeem(
            user.user_id, payload[len(role_rules.INVITE_PREFIX):])
        if status == "ok":
            context.user = await context.store.users.get(user.user_id)
        return {
            "ok": t.label("🎓 You are now a trainer. Send /cohorts to create a cohort and "
                          "invite officers, and /broadcast to send them a message."),
            "already": t.label("You already have trainer rights."),
            "used": t.label("This trainer invite has already been used. Ask an "
                            "administrator for a new one."),
            "expired": t.label("This trainer invite has expired. Ask an administrator for "
                               "a new one."),
        }.get(status, t.label("This trainer invite link is not valid. Ask an administrator "
                              "for a new one."))
    return None


async def after_onboarding(update: Update, context: BotContext, user: User) -> bool:
    """The onboarding hook: follow an invite and show the menu under its note."""
    note = await follow_invite(update, context, user)
    if note is None:
        return False
    await show_menu(update, context, note=note, edit=update.callback_query is not None)
    return True


def register(app: Application, menu) -> None:
    from bot.handlers import fallback, onboarding
    private = filters.ChatType.PRIVATE
    menu.add("cohort", my_cohorts_screen)
    app.bot_data[onboarding.INVITE_HOOK] = after_onboarding
    app.bot_data.setdefault(fallback.LONG_TEXT_READERS, []).append(read_trainer_text)
    app.add_handler(CommandHandler("cohorts", cohorts_command, filters=private))
    app.add_handler(CommandHandler("cohort", cohort_command, filters=private))
    app.add_handler(CallbackQueryHandler(cohort_button, pattern=cb.COHORT.pattern))
    app.add_handler(CallbackQueryHandler(my_cohort_button, pattern=cb.MY_COHORT.pattern))
