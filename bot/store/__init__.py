"""The storage layer: it owns all SQL."""

from bot.store.db import Database, StorageError
from bot.store.emergency import EmergencyRepo
from bot.store.housekeeping import HousekeepingRepo
from bot.store.progress import ProgressRepo
from bot.store.quiz import QuizRepo
from bot.store.reminders import ReminderRepo
from bot.store.search import SearchRepo
from bot.store.users import User, UserRepo

__all__ = ["Database", "EmergencyRepo", "HousekeepingRepo", "ProgressRepo", "QuizRepo",
           "ReminderRepo", "SearchRepo", "StorageError", "Store", "User", "UserRepo"]


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

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()
