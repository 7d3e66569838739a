"""Who may see which report: one check for the report, its charts and its CSV files.

Every command and every press of a report, chart or export button calls :func:`report_scope`:
filter data comes from the client, so a trainer's forged cohort id is refused on the server
each time, and officers get no report at all."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.staff import refuse
from bot.services.report_scope import ReportFilter, Scope, scope_for


async def report_scope(update: Update, context: BotContext, wanted: ReportFilter
                       ) -> Scope | None:
    """The scope this viewer may see, or None after a localized refusal."""
    user_id = update.effective_user.id
    scope = await scope_for(context.accounts, context.services.cohorts, context.user, user_id,
                            wanted)
    if scope is None:
        t = context.t
        await refuse(update, context, t.label("You can see reports of your own cohorts only.")
                     if context.accounts.is_trainer(context.user, user_id)
                     else t.label("Reports are for trainers and admins only."))
    return scope


async def cohort_name(update: Update, context: BotContext, scope: Scope) -> str | None:
    """The name of the cohort the scope is narrowed to (already checked), if any."""
    if scope.filter.cohort_id is None:
        return None
    cohort = await context.services.cohorts.get(scope.filter.cohort_id,
                                                update.effective_user.id, admin=True)
    return cohort.name if cohort else None
