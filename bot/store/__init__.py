"""The storage layer: it owns all SQL."""

from bot.store.audience import AudienceRepo
from bot.store.broadcasts import BroadcastRepo
from bot.store.classroom import ClassroomRepo
from bot.store.cohorts import CohortRepo
from bot.store.db import Database, StorageError
from bot.store.emergency import EmergencyRepo
from bot.store.housekeeping import HousekeepingRepo
from bot.store.media import MediaRepo
from bot.store.outbox import OutboxRepo
from bot.store.progress import ProgressRepo
from bot.store.quiz import QuizRepo
from bot.store.reminders import ReminderRepo
from bot.store.roles import RoleRepo
from bot.store.search import SearchRepo
from bot.store.users import User, UserRepo

__all__ = ["AudienceRepo", "BroadcastRepo", "ClassroomRepo", "CohortRepo", "Database",
           "EmergencyRepo",
           "HousekeepingRepo", "OutboxRepo", "ProgressRepo", "QuizRepo", "ReminderRepo",
           "RoleRepo", "SearchRepo", "StorageError", "Store", "User", "UserRepo"]


class Store:
    """One object that gives services their repositories over one database."""

    def __init__(self, db: Database):
        self.db = db
        self.users = UserRepo(db)
        self.progress = ProgressRepo(db)
        self.quiz = QuizRepo(db)
        self.reminders = ReminderRepo(db)
        self.search = SearchRepo(db)
        self.emergency = EmergencyRepo(db)
        self.housekeeping = HousekeepingRepo(db)
        self.roles = RoleRepo(db)
        self.cohorts = CohortRepo(db)
        self.broadcasts = BroadcastRepo(db)
        self.audience = AudienceRepo(db)
        self.outbox = OutboxRepo(db)
        self.classroom = ClassroomRepo(db)
        self.media = MediaRepo(db)  # charts and exports, read on connections of their own

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()
