"""Command line: ``python -m bot run | demo | content check``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import TOKEN_VARIABLE, ConfigError, load_settings
from bot.logs import setup_logging
from bot.store import StorageError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Toolkit Companion bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot against Telegram (polling, or a webhook if set)")
    demo = sub.add_parser("demo", help="chat with the bot in this terminal, with no token")
    demo.add_argument("--user-id", type=int, default=1001, help="the demo user's Telegram id")
    demo.add_argument("--lang", default="en",
                      help="the demo user's Telegram language code (e.g. ru, ps, fa-AF)")
    demo.add_argument("--fresh", action="store_true",
                      help="start afresh: a new, empty database for this run only, deleted at "
                           "the end (DATABASE_PATH is not touched)")
    demo.add_argument("--sample", action="store_true",
                      help="add simulated officers in cohorts, with lessons and answers, so "
                           "that an admin's /report shows real figures")
    demo.add_argument("--files", type=Path, default=Path("data/demo-files"),
                      help="where photos and documents the bot sends (charts, CSV) are saved")
    content = sub.add_parser("content", help="course content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate content/ and report translation "
                                   "coverage and quality")
    check.add_argument("--locale", help="one locale alone: missing, stale, flagged strings")
    check.add_argument("--strict", action="store_true",
                       help="missing or stale translations are errors in every locale")
    pseudonym = sub.add_parser("pseudonym", help="the pseudonym that stands for a Telegram user "
                               "id in this bot's logs (derived from the token)")
    pseudonym.add_argument("user_id", type=int, nargs="+")
    catalogs = sub.add_parser("catalogs", help="extract/update/fill/status of the gettext catalogs",
                              add_help=False)
    catalogs.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "catalogs":
        from bot.catalogs import main as catalogs_main
        return catalogs_main(args.rest)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "content":
        from bot.course.check import main as check_main
        extra = (["--locale", args.locale] if args.locale else []) + \
            (["--strict"] if args.strict else [])
        return check_main([str(settings.content_dir), str(settings.locales_dir), *extra])
    if args.command == "pseudonym":
        return _pseudonyms(settings, args.user_id)
    if args.command == "demo":
        setup_logging("WARNING", settings.secrets)
        print("Toolkit Companion offline demo: type /start. A number presses a button; "
              "end of input (Ctrl-D) quits.", file=sys.stderr)
        from bot.course.loader import ContentError
        from bot.demo import fresh_database, run_demo
        try:
            with fresh_database(settings, args.fresh) as demo_settings:
                return asyncio.run(run_demo(demo_settings, user_id=args.user_id,
                                            language_code=args.lang, sample=args.sample,
                                            files_dir=args.files))
        except StorageError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        except ContentError as exc:
            return _content_refused(exc)
    setup_logging(settings.log_level, settings.secrets, pseudonym_key=settings.token.value)
    if not settings.token:
        print(f"{TOKEN_VARIABLE} is not set: put your bot's token in it (or in a .env file) "
              "to run against Telegram, or try `python -m bot demo` to chat offline.",
              file=sys.stderr)
        return 2
    from bot.course.loader import ContentError
    from bot.run import run
    try:
        return run(settings)
    except StorageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ContentError as exc:
        return _content_refused(exc)


def _pseudonyms(settings, user_ids: list[int]) -> int:
    if not settings.token:
        print(f"{TOKEN_VARIABLE} is not set: the pseudonyms in the logs are derived from the "
              "bot's token, so run this with the same settings as the bot.", file=sys.stderr)
        return 2
    from bot.logs import pseudonym, set_pseudonym_key
    set_pseudonym_key(settings.token.value)
    for user_id in user_ids:
        print(f"{user_id} {pseudonym(user_id)}")
    return 0


def _content_refused(exc) -> int:
    print("The course content is invalid, so the bot will not start. Fix these problems "
          "(python -m bot content check lists them):", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

