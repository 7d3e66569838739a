"""Catalog maintenance: extract, update, fill drafts, and report (``python -m bot catalogs``).

Two gettext domains live under ``locales/``: ``messages`` (the bot's UI, extracted from
``bot/``) and ``content`` (the course, extracted from ``content/`` by
``bot.course.extract``). The standard tools work on them too; these commands only save typing:

    python -m bot catalogs extract   # pybabel extract -> locales/<domain>.pot
    python -m bot catalogs update    # pybabel update/init -> locales/<locale>/LC_MESSAGES/*.po
    python -m bot catalogs fill FILE # apply machine drafts {locale: {msgid: msgstr}}, flagged draft
    python -m bot catalogs status    # per locale: translated, draft, fuzzy (stale), missing
    python -m bot catalogs export --locale ps --module hiv --limit 50 -o batch.json
    python -m bot catalogs import batch.json   # a translator's batch, back as drafts

Nothing needs compiling: the bot compiles the .po files in memory at start-up. ``pybabel
compile -d locales -D messages`` still works for other tools.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from bot.config import PROJECT_ROOT
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES

LOCALES = PROJECT_ROOT / "locales"
DOMAINS = {
    # domain: (mapping file, keywords beyond babel's defaults, input folder)
    "messages": ("babel.cfg", ["label", "nlabel:1,2"], "bot"),
    "content": ("babel-content.cfg", ["pgettext:1c,2"], "."),
}
DRAFT = "draft"
HEADER_NOTE = ("Entries flagged 'draft' were machine-drafted and await review by a native "
               "speaker; remove the flag when reviewed.")


@contextmanager
def locked() -> Iterator[None]:
    """Serialise catalog writes between people (and tools) working in one tree."""
    LOCALES.mkdir(exist_ok=True)
    with open(LOCALES / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pybabel(*args: str) -> None:
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)  # source references relative to the project, not this machine
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(cwd)


def pot_path(domain: str) -> Path:
    return LOCALES / f"{domain}.pot"


def po_path(locale: str, domain: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str) -> None:
    mapping, keywords, folder = DOMAINS[domain]
    if not (PROJECT_ROOT / mapping).is_file():
        return
    args = ["extract", "-F", mapping, "-o", str(pot_path(domain).relative_to(PROJECT_ROOT)),
            "--add-comments=NOTE:", "--sort-by-file", "--project=Toolkit Companion",
            "--no-wrap", "--copyright-holder=Toolkit Companion"]
    for keyword in keywords:
        args += ["-k", keyword]
    _pybabel(*args, folder)


def update(domain: str) -> None:
    pot = pot_path(domain)
    if not pot.is_file():
        return
    for locale in SUPPORTED_LOCALES:
        po = po_path(locale, domain)
        if po.is_file():
            _pybabel("update", "-i", str(pot), "-o", str(po), "-l", locale, "--no-wrap",
                     "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(pot), "-o", str(po), "-l", locale, "--no-wrap")


def fill(translations: dict[str, dict[str, str | list[str]]], domain: str) -> int:
    """Set msgstrs from ``{locale: {msgid: msgstr | [plural forms]}}`` and flag them draft.

    For the content domain a key may be ``"<msgctxt>\\x04<msgid>"`` or the msgctxt alone
    (``"lesson:hiv-spread:card:2"``). Returns how many entries were written.
    """
    written = 0
    for locale, entries in translations.items():
        po = po_path(locale, domain)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale.replace("uz", "uz_Latn") if locale == "uz"
                              else locale)
        by_context = {m.context: m for m in catalog if m.id and m.context}
        for key, value in entries.items():
            context, _, msgid = key.rpartition("\x04")
            message = catalog.get(msgid, context=context or None)
            if message is None and not context and key in by_context:
                message = by_context[key]  # content: keyed by its context alone
            if message is None:
                for candidate in catalog:
                    if isinstance(candidate.id, tuple) and candidate.id[0] == msgid and \
                            candidate.context == (context or None):
                        message = candidate
                        break
            if message is None:
                raise KeyError(f"{locale}: no message {key!r} in {po}")
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            message.flags.add(DRAFT)
            written += 1
        if HEADER_NOTE not in (catalog.header_comment or ""):
            catalog.header_comment = (catalog.header_comment or "").rstrip() + "\n# " + \
                HEADER_NOTE
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0, include_previous=True)
    return written


def status(domain: str) -> list[tuple[str, int, int, int, int]]:
    """Per locale: (locale, translated, draft, fuzzy, missing)."""
    rows = []
    for locale in SUPPORTED_LOCALES:
        if locale == SOURCE_LOCALE:
            continue
        po = po_path(locale, domain)
        if not po.is_file():
            continue
        from bot.course.quality import po_coverage
        cov = po_coverage(po)  # an entry flagged fallback (English on purpose) counts as done
        rows.append((locale, cov.translated + cov.fallback, cov.draft, cov.stale, cov.missing))
    return rows


def main(argv: list[str] | None = None) -> int:
    if argv and argv[0] in ("export", "import"):  # a translator's batches: bot.translate
        from bot.translate import main as batches
        return batches(argv)
    parser = argparse.ArgumentParser(prog="python -m bot catalogs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["extract", "update", "fill", "status", "export",
                                           "import"])
    parser.add_argument("file", nargs="?", help="with fill: the JSON file of drafts")
    parser.add_argument("--domain", choices=sorted(DOMAINS), action="append",
                        help="messages, content (default: both)")
    args = parser.parse_args(argv)
    domains = args.domain or (["messages"] if args.action == "fill" else list(DOMAINS))
    if args.action == "fill" and len(domains) != 1:
        parser.error("fill takes one --domain")
    with locked():
        for domain in domains:
            if args.action == "extract":
                extract(domain)
            elif args.action == "update":
                extract(domain)
                update(domain)
            elif args.action == "fill":
                if not args.file:
                    parser.error("fill needs the JSON file of drafts")
                data = json.loads(Path(args.file).read_text(encoding="utf-8"))
                print(f"{domain}: {fill(data, domain)} entries written")
            else:
                for locale, ok, draft, fuzzy, missing in status(domain):
                    print(f"{domain:9} {locale:6} translated {ok:4}  draft {draft:4}  "
                          f"fuzzy {fuzzy:4}  missing {missing:4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
