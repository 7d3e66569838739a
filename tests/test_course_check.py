"""Translations of the content (served only when current) and the content check command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.course.catalogs import ContentCatalogs, Coverage
from bot.course.check import check, format_report, main
from bot.course.loader import load_course

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).parent / "fixtures" / "content_small"
RU_PO = "locales/ru/LC_MESSAGES/content.po"


def copy_small(tmp_path: Path) -> Path:
    shutil.copytree(SMALL, tmp_path, dirs_exist_ok=True)
    return tmp_path


def add_po_entry(root: Path, entry: str) -> int:
    """Append an entry to the copy's ru content.po; return the line of its msgid."""
    po = root / RU_PO
    text = po.read_text(encoding="utf-8") + "\n" + entry
    po.write_text(text, encoding="utf-8")
    return text.count("\n") - entry.count("\n") + 1 + entry[:entry.index("msgid")].count("\n")


def set_complete(root: Path, locales: str) -> None:
    course_yaml = root / "content" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("complete_locales: []",
                                                           f"complete_locales: {locales}"))


@pytest.fixture
def small():
    course = load_course(SMALL / "content")
    return course, ContentCatalogs.load(SMALL / "locales", course.settings.locales)


# --- which translation is served --------------------------------------------------------

def test_current_translations_are_served(small):
    course, catalogs = small
    assert catalogs.get("ru", course.module("alpha").title) == ("Модуль альфа", False)
    assert catalogs.get("ru", course.lesson("alpha-one").cards[1]) == (
        "Вторая карточка, <i>курсивом</i>.", False)


def test_a_draft_is_served(small):
    course, catalogs = small
    assert catalogs.get("ru", course.module("alpha").summary) == (
        "О чём модуль альфа, одним предложением.", False)


def test_stale_translations_fall_back_to_english(small):
    course, catalogs = small
    # the English changed since it was translated
    assert catalogs.get("ru", course.lesson("alpha-one").title) == ("First alpha lesson", True)
    # marked fuzzy by pybabel update
    assert catalogs.get("ru", course.lesson("alpha-two").title) == ("Second alpha lesson", True)


def test_missing_translations_fall_back_to_english(small):
    course, catalogs = small
    question = course.quiz_item("alpha-one-1").question  # an entry with an empty msgstr
    assert catalogs.get("ru", question) == ("Which one is right?", True)
    assert catalogs.get("ru", course.module("beta").title) == ("Beta module", True)  # no entry
    assert catalogs.get("kk", course.module("alpha").title) == ("Alpha module", True)  # no .po
    assert catalogs.get("de", course.module("alpha").title) == ("Alpha module", True)


def test_english_is_the_source_not_a_fallback(small):
    course, catalogs = small
    assert catalogs.get("en", course.module("alpha").title) == ("Alpha module", False)


# --- coverage -------------------------------------------------------------------------------

def test_coverage_counts_each_state(small):
    course, catalogs = small
    total = sum(1 for _ in course.all_texts())
    coverage = catalogs.coverage(course)
    assert set(coverage) == {"ru", "kk"}  # the source locale is not counted
    assert coverage["ru"] == Coverage(total=total, translated=3, draft=1, stale=2,
                                      missing=total - 5)
    assert coverage["kk"] == Coverage(total=total, translated=0, draft=0, stale=0,
                                      missing=total)
    assert coverage["ru"].percent == pytest.approx(100 * 3 / total)
    assert catalogs.coverage(course, ["ru"]).keys() == {"ru"}


def test_an_invalid_translation_is_an_error_and_is_not_served(tmp_path):
    root = copy_small(tmp_path)
    line = add_po_entry(root, 'msgctxt "lesson:beta-one:card:2"\nmsgid "Beta card two."\n'
                              'msgstr "<b>Вторая & последняя"\n')
    report = check(root / "content", root / "locales")
    assert [str(p) for p in report.errors] == [
        f"{RU_PO}:{line}: lesson:beta-one:card:2: the ru translation: a bare & must be "
        "written &amp; (English at content/modules/02-beta.yaml:10)",
        f"{RU_PO}:{line}: lesson:beta-one:card:2: the ru translation: <b> is never closed "
        "(English at content/modules/02-beta.yaml:10)"]
    card = report.course.lesson("beta-one").cards[1]
    assert report.catalogs.get("ru", card) == ("Beta card two.", True)
    assert report.coverage["ru"].translated == 3  # counted as missing, not translated


def test_an_over_long_translation_is_an_error(tmp_path):
    root = copy_small(tmp_path)
    line = add_po_entry(root, 'msgctxt "lesson:beta-one:title"\nmsgid "Only beta lesson"\n'
                              f'msgstr "{"Я" * 41}"\n')
    report = check(root / "content", root / "locales")
    assert [str(p) for p in report.errors] == [
        f"{RU_PO}:{line}: lesson:beta-one:title: the ru translation is 41 characters; at most "
        "40 fit (English at content/modules/02-beta.yaml:6)"]


