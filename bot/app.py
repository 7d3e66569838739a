"""Build the Application from settings: handlers, services, database life cycle. Wiring only."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.concurrency import PerUserUpdateProcessor, UpdateLimiter
from bot.config import Settings
from bot.context import BotContext, BotData, Services
from bot.delivery.budget import SendBudget, SendLimits
from bot.delivery.limiter import BotRateLimiter
from bot.delivery.render import Renderers
from bot.delivery.sender import OutboxSender
from bot.handlers import (
    about,
    admin,
    broadcast,
    classroom,
    cohorts,
    errors,
    fallback,
    flood,
    housekeeping,
    lessons,
    media,
    menu,
    middleware,
    onboarding,
    quiz,
    reference,
    reminders,
    reports,
    roles,
    search,
    staff,
)
from bot.i18n import SOURCE_LOCALE, Catalogs
from bot.services.accounts import AccountService
from bot.services.broadcasts import BroadcastService
from bot.services.charts import ChartService, Worker
from bot.services.classroom import ClassroomService
from bot.services.cohorts import CohortService
from bot.services.content import ContentService
from bot.services.emergency import EmergencyService
from bot.services.exports import ExportService
from bot.services.lessons import LessonService
from bot.services.outbox import OutboxService
from bot.services.quiz import QuizService, make_scheduler
from bot.services.reference import ReferenceService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.roles import RoleService
from bot.services.search import SearchService
from bot.store import Database, Store
from bot.timeutil import Clock, system_clock

if TYPE_CHECKING:
    from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

#: Used when a fake transport answers instead of Telegram (demo, tests, benchmark).
OFFLINE_TOKEN = "123456:offline-demo-token"
SENDER_RUNS = "outbox_sender_runs"


def build_application(settings: Settings, *, request: BaseRequest | None = None,
                      catalogs: Catalogs | None = None, content: ContentService | None = None,
                      rate_limiter: bool = True, clock: Clock = system_clock,
                      fsrs_fuzzing: bool = True, reminder_ticker: bool = True,
                      update_processor: BaseUpdateProcessor | None = None,
                      prune_job: bool = True, outbox: bool = True,
                      send_limits: SendLimits | None = None) -> Application:
    """The whole bot. ``request`` replaces Telegram (the fake transport of the demo/tests).
    Updates from the updater run through ``update_processor``: by default concurrently across
    officers, in order for each, with a per-officer flood limit (``bot.concurrency``).
    ``outbox=False`` leaves the outbox sender and the broadcast job stopped (tests drive
    them by hand); ``send_limits`` are Telegram's by default.

    Raises ``ContentError`` when the course content is invalid: the bot does not start.
    """
    catalogs = catalogs or Catalogs.load(settings.locales_dir)
    content = content or ContentService(settings.content_dir, settings.locales_dir)
    content.served  # noqa: B018 - load and validate now, before anything is served
    store = Store(Database(settings.database_path))
    budget = SendBudget(send_limits)  # Telegram's limits, shared by answers and the outbox
    builder = (
        ApplicationBuilder()
        .token(settings.token.value or OFFLINE_TOKEN)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(update_processor or PerUserUpdateProcessor(limiter=UpdateLimiter()))
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url).base_file_url(
            file_url_for(settings.api_base_url))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limiter:
        builder = builder.rate_limiter(BotRateLimiter(budget, max_retries=2))
    app = builder.build()
    if isinstance(app.update_processor, PerUserUpdateProcessor) and \
            app.update_processor.on_limited is None:
        app.update_processor.on_limited = lambda update: flood.flood_note(app, update)

    quiz_service = QuizService(store, content, clock, make_scheduler(fuzzing=fsrs_fuzzing))
    sender = OutboxSender(store.outbox, budget, clock)
    outbox_service = OutboxService(store, clock, sender)
    services = Services(
        settings=settings, store=store, catalogs=catalogs,
        accounts=AccountService(store, settings), content=content,
        lessons=LessonService(store, content, clock),
        quiz=quiz_service,
        reminders=ReminderService(store, clock), reference=ReferenceService(content),
        search=SearchService(store, content), emergency=EmergencyService(store, content, clock),
        clock=clock, roles=RoleService(store, settings, clock),
        cohorts=CohortService(store, clock), outbox=outbox_service,
        broadcasts=BroadcastService(store, content, quiz_service, outbox_service, clock),
        sender=sender, charts=ChartService(store, content, clock, quiz_service.scheduler,
                                           media_worker := Worker()),
        exports=ExportService(store, content, clock, quiz_service.scheduler, media_worker))
    services.reports = ReportService(store, content, quiz_service, services.broadcasts, clock)
    services.classroom = ClassroomService(store, content, quiz_service, services.cohorts,
                                          outbox_service, clock)
    Renderers(services).register(sender)
    app.bot_data["services"] = services
    app.bot_data[SENDER_RUNS] = outbox
    app.bot_data[fallback.TEXT_READERS] = []

    main_menu = menu.Menu()
    app.bot_data["menu"] = main_menu
    middleware.register(app)
    onboarding.register(app)
    errors.register(app)
    lessons.register(app, main_menu)
    reference.register(app, main_menu)
    quiz.register(app, main_menu)
    reminders.register(app, main_menu, ticker=reminder_ticker)
    admin.register(app)
    roles.register(app)
    cohorts.register(app, main_menu)
    broadcast.register(app, jobs=outbox)
    reports.register(app, refresh=prune_job)
    classroom.register(app, jobs=outbox)
    staff.register(app)
    media.register(app, snapshots=prune_job)
    about.register(app)
    housekeeping.register(app, enabled=prune_job)
    menu.register(app, main_menu)
    search.register(app)  # its free-text reader reads whatever no other reader claimed
    fallback.register(app)  # last: it catches what nothing else matched
    return app


def file_url_for(base_url: str) -> str:
    """The file URL of a self-hosted Bot API server: ``.../bot`` -> ``.../file/bot``."""
    head, sep, tail = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else f"{base_url}/file"


async def _post_init(app: Application) -> None:
    services: Services = app.bot_data["services"]
    await services.store.open()
    await services.search.start()  # rebuild the index if the content changed; follow reloads
    await publish_commands(app)
    if app.bot_data.get(SENDER_RUNS):
        await services.sender.start(app.bot)  # resumes what a previous run left


async def _post_stop(app: Application) -> None:
    await app.bot_data["services"].sender.stop()  # while the bot can still reach Telegram


async def _post_shutdown(app: Application) -> None:
    services: Services = app.bot_data["services"]
    await services.search.stop()
    services.charts.worker.close()
    await services.store.close()


async def publish_commands(app: Application) -> None:
    """setMyCommands per language, so the menu button lists commands in the officer's own."""
    catalogs: Catalogs = app.bot_data["services"].catalogs
    published: set[str] = set()
    try:
        for locale in catalogs.locales:
            t = catalogs.get(locale)
            commands = [BotCommand(name, t.label(desc)) for name, desc in onboarding.COMMANDS]
            code = locale.split("_")[0]
            if locale == SOURCE_LOCALE:
                await app.bot.set_my_commands(commands)  # the default for every language
            elif code not in published:  # Telegram takes two-letter codes: fa serves fa_AF too
                await app.bot.set_my_commands(commands, language_code=code)
            published.add(code)
    except TelegramError as exc:
        log.warning("Could not publish the command list: %s", exc)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Start the application without an updater (demo, tests, benchmark), as run_polling would:
    initialize, post_init, start; and the reverse on the way out."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
