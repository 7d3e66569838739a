"""A translator's workflow: export a batch, fill it in, import it as drafts (on a tree copy)."""

from __future__ import annotations

import io
import json

from babel.messages.pofile import read_po, write_po
from conftest import untranslated

from bot import translate
from bot.catalogs import main as catalogs_main
from bot.course.catalogs import ContentCatalogs, State
from bot.course.loader import load_course


def _export(tree, **kwargs):
    options = {"states": {"missing", "stale"}} | kwargs
    return translate.export(tree / "locales", tree / "content", **options)


def _content_po(tree, locale):
    with (tree / "locales" / locale / "LC_MESSAGES" / "content.po").open("rb") as fh:
        return read_po(fh)


def test_export_selects_a_module_in_batches_with_notes_limits_and_glossary(content_copy):
    untranslated(content_copy, "kk")
    first = _export(content_copy, locale="kk", domain="content", module="hiv", limit=5)
    second = _export(content_copy, locale="kk", domain="content", module="hiv", offset=5,
                     limit=5)
    assert len(first["entries"]) == 5 and first["selected"]["of"] > 100
    assert not {e["msgctxt"] for e in first["entries"]} & {e["msgctxt"]
                                                           for e in second["entries"]}
    title = first["entries"][0]
    assert title["msgctxt"] == "module:hiv:title" and title["state"] == "missing"
    assert title["limit"] == 40 and "button label" in title["note"]
    assert {"en": "HIV", "term": "АИТВ", "note": "Kazakh abbreviation; ВИЧ is the Russian "
            "one."} in title["glossary"]
    owners = {":".join(e["msgctxt"].split(":")[:2]) for e in first["entries"] + second["entries"]}
    assert all(o.split(":")[1].startswith(("hiv", "hbv")) or o.startswith(("quiz:", "ref:"))
               for o in owners), owners
    by_file = _export(content_copy, locale="kk", domain="content",
                      file="content/reference/overdose.yaml")
    assert by_file["entries"] and all(e["where"].startswith("content/reference/overdose.yaml")
                                      for e in by_file["entries"])


def test_a_filled_batch_is_imported_as_drafts_and_bad_entries_are_refused(content_copy):
    untranslated(content_copy, "kk")
    batch = _export(content_copy, locale="kk", domain="content", file="overdose.yaml")
    entries = {e["msgctxt"]: e for e in batch["entries"]}
    entries["ref:overdose-signs:title"]["translation"] = "Артық дозаның белгілері"
    body = entries["ref:overdose-signs:body"]
    body["translation"] = body["english"].replace("<b>", "").replace("</b>", "")  # tags lost
    keywords = entries["ref:overdose-signs:keywords"]
    keywords["translation"] = "артық доза"
    keywords["english"] = "an older English text"  # the English changed since the export
    entries["ref:overdose-response:keywords"]["fallback"] = True
    entries["ref:overdose-response:title"]["translation"] = "Передозировка: что делать"
    result = translate.import_batch(json.loads(json.dumps(batch)), content_copy / "locales",
                                    content_copy / "content")
    assert result.written == 2 and result.fallback == 1
    refused = " ".join(result.skipped)
    assert "overdose-signs:body: has other tags" in refused
    assert "overdose-signs:keywords: the English changed since the export" in refused
    assert any("передозировка" in w for w in result.warnings)  # glossary: avoid
    course = load_course(content_copy / "content")
    catalogs = ContentCatalogs.load(content_copy / "locales", ["kk"])
    signs = course.reference_card("overdose-signs")
    response = course.reference_card("overdose-response")
    assert catalogs.get("kk", signs.title) == ("Артық дозаның белгілері", False)
    assert catalogs.state("kk", signs.title)[1].draft
    assert catalogs.state("kk", response.keywords)[0] is State.FALLBACK
    assert catalogs.state("kk", signs.body)[0] is State.MISSING
    again = _export(content_copy, locale="kk", domain="content", file="overdose.yaml")
    left = {e["msgctxt"] for e in again["entries"]}
    assert "ref:overdose-signs:title" not in left and "ref:overdose-signs:body" in left


def test_reviewed_import_drops_the_draft_flag_and_stale_entries_show_the_old_text(content_copy):
    po = content_copy / "locales" / "tg" / "LC_MESSAGES" / "content.po"
    catalog = _content_po(content_copy, "tg")
    title = next(m for m in catalog if m.context == "ref:overdose-signs:title")
    catalog.delete(title.id, context=title.context)
    catalog.add("Old English title", "Унвони кӯҳна", context=title.context)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    batch = _export(content_copy, locale="tg", domain="content", file="overdose.yaml")
    stale = next(e for e in batch["entries"] if e["msgctxt"] == "ref:overdose-signs:title")
    assert stale["state"] == "stale"
    assert stale["previous"] == {"english": "Old English title", "translation": "Унвони кӯҳна"}
    catalog = _content_po(content_copy, "tg")  # the importer adds the current entry
    catalog.add(stale["english"], "", context=stale["msgctxt"])
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    stale["translation"] = "Нишонаҳои вояи зиёдатӣ"
    result = translate.import_batch(batch, content_copy / "locales", content_copy / "content",
                                    reviewed=True)
    assert result.written == 1, result.skipped
    entry = next(m for m in _content_po(content_copy, "tg")
                 if m.context == stale["msgctxt"] and m.id == stale["english"])
    assert entry.string == "Нишонаҳои вояи зиёдатӣ" and "draft" not in entry.flags


def test_interface_batches_round_trip_through_a_po_file(content_copy):
    batch = _export(content_copy, locale="uz", domain="messages", states={"all"}, limit=400)
    entries = {e["msgid"]: e for e in batch["entries"]}
    saved = entries["Saved."]
    saved["translation"] = "Saqlab qoʻyildi."
    plural = next(e for e in batch["entries"] if "msgid_plural" in e)
    assert plural["plural_forms"] == len(plural["translation"]) == 2
    broken = next(e for e in batch["entries"] if "{" in e["msgid"] and "msgid_plural" not in e)
    broken["translation"] = "Matn"  # its placeholder is lost
    batch["entries"] = [saved, plural, broken]
    buf = io.BytesIO()
    write_po(buf, translate.to_po(batch), width=0)
    buf.seek(0)
    data = translate.from_po(read_po(buf))
    assert data["locale"] == "uz" and data["domain"] == "messages"
    result = translate.import_batch(data, content_copy / "locales", content_copy / "content")
    assert result.written == 2 and len(result.skipped) == 1
    assert "placeholders" in result.skipped[0]
    with (content_copy / "locales" / "uz" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.get("Saved.").string == "Saqlab qoʻyildi."
    assert "draft" in catalog.get("Saved.").flags


def test_the_catalogs_command_exports_to_a_file(tmp_path, capsys):
    out = tmp_path / "batch.po"
    status = catalogs_main(["export", "--locale", "ps", "--module", "overdose", "--limit", "3",
                            "--format", "po", "-o", str(out)])
    assert status == 0
    with out.open("rb") as fh:
        catalog = read_po(fh)
    assert len([m for m in catalog if m.id]) == 3
    assert all(m.context and m.context.split(":")[0] in ("module", "lesson", "quiz", "ref")
               for m in catalog if m.id)
    assert "3 of" in capsys.readouterr().err