def test_a_complete_locale_must_have_every_text_current(tmp_path):
    root = copy_small(tmp_path)
    set_complete(root, "[ru]")
    report = check(root / "content", root / "locales")
    total = sum(1 for _ in report.course.all_texts())
    errors = [str(p) for p in report.errors]
    assert len(errors) == total - 3  # everything but the three current translations
    assert sum("no ru translation" in e for e in errors) == total - 5
    stale = [e for e in errors if "is stale" in e]
    assert stale == [
        f"{RU_PO}:22: lesson:alpha-one:title: the ru translation is stale (fuzzy, or the "
        "English changed) (English at content/modules/01-alpha.yaml:6)",
        f"{RU_PO}:28: lesson:alpha-two:title: the ru translation is stale (fuzzy, or the "
        "English changed) (English at content/modules/01-alpha.yaml:32)"]
    assert f"{RU_PO}: quiz:beta-one-1:question: no ru translation (English at " \
           "content/modules/02-beta.yaml:13)" in errors


def test_a_complete_locale_without_a_catalog(tmp_path):
    root = copy_small(tmp_path)
    set_complete(root, "[kk]")
    errors = [str(p) for p in check(root / "content", root / "locales").errors]
    assert errors[0] == ("locales/kk/LC_MESSAGES/content.po: module:alpha:title: no kk "
                         "translation (English at content/modules/01-alpha.yaml:2)")


def test_an_unreadable_catalog_is_an_error(tmp_path):
    root = copy_small(tmp_path)
    po = root / RU_PO
    po.write_text(po.read_text() + '\nmsgctxt "x"\nmsgid "y"\nnonsense "z"\n')
    errors = [str(p) for p in check(root / "content", root / "locales").errors]
    assert errors == [f"{RU_PO}:43: cannot read: Unknown or misformatted keyword: "
                      "'nonsense \"z\"'"]


# --- the report and the command -------------------------------------------------------------

def test_format_report(tmp_path):
    root = copy_small(tmp_path)
    text = (root / "content/modules/02-beta.yaml").read_text()
    (root / "content/modules/02-beta.yaml").write_text(text.replace("Beta card two.", "A & B"))
    report = check(root / "content", root / "locales")
    assert report.course is None and report.coverage == {}
    assert format_report(report).splitlines() == [
        "content/modules/02-beta.yaml:10: card (lesson:beta-one:card:2): a bare & must be "
        "written &amp;", "", "1 error(s)."]

    report = check(SMALL / "content", SMALL / "locales")
    lines = format_report(report).splitlines()
    assert lines[0].startswith("Course: 2 modules, 3 lessons, 6 quiz items, 2 reference cards")
    assert lines[2].split() == ["locale", "translated", "%", "draft", "stale", "missing"]
    assert lines[3].split() == ["ru", "3/42", "7.1", "1", "2", "37"]
    assert lines[4].split() == ["kk", "0/42", "0.0", "0", "0", "42"]
    assert lines[-1] == "Content OK."


def test_main_fails_on_a_bad_tree(tmp_path, capsys):
    root = copy_small(tmp_path)
    (root / "content/modules/03-bad.yaml").write_text("id: [broken\n")
    assert main([str(root / "content"), str(root / "locales")]) == 1
    assert "content/modules/03-bad.yaml:2: YAML syntax error" in capsys.readouterr().out


def test_main_passes_on_the_small_tree(capsys):
    assert main([str(SMALL / "content"), str(SMALL / "locales")]) == 0
    assert "Content OK." in capsys.readouterr().out


def test_main_passes_on_the_shipped_content(capsys):
    assert main([str(ROOT / "content"), str(ROOT / "locales")]) == 0
    out = capsys.readouterr().out
    assert "Content OK." in out and "locale  translated" in out


def test_python_m_bot_course_check(tmp_path):
    shipped = subprocess.run([sys.executable, "-m", "bot.course.check"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert shipped.returncode == 0, shipped.stdout[-3000:] + shipped.stderr[-3000:]
    root = copy_small(tmp_path)
    (root / "content/emergency.yaml").write_text("checked_on: soon\ncountries: {}\n")
    bad = subprocess.run([sys.executable, "-m", "bot.course.check", "content", "locales"],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert bad.stdout.startswith("content/emergency.yaml:1: checked_on must be a date")


def test_a_translation_that_drops_a_tag_is_a_warning(tmp_path):
    root = copy_small(tmp_path)
    line = add_po_entry(root, 'msgctxt "lesson:beta-one:card:1"\nmsgid "<b>Beta</b> card one."\n'
                              'msgstr "Бета, карточка один."\n')
    report = check(root / "content", root / "locales")
    assert report.errors == []
    assert [(str(p), p.severity) for p in report.problems] == [
        (f"{RU_PO}:{line}: lesson:beta-one:card:1: the ru translation has other tags than "
         "the English (English at content/modules/02-beta.yaml:9)", "warning")]
    card = report.course.lesson("beta-one").cards[0]
    assert report.catalogs.get("ru", card) == ("Бета, карточка один.", False)
