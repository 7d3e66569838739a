"""The typed context every handler receives: services and the current user's translator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Catalogs, Translator

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.delivery.sender import OutboxSender
    from bot.services.accounts import AccountService
    from bot.services.broadcasts import BroadcastService
    from bot.services.charts import ChartService
    from bot.services.classroom import ClassroomService
    from bot.services.cohorts import CohortService
    from bot.services.content import ContentService
    from bot.services.emergency import EmergencyService
    from bot.services.exports import ExportService
    from bot.services.lessons import LessonService
    from bot.services.outbox import OutboxService
    from bot.services.quiz import QuizService
    from bot.services.reference import ReferenceService
    from bot.services.reminders import ReminderService
    from bot.services.reports import ReportService
    from bot.services.roles import RoleService
    from bot.services.search import SearchService
    from bot.store import Store, User
    from bot.timeutil import Clock


@dataclass
class Services:
    """What the application holds for its lifetime (``bot_data``)."""

    settings: Settings
    store: Store
    catalogs: Catalogs
    accounts: AccountService
    content: ContentService
    lessons: LessonService
    quiz: QuizService
    reminders: ReminderService
    reference: ReferenceService
    search: SearchService
    emergency: EmergencyService
    clock: Clock
    # trainers: roles, cohorts, broadcasts, and the outbox every bulk message goes through
    roles: RoleService
    cohorts: CohortService
    outbox: OutboxService
    broadcasts: BroadcastService
    sender: OutboxSender
    # reports' charts and CSV exports (issue 12)
    charts: ChartService
    exports: ExportService
    # reports (issue 12): set by build_application once the broadcasts are built
    reports: ReportService = None  # type: ignore[assignment]
    # classroom (issue 14): class groups, class quizzes, debriefs
    classroom: ClassroomService | None = None


class BotData(dict):
    """``application.bot_data``: a dict whose ``services`` entry is set by ``build_application``."""

    @property
    def services(self) -> Services:
        return self["services"]


class BotContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """Per-update context. The group -1 handler fills ``user`` and ``t`` once per update."""

    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.user: User | None = None
        self._t: Translator | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def accounts(self) -> AccountService:
        return self.services.accounts

    @property
    def t(self) -> Translator:
        return self._t or self.services.catalogs.get(self.services.settings.default_locale)

    @t.setter
    def t(self, translator: Translator) -> None:
        self._t = translator
