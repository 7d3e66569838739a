"""`content check`: passes on the shipped course, and fails clearly on each kind of bad file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from hypothesis import given
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.course import markup
from bot.course.check import check, main
from bot.course.loader import ContentError, load_course

MODULE = """\
id: demo
title: A demo module
summary: One sentence.
lessons:
  - id: demo-one
    title: The first lesson
    sources: [a-source]
    cards:
      - |
        <b>Heading</b>
        Plain words &amp; more.
      - Second card.
    quiz:
{quiz}review: []
"""
ITEM = """\
      - id: demo-q{n}
        question: Which one?
        options:
          - text: This one
            correct: true
          - text: That one
        explanation: Because.
        sources: [a-source]
"""


def _tree(tmp_path, module: str | None = None, extra: dict[str, str] | None = None):
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    (root / "reference").mkdir()
    (root / "course.yaml").write_text("min_quiz_items_per_lesson: 2\nmin_reference_cards: 0\n"
                                      "locales: [en, ru]\ncomplete_locales: []\n")
    quiz = "".join(ITEM.format(n=n) for n in (1, 2))
    (root / "modules" / "01-demo.yaml").write_text(module or MODULE.format(quiz=quiz))
    (root / "sources.yaml").write_text("sources:\n  - id: a-source\n    publisher: A publisher\n"
                                       "    title: A document\n    year: 2020\n")
    for name, text in (extra or {}).items():
        (root / name).write_text(text)
    return root


def _problems(root):
    report = check(root, root.parent / "locales")
    return [str(p) for p in report.errors]


def test_shipped_course_passes(capsys):
    assert main([str(PROJECT_ROOT / "content"), str(PROJECT_ROOT / "locales")]) == 0
    out = capsys.readouterr().out
    assert "Content OK." in out and "locale  translated" in out


def test_shipped_course_size_meets_the_brief():
    course = load_course(PROJECT_ROOT / "content")
    assert len(course.modules) >= 7 and len(course.lessons) >= 28
    assert all(len(lesson.quiz) >= 4 for lesson in course.lessons.values())
    assert len(course.reference) >= 15
    assert all(lesson.sources for lesson in course.lessons.values())
    assert all(item.sources for item in course.quiz_items.values())


def test_good_fixture_passes(tmp_path):
    assert _problems(_tree(tmp_path)) == []


@pytest.mark.parametrize("change,expected", [
    (lambda m: m.replace("title: The first lesson", "title: [unclosed"),
     "01-demo.yaml:7: YAML syntax error"),
    (lambda m: m.replace("summary: One sentence.\n", ""), "01-demo.yaml:1: module: the "
     "required key 'summary' is missing"),
    (lambda m: m.replace("Second card.", "x" * 701), "01-demo.yaml:12: card "
     "(lesson:demo-one:card:2) is 701 characters; at most 700 fit"),
    (lambda m: m.replace("<b>Heading</b>", "<b>Heading"), "01-demo.yaml:9: card "
     "(lesson:demo-one:card:1): <b> is never closed"),
    (lambda m: m.replace("<b>Heading</b>", "<h1>Heading</h1>"), "tag <h1> is not allowed"),
    (lambda m: m.replace("&amp; more", "& more"), "a bare & must be written &amp;"),
    (lambda m: m.replace("            correct: true\n", "", 1), "quiz item 'demo-q1' has no "
     "correct option"),
    (lambda m: m.replace("    sources:", "    reference: [nowhere]\n    sources:", 1),
     "lesson 'demo-one' names reference card 'nowhere', which does not exist"),
    (lambda m: m.replace("id: demo-q2", "id: demo-q1"), "duplicate quiz item id 'demo-q1'"),
    (lambda m: m.replace("id: demo-one", "id: Demo One"), "lesson id 'Demo One' must be"),
    (lambda m: m.replace("title: The first lesson", "title: The <b>first</b> lesson"),
     "is plain text: no tags or entities"),
    (lambda m: m + "unexpected: true\n", "module: unknown key 'unexpected'"),
])
def test_each_bad_file_gets_one_clear_message_with_file_and_line(tmp_path, change, expected):
    quiz = "".join(ITEM.format(n=n) for n in (1, 2))
    root = _tree(tmp_path, change(MODULE.format(quiz=quiz)))
    problems = _problems(root)
    assert len(problems) == 1, problems
    assert expected in problems[0]
    assert problems[0].startswith("content/modules/01-demo.yaml")
    with pytest.raises(ContentError):
        load_course(root)


def test_duplicate_id_across_two_files_names_both(tmp_path):
    quiz = "".join(ITEM.format(n=n) for n in (1, 2))
    root = _tree(tmp_path)
    other = MODULE.format(quiz=quiz).replace("id: demo\n", "id: other\n", 1)
    (root / "modules" / "02-other.yaml").write_text(other.replace("demo-q", "other-q"))
    problems = _problems(root)
    assert problems == ["content/modules/02-other.yaml:5: duplicate lesson id 'demo-one' "
                        "(first defined in content/modules/01-demo.yaml:5)"]


def _po(tmp_path, entries: str):
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "content.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entries)


def test_translations_served_only_when_current(tmp_path):
    root = _tree(tmp_path)
    _po(tmp_path, '#, draft\nmsgctxt "lesson:demo-one:title"\nmsgid "The first lesson"\n'
        'msgstr "Первый урок"\n\n'
        'msgctxt "module:demo:title"\nmsgid "An old English title"\nmsgstr "Старое"\n\n'
        '#, fuzzy\nmsgctxt "module:demo:summary"\nmsgid "One sentence."\n'
        'msgstr "Одно предложение."\n\n'
        'msgctxt "lesson:demo-one:card:2"\nmsgid "Second card."\nmsgstr "<b>Сломано"\n')
    report = check(root, tmp_path / "locales")
    course, catalogs = report.course, report.catalogs
    lesson = course.lesson("demo-one")
    assert catalogs.get("ru", lesson.title) == ("Первый урок", False)
    assert catalogs.get("ru", course.modules[0].title) == ("A demo module", True)  # stale
    assert catalogs.get("ru", course.modules[0].summary) == ("One sentence.", True)  # fuzzy
    assert catalogs.get("ru", lesson.cards[1]) == ("Second card.", True)  # broken markup
    cov = report.coverage["ru"]
    assert (cov.translated, cov.draft, cov.stale) == (1, 1, 2)
    assert cov.missing == cov.total - 3
    assert any("content.po" in p and "never closed" in p for p in map(str, report.errors))


def test_missing_translation_in_a_complete_locale_is_an_error(tmp_path):
    root = _tree(tmp_path)
    (root / "course.yaml").write_text("min_quiz_items_per_lesson: 2\nmin_reference_cards: 0\n"
                                      "locales: [en, ru]\ncomplete_locales: [ru]\n")
    _po(tmp_path, "")
    errors = _problems(root)
    assert errors and all("no ru translation" in e for e in errors)
    assert any("content/modules/01-demo.yaml:" in e for e in errors)


def test_extractor_gives_contexts_lines_and_hints():
    found = list(extract_from_file("bot.course.extract:extract_content",
                                   str(PROJECT_ROOT / "content/modules/01-hiv.yaml"),
                                   keywords={"pgettext": ((1, "c"), 2)}))
    by_ctx = {ctx: (line, msg, comments) for line, msg, comments, ctx in found}
    course = load_course(PROJECT_ROOT / "content")
    lesson = course.modules[0].lessons[0]
    line, msg, comments = by_ctx[lesson.cards[1].ctx]
    assert msg == lesson.cards[1].source and line == lesson.cards[1].line
    assert "card 2 of" in comments[0] and "Telegram HTML" in comments[0]
    assert len(found) == sum(1 for t in course.all_texts() if t.file.endswith("01-hiv.yaml"))


def test_pybabel_extract_command_works(tmp_path):
    out = tmp_path / "content.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F",
                    "babel-content.cfg", "-k", "pgettext:1c,2", "-o", str(out), "."],
                   cwd=PROJECT_ROOT, check=True, timeout=120)
    text = out.read_text()
    assert 'msgctxt "ref:overdose-signs:title"' in text
    assert "#: content/modules/06-overdose.yaml:" in text


def test_content_check_command_exit_status(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bot", "content", "check"], cwd=PROJECT_ROOT,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout[-2000:]
    bad = _tree(tmp_path, "id: [broken\n")
    shutil.copytree(PROJECT_ROOT / "locales", tmp_path / "locales")
    result = subprocess.run([sys.executable, "-m", "bot.course.check", str(bad),
                             str(tmp_path / "locales")], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "content/modules/01-demo.yaml:2: YAML syntax error" in result.stdout


@given(st.text(max_size=300))
def test_markup_validator_never_raises(text):
    problems = markup.html_problems(text)
    assert isinstance(problems, list)
    assert markup.visible_length(text) <= len(text)


def test_bot_refuses_to_start_on_invalid_content(tmp_path):
    bad = _tree(tmp_path, "id: [broken\n")
    env = {"CONTENT_DIR": str(bad), "DATABASE_PATH": str(tmp_path / "x.sqlite3"),
           "TELEGRAM_BOT_TOKEN": "", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], input="/start\n", env=env,
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "content/modules/01-demo.yaml:2: YAML syntax error" in result.stderr
