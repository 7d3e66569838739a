"""The staff paragraphs of /help: the trainer and admin commands, shown only to those roles.

The caller decides the role on the server (``context.accounts.is_trainer/is_admin``); this
module only renders. Each command is listed with a one-line description, as the officers'
commands are (``bot.handlers.onboarding.COMMANDS``).
"""

from __future__ import annotations

from bot.i18n import N_, Html, Translator

#: Commands of trainers (and admins, who may do everything a trainer may), in help order.
TRAINER_COMMANDS: list[tuple[str, str]] = [
    ("cohorts", N_("Your cohorts: create one, share its invite link, see its members")),
    ("broadcast", N_("Send a message to officers, now or at a set time")),
    ("report", N_("Progress report of your officers, with charts and CSV files")),
    ("reach", N_("Cohorts run, officers reached, lessons finished, class quizzes held")),
    ("charts", N_("Charts: active officers, completion and predicted recall")),
    ("export", N_("CSV files: progress per officer (pseudonyms) and answers per question")),
    ("teach", N_("A session plan for a module, and its class quiz")),
    ("linkcohort", N_("In your class's Telegram group: link the group to a cohort")),
    ("classquiz", N_("In a linked class group: start a class quiz")),
]

#: Commands of admins only.
ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("roles", N_("The trainers, recent role changes, a trainer invite link, revoking")),
    ("trainer_add", N_("Make someone who started the bot a trainer, by Telegram user id")),
    ("trainer_remove", N_("Take the trainer role back, by Telegram user id")),
    ("emergency_set", N_("Correct an emergency number (send it alone to see how)")),
    ("reload", N_("Load edited content and translations")),
]


def _lines(t: Translator, commands: list[tuple[str, str]]) -> Html:
    return Html("\n".join(f"/{name} — {t._(description)}" for name, description in commands))


def staff_help(t: Translator, *, admin: bool) -> str:
    """The paragraphs a trainer (and, with ``admin``, an admin) sees under /help."""
    paragraphs = [t._("<b>Trainer tools</b>\n{commands}",
                      commands=_lines(t, TRAINER_COMMANDS))]
    if admin:
        paragraphs.append(t._("<b>Administrator tools</b>\n{commands}",
                              commands=_lines(t, ADMIN_COMMANDS)))
    return "\n\n".join(paragraphs)
