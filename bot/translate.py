"""A translator's batches: export what a locale still needs, import it back as drafts.

    python -m bot catalogs export --locale ps --module hiv --limit 50 -o ps-hiv-1.json
    python -m bot catalogs import ps-hiv-1.json          # filled in: written as drafts
    python -m bot catalogs import ps-hiv-1.json --reviewed   # a reviewer's batch: no draft flag

``export`` writes the entries of one locale and one domain (``content``: the course, the
default; ``messages``: the interface) that are missing or stale (``--state`` chooses: missing,
stale, draft, all), in course order, optionally only one module (``--module hiv``) or source
file (``--file content/modules/01-hiv.yaml``), ``--offset``/``--limit`` at a time, as JSON
(default) or as a PO file (``--format po``, for Poedit and friends). Each entry carries its
context, the English, where it appears and its limits, the glossary terms its English uses,
and for a stale entry the old English and the old translation.

``import`` reads a filled file back: entries with a ``translation`` are written into
``locales/<locale>/LC_MESSAGES/<domain>.po`` with the ``draft`` flag (``--reviewed``: without
it), entries with ``"fallback": true`` are flagged ``fallback`` (the English is meant). An
entry is refused, with the reason, when its English changed since the export, or when its
translation breaks a placeholder, a tag or a length limit; quality warnings (language,
glossary, digits) are printed and the entry is written. Nothing else in the catalog changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.config import PROJECT_ROOT
from bot.course import glossary as glossaries
from bot.course import markup, quality
from bot.course.catalogs import ContentCatalogs, State
from bot.course.extract import notes
from bot.course.loader import load_course
from bot.course.model import Course, Text
from bot.course.reader import LIMITS, text_problems
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES

DRAFT, FALLBACK = "draft", "fallback"
STATES = ("missing", "stale", "draft", "all")
FORMAT = "toolkit-companion-translation/1"
HOWTO = ("Fill 'translation' (a list of forms for plural entries) and keep every {placeholder}, "
         "tag and line break; or set 'fallback': true to show the English on purpose. Leave "
         "an entry empty to skip it. Then: python -m bot catalogs import THIS_FILE")


def _po(locales: Path, locale: str, domain: str) -> Path:
    return locales / locale / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, include_previous=True)


# --- export ---------------------------------------------------------------------------------
def _in_module(course: Course, module: str) -> set[str]:
    """The owner prefixes (``lesson:id``, ``quiz:id``, ``ref:id``...) of one module."""
    found = course.module(module)
    if found is None:
        raise SystemExit(f"no module {module!r}: one of "
                         f"{', '.join(m.id for m in course.modules)}")
    owners = {f"module:{module}"}
    for lesson in found.lessons:
        owners.add(f"lesson:{lesson.id}")
        owners |= {f"quiz:{item.id}" for item in lesson.quiz}
    owners |= {f"ref:{card.id}" for card in course.reference_by_topic(module)}
    return owners


def _glossary_terms(glossary, english: str) -> list[dict[str, str]]:
    if glossary is None:
        return []
    return [{"en": t.en, "term": t.term, **({"note": t.note} if t.note else {})}
            for t in glossary.terms if t.english_in(english)]


def content_entries(course: Course, catalogs: ContentCatalogs, locale: str, states: set[str],
                    module: str | None = None, file: str | None = None, glossary=None
                    ) -> list[dict]:
    owners = _in_module(course, module) if module else None
    out = []
    for text, note in notes(list(course.all_texts())):
        if owners is not None and ":".join(text.ctx.split(":")[:2]) not in owners:
            continue
        if file and not text.file.endswith(file):
            continue
        state, entry = catalogs.state(locale, text)
        name = {State.MISSING: "missing", State.INVALID: "missing", State.STALE: "stale",
                State.FALLBACK: "fallback"}.get(state, "draft" if entry and entry.draft
                                                else "translated")
        if "all" not in states and name not in states:
            continue
        kind = text.ctx.split(":")[2]
        item = {"msgctxt": text.ctx, "english": text.source, "state": name, "note": note,
                "kind": kind, "limit": LIMITS[kind], "where": f"{text.file}:{text.line}",
                "glossary": _glossary_terms(glossary, text.source),
                "translation": entry.string if entry and name in ("draft", "translated")
                else "", "fallback": False}
        if state is State.STALE and entry is not None:
            item["previous"] = {"english": entry.msgid, "translation": entry.string}
        if state is State.INVALID and entry is not None:
            item["translation"] = entry.string
            item["problems"] = list(entry.problems)
        out.append(item)
    return out


def message_entries(catalog: Catalog, states: set[str], glossary=None) -> list[dict]:
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        name = "stale" if m.fuzzy else "fallback" if FALLBACK in m.flags else \
            ("draft" if DRAFT in m.flags else "translated") if all(strings) else "missing"
        if "all" not in states and name not in states:
            continue
        item: dict = {"msgid": ids[0], "state": name, "note": " ".join(m.auto_comments),
                      "where": " ".join(f"{f}:{n}" for f, n in m.locations),
                      "glossary": _glossary_terms(glossary, " ".join(ids)), "fallback": False}
        if len(ids) > 1:
            item["msgid_plural"] = ids[1]
            item["plural_forms"] = catalog.num_plurals
            item["translation"] = [s if name in ("draft", "translated") else ""
                                   for s in strings] or [""] * catalog.num_plurals
        else:
            item["translation"] = strings[0] if name in ("draft", "translated") else ""
        if m.fuzzy:
            item["previous"] = {"english": m.previous_id[0] if m.previous_id else "",
                                "translation": strings[0]}
        out.append(item)
    return out


def export(locales: Path, content: Path, locale: str, domain: str, states: set[str],
           module: str | None = None, file: str | None = None, offset: int = 0,
           limit: int | None = None) -> dict:
    glossary, _ = glossaries.load(locales, locale)
    if domain == "content":
        course = load_course(content)
        catalogs = ContentCatalogs.load(locales, [locale], course.settings.source_locale)
        entries = content_entries(course, catalogs, locale, states, module, file, glossary)
    else:
        entries = message_entries(_read(_po(locales, locale, domain)), states, glossary)
    total = len(entries)
    entries = entries[offset: offset + limit if limit else None]
    return {"format": FORMAT, "locale": locale, "domain": domain, "how": HOWTO,
            "selected": {"states": sorted(states), "module": module, "file": file,
                         "offset": offset, "of": total}, "entries": entries}


def to_po(data: dict) -> Catalog:
    """The exported batch as a PO catalog (the JSON fields as translator comments)."""
    catalog = Catalog(locale=data["locale"].replace("uz", "uz_Latn") if data["locale"] == "uz"
                      else data["locale"], domain=data["domain"], project="Toolkit Companion",
                      fuzzy=False)
    for e in data["entries"]:
        comments = [c for c in (e.get("note"), f"Limit: {e['limit']} characters."
                                if e.get("limit") else "", e.get("where")) if c]
        comments += [f"Glossary: {g['en']} = {g['term']}" for g in e.get("glossary", ())]
        if "previous" in e:
            comments.append(f"Previous English: {e['previous']['english']}")
        msgid = (e["msgid"], e["msgid_plural"]) if "msgid_plural" in e else \
            e.get("english", e.get("msgid"))
        string = tuple(e["translation"]) if isinstance(e["translation"], list) else \
            e["translation"]
        catalog.add(msgid, string, context=e.get("msgctxt"), auto_comments=comments,
                    flags=[FALLBACK] if e.get("fallback") else [])
    return catalog


def from_po(catalog: Catalog) -> dict:
    locale = str(catalog.locale).replace("uz_Latn", "uz") if catalog.locale else ""
    entries = []
    for m in catalog:
        if not m.id:
            continue
        e: dict = {"fallback": FALLBACK in m.flags}
        if m.context:
            e.update(msgctxt=m.context, english=m.id, translation=m.string)
        elif isinstance(m.id, tuple):
            e.update(msgid=m.id[0], msgid_plural=m.id[1], translation=list(m.string))
        else:
            e.update(msgid=m.id, translation=m.string)
        entries.append(e)
    domain = "content" if any("msgctxt" in e for e in entries) else "messages"
    return {"format": FORMAT, "locale": locale, "domain": domain, "entries": entries}


# --- import ---------------------------------------------------------------------------------
@dataclass
class Imported:
    written: int = 0
    fallback: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _filled(e: dict) -> bool:
    value = e.get("translation")
    return bool(value if isinstance(value, str) else value and all(value))


def import_batch(data: dict, locales: Path, content: Path, reviewed: bool = False
                 ) -> Imported:
    locale, domain = data.get("locale"), data.get("domain")
    if locale not in SUPPORTED_LOCALES or locale == SOURCE_LOCALE or \
            domain not in ("content", "messages"):
        raise SystemExit(f"the file names locale {locale!r} and domain {domain!r}: not a "
                         "translation batch of this project")
    path = _po(locales, locale, domain)
    catalog = _read(path, "uz_Latn" if locale == "uz" else locale)
    glossary, _ = glossaries.load(locales, locale)
    texts: dict[str, Text] = {}
    if domain == "content":
        texts = {t.ctx: t for t in load_course(content).all_texts()}
    result = Imported()
    for e in data.get("entries", []):
        if not (_filled(e) or e.get("fallback")):
            continue
        key = e.get("msgctxt") or e.get("msgid", "")
        if domain == "content":
            message, english, reason = _content_target(catalog, texts, e)
        else:
            message = catalog.get(e.get("msgid", ""))
            english = e.get("msgid", "")
            reason = None if message is not None else "no longer in the interface"
        if message is None:
            result.skipped.append(f"{key}: {reason}")
            continue
        if e.get("fallback"):
            message.string = ("",) * len(message.string) \
                if isinstance(message.string, tuple) else ""
            message.flags.discard(DRAFT)
            message.flags.discard("fuzzy")
            message.flags.add(FALLBACK)
            result.fallback += 1
            continue
        strings = e["translation"] if isinstance(e["translation"], list) else \
            [e["translation"]]
        errors = _errors(domain, key, english, message, strings, catalog.num_plurals)
        if errors:
            result.skipped.append(f"{key}: {'; '.join(errors)}")
            continue
        message.string = tuple(strings) if isinstance(message.id, tuple) else strings[0]
        message.flags.discard("fuzzy")
        message.flags.discard(FALLBACK)
        message.previous_id = []
        (message.flags.discard if reviewed else message.flags.add)(DRAFT)
        result.written += 1
        for string in strings:
            unit = quality.Unit(domain, locale, key, english, string, str(path), 0,
                                isinstance(message.id, tuple))
            result.warnings += [f"{key}: {p.message.split(': ', 1)[-1]}"
                                for p in quality.unit_problems(unit, glossary)
                                if p.severity == "warning"]
    if result.written or result.fallback:
        _write(path, catalog)
    return result


def _content_target(catalog: Catalog, texts: dict[str, Text], e: dict):
    ctx = e.get("msgctxt", "")
    text = texts.get(ctx)
    if text is None:
        return None, "", "no longer in the course"
    if e.get("english") != text.source:
        return None, "", "the English changed since the export: export it again"
    message = catalog.get(text.source, context=ctx)
    if message is None:
        return None, "", f"not in {ctx.split(':')[0]} catalog yet: run python -m bot " \
            "catalogs update --domain content"
    return message, text.source, None


def _errors(domain: str, key: str, english: str, message, strings: list[str],
            plurals: int) -> list[str]:
    if isinstance(message.id, tuple) and len(strings) != plurals:
        return [f"needs {plurals} plural forms, has {len(strings)}"]
    sources = message.id if isinstance(message.id, tuple) else (english,)
    problems = []
    for i, string in enumerate(strings):
        source = sources[min(i, len(sources) - 1)]
        if domain == "content":
            kind = key.split(":")[2]
            problems += text_problems(string, kind) if kind in LIMITS else []
            if sorted(markup.tags(string)) != sorted(markup.tags(source)):
                problems.append("has other tags than the English")
        else:
            unit = quality.Unit(domain, "en", key, source, string, "", 0,
                                isinstance(message.id, tuple))
            problems += [p.message.split(" translation ", 1)[-1]
                         for p in quality.unit_problems(unit, None) if p.severity == "error"]
    return problems


# --- command line -------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot catalogs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    ex = sub.add_parser("export", help="write the entries a locale still needs to a file")
    ex.add_argument("--locale", required=True,
                    choices=[loc for loc in SUPPORTED_LOCALES if loc != SOURCE_LOCALE])
    ex.add_argument("--domain", choices=["content", "messages"], default="content")
    ex.add_argument("--state", default="missing,stale",
                    help=f"comma-separated, of: {', '.join(STATES)} (default: missing,stale)")
    ex.add_argument("--module", help="only this module's lessons, quizzes and reference cards")
    ex.add_argument("--file", help="only texts from this source file")
    ex.add_argument("--offset", type=int, default=0, help="skip this many entries first")
    ex.add_argument("--limit", type=int, help="at most this many entries")
    ex.add_argument("--format", choices=["json", "po"], default="json")
    ex.add_argument("-o", "--output", help="the file to write (default: standard output)")
    im = sub.add_parser("import", help="write a filled export back into the catalog")
    im.add_argument("file")
    im.add_argument("--reviewed", action="store_true",
                    help="a native speaker reviewed these: write them without the draft flag")
    args = parser.parse_args(argv)
    locales, content = PROJECT_ROOT / "locales", PROJECT_ROOT / "content"
    from bot.catalogs import locked
    if args.action == "export":
        states = {s.strip() for s in args.state.split(",") if s.strip()}
        if not states <= set(STATES):
            parser.error(f"--state: of {', '.join(STATES)}")
        data = export(locales, content, args.locale, args.domain, states, args.module,
                      args.file, args.offset, args.limit)
        if args.format == "po":
            import io
            buf = io.BytesIO()
            write_po(buf, to_po(data), width=0)
            text = buf.getvalue().decode("utf-8")
        else:
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        sel = data["selected"]
        print(f"{args.locale} {args.domain}: {len(data['entries'])} of {sel['of']} entries "
              f"({', '.join(sel['states'])}) exported", file=sys.stderr)
        return 0
    path = Path(args.file)
    if path.suffix == ".po":
        data = from_po(_read(path))
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    with locked():
        result = import_batch(data, locales, content, reviewed=args.reviewed)
    flag = "reviewed" if args.reviewed else "drafts"
    print(f"{data['locale']} {data['domain']}: {result.written} written as {flag}, "
          f"{result.fallback} flagged fallback, {len(result.skipped)} refused")
    for line in result.skipped:
        print(f"  refused: {line}")
    for line in result.warnings:
        print(f"  warning: {line}")
    return 1 if result.skipped else 0
