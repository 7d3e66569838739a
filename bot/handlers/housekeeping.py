"""The JobQueue job that prunes old quiz rounds (``bot.services.housekeeping``)."""

from __future__ import annotations

import logging

from telegram.ext import Application

from bot.context import BotContext
from bot.services.housekeeping import Housekeeping

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 3600
FIRST_PRUNE_S = 300  # not at start-up: a restart is busy enough


async def prune(context: BotContext) -> None:
    services = context.bot_data.services
    try:
        await Housekeeping(services.store, services.clock).prune()
    except Exception:  # a failed run is retried at the next one; the job must keep going
        log.exception("Pruning old quiz rounds failed")


def register(app: Application, *, enabled: bool = True) -> None:
    if enabled and app.job_queue is not None:
        app.job_queue.run_repeating(prune, interval=PRUNE_EVERY_S, first=FIRST_PRUNE_S,
                                    name="housekeeping")
