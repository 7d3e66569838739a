"""The content loader: the shipped course loads; each kind of mistake gives one clear problem
naming its file and line; everything found is reported at once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.course import markup
from bot.course.loader import ContentError, check_tree, load_course
from bot.course.problems import Problem
from bot.course.reader import MAX_ID

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "content_small"
ALPHA = "content/modules/01-alpha.yaml"
BETA = "content/modules/02-beta.yaml"
REF = "content/reference/alpha.yaml"
EMERGENCY = "content/emergency.yaml"


def copy_small(tmp_path: Path) -> Path:
    """A private copy of the small course; returns its content folder."""
    shutil.copytree(SMALL, tmp_path, dirs_exist_ok=True)
    return tmp_path / "content"


def edit(content: Path, name: str, old: str, new: str) -> int:
    """Replace ``old`` (which must occur once) in ``content/../name``; return its line."""
    path = content.parent / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def line_of(content: Path, name: str, needle: str) -> int:
    lines = (content.parent / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- the shipped course and the small fixture ---------------------------------------------

def test_shipped_course_loads_without_errors():
    course, problems = check_tree(ROOT / "content")
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert course is not None and course.modules and course.lessons and course.reference
    assert len(course.reference) >= course.settings.min_reference_cards
    assert all(len(le.quiz) >= course.settings.min_quiz_items_per_lesson
               for le in course.lessons.values())
    assert course.settings.source_locale == "en" and len(course.settings.locales) == 11


def test_small_course_model():
    course = load_course(SMALL / "content")
    assert [m.id for m in course.modules] == ["alpha", "beta"]
    assert [le.id for le in course.lessons_in_order()] == ["alpha-one", "alpha-two", "beta-one"]
    assert course.module("beta").title.source == "Beta module"
    assert course.module("nope") is None and course.lesson("nope") is None
    assert course.quiz_item("nope") is None and course.reference_card("nope") is None
    assert course.next_lesson("alpha-two").id == "beta-one"
    assert course.next_lesson("beta-one") is None and course.next_lesson("nope") is None
    lesson = course.lesson("alpha-one")
    assert lesson.module_id == "alpha" and lesson.reference == ("alpha-card",)
    assert [c.ctx for c in lesson.cards] == ["lesson:alpha-one:card:1", "lesson:alpha-one:card:2"]
    assert lesson.cards[1].source == "Second card, <i>in italics</i>."
    assert (lesson.cards[1].file, lesson.cards[1].line) == (ALPHA, 13)
    item = course.quiz_item("alpha-one-1")
    assert (item.module_id, item.lesson_id, item.sources) == ("alpha", "alpha-one",
                                                              ("alpha-source",))
    assert [(o.text.source, o.correct) for o in item.options] == [
        ("This one", True), ("That one", False), ("No", False)]
    assert item.options[2].text.ctx == "quiz:alpha-one-1:option:3"
    # YAML would read these as a boolean and a number; they stay text as written
    assert course.quiz_item("beta-one-1").options[0].text.source == "Yes"
    assert course.quiz_item("alpha-two-2").options[0].text.source == "1.50"


def test_small_course_reference_and_emergency():
    course = load_course(SMALL / "content")
    card = course.reference_card("alpha-card")
    assert (card.topic, card.sensitive, card.lessons) == ("alpha", True, ("alpha-one",))
    assert card.keywords.ctx == "ref:alpha-card:keywords"
    assert card.keywords.source == "alpha, first, letter"
    plain = course.reference_card("alpha-plain")
    assert plain.keywords is None and plain.sensitive is False and plain.lessons == ()
    assert [c.id for c in course.reference_by_topic("alpha")] == ["alpha-card", "alpha-plain"]
    assert course.reference_by_topic("beta") == []
    assert course.emergency.checked_on == date(2026, 11, 28)
    assert [(n.service, n.number, n.verified) for n in course.emergency.countries["TM"]] == [
        ("ambulance", "03", False)]
    assert course.settings.min_quiz_items_per_lesson == 2


def test_all_texts_have_unique_contexts_and_locations():
    course = load_course(SMALL / "content")
    texts = list(course.all_texts())
    assert len(texts) == 42
    assert len({t.ctx for t in texts}) == len(texts)
    assert texts[0].ctx == "module:alpha:title" and texts[-1].ctx == "ref:alpha-plain:body"
    assert all(t.file.startswith("content/") and t.line > 0 for t in texts)


def test_fingerprint_follows_the_bytes(tmp_path):
    content = copy_small(tmp_path)
    first = load_course(content).fingerprint
    assert first == load_course(SMALL / "content").fingerprint and len(first) == 64
    edit(content, BETA, "Beta card two.", "Beta card 2.")
    assert load_course(content).fingerprint != first


def test_warnings_do_not_stop_loading(tmp_path):
    content = copy_small(tmp_path)
    (content / "emergency.yaml").unlink()
    course, problems = check_tree(content)
    assert course is not None and course.emergency is None
    assert [(p.severity, p.file) for p in problems] == [("warning", EMERGENCY)]


# --- one mistake, one problem -------------------------------------------------------------

# case: (file, text to replace, replacement, expected message, line: a text on the line the
# problem names, when it is not the first line of the replacement)
BAD: dict[str, tuple[str, str, str, str, str | None]] = {
    "yaml syntax error": (ALPHA, "question: Which one is right?",
                          "question: Which: one: is right?",
                          "YAML syntax error: mapping values are not allowed here", None),
    "missing required key": (ALPHA, '    sources: [alpha-source]\n    cards:\n      - Only',
                             "    cards:\n      - Only",
                             "lesson: the required key 'sources' is missing", "- id: alpha-two"),
    "unknown key": (BETA, "summary: What beta is about.", "summary: x\nsumary: y",
                    "module: unknown key 'sumary'", "sumary:"),
    "bad id": (BETA, "id: beta-one-2", "id: Beta_One_2",
               "quiz item id 'Beta_One_2' must be 1 to 24 characters", None),
    "id too long": (BETA, "id: beta-one-2", "id: " + "b" * (MAX_ID + 1), "must be 1 to 24",
                    None),
    "unknown reference card": (ALPHA, "reference: [alpha-card]", "reference: [alpha-nowhere]",
                               "lesson 'alpha-one' names reference card 'alpha-nowhere', "
                               "which does not exist", None),
    "unknown lesson": (REF, "lessons: [alpha-one]", "lessons: [alpha-one, alpha-three]",
                       "reference card 'alpha-card' names lesson 'alpha-three', which does "
                       "not exist", None),
    "unknown topic": (REF, "topic: alpha", "topic: gamma",
                      "the topic of this file names module 'gamma', which does not exist", None),
    "over-long card": (ALPHA, "      - Only one card here.", "      - " + "x" * 701,
                       "card (lesson:alpha-two:card:1) is 701 characters; at most 700 fit", None),
    "over-long title": (BETA, "title: Only beta lesson", "title: " + "T" * 41,
                        "title (lesson:beta-one:title) is 41 characters; at most 40 fit", None),
    "over-long option": (BETA, "{text: Wrong}", "{text: " + "w" * 101 + "}",
                         "option (quiz:beta-one-2:option:2) is 101 characters", None),
    "over-long body": (REF, "body: No keywords and no lessons.", "body: " + "x&amp;" * 451,
                       "body (ref:alpha-plain:body) is 902 characters; at most 900 fit", None),
    "unclosed tag": (BETA, "<b>Beta</b> card one.", "<b>Beta card one.",
                     "card (lesson:beta-one:card:1): <b> is never closed", None),
    "tags in the wrong order": (BETA, "<b>Beta</b> card one.", "<b><i>Beta</b></i> card one.",
                                "</b> closes tags in the wrong order", None),
    "forbidden tag": (BETA, "<b>Beta</b> card one.", "<h1>Beta</h1> card one.",
                      "tag <h1> is not allowed in Telegram HTML", None),
    "attribute": (BETA, "<b>Beta</b> card one.", '<b class="x">Beta</b> card one.',
                  "tag <b> takes no attributes", None),
    "link without href": (BETA, "<b>Beta</b> card one.", "<a>Beta</a> card one.",
                          '<a> needs exactly one attribute, href="..."', None),
    "bare ampersand": (ALPHA, "Plain words &amp; a", "Plain words & a",
                       "a bare & must be written &amp; (line 12)", "- |"),
    "bare angle bracket": (BETA, "Beta card two.", "Beta card < two.",
                           "a bare < or > must be written &lt; or &gt;", None),
    "unknown entity": (BETA, "Beta card two.", "Beta&nbsp;card two.",
                       "Telegram does not know the entity &nbsp;", None),
    "markup in plain text": (BETA, "question: Beta question one?",
                             "question: Beta <b>question</b> one?",
                             "question (quiz:beta-one-1:question) is plain text: no tags", None),
    "no correct option": (ALPHA, '{text: "True", correct: true}', '{text: "True"}',
                          "quiz item 'alpha-two-1' has no correct option", None),
    "one option": (BETA, "          - {text: Not at all}\n", "",
                   "quiz item 'beta-one-1' has 1 options; 2 to 6 are allowed", "{text: Yes"),
    "not a boolean": (BETA, "{text: Right, correct: true}", "{text: Right, correct: maybe}",
                      "correct must be true or false", None),
    "no sources": (BETA, 'Beta explanation two.\n        sources: [beta-source]',
                   "Beta explanation two.\n        sources: []",
                   "quiz item 'beta-one-2' names no sources", "sources: []"),
    "bad service": (EMERGENCY, "service: police", "service: fire",
                    "service 'fire' must be one of ambulance, general, police, rescue", None),
    "number not digits": (EMERGENCY, 'number: "102"', 'number: "10-2"',
                          "number '10-2' must be digits only", None),
    "bad country": (EMERGENCY, "  TM:", "  XX:", "'XX' is not an ISO 3166 two-letter country",
                    None),
    "bad date": (EMERGENCY, "checked_on: 2026-11-28", "checked_on: last week",
                 "checked_on must be a date written YYYY-MM-DD", None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_mistake_gives_one_problem_with_file_and_line(tmp_path, case):
    name, old, new, expected, on_line = BAD[case]
    content = copy_small(tmp_path)
    line = edit(content, name, old, new)
    if on_line is not None:
        line = line_of(content, name, on_line)
    course, problems = check_tree(content)
    assert course is None
    assert [str(p) for p in problems] == [f"{name}:{line}: {problems[0].message}"]
    assert expected in problems[0].message
    with pytest.raises(ContentError) as raised:
        load_course(content)
    assert raised.value.problems == problems
    assert str(problems[0]) in str(raised.value)


def test_too_few_quiz_items(tmp_path):
    content = copy_small(tmp_path)
    path = content.parent / BETA
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:line_of(content, BETA, "- id: beta-one-2") - 1]) +
                    "review: []\n")
    _, problems = check_tree(content)
    assert [str(p) for p in problems] == [
        f"{BETA}:{line_of(content, BETA, '- id: beta-one-1')}: lesson 'beta-one' has 1 quiz "
        "items; at least 2 are needed"]


def test_duplicate_id_across_two_files(tmp_path):
    content = copy_small(tmp_path)
    line = edit(content, BETA, "  - id: beta-one\n", "  - id: alpha-two\n")
    first = line_of(content, ALPHA, "- id: alpha-two")
    _, problems = check_tree(content)
    assert [str(p) for p in problems] == [
        f"{BETA}:{line}: duplicate lesson id 'alpha-two' (first defined in {ALPHA}:{first})"]


def test_too_few_reference_cards(tmp_path):
    content = copy_small(tmp_path)
    edit(content, "content/course.yaml", "min_reference_cards: 2", "min_reference_cards: 3")
    _, problems = check_tree(content)
    assert [str(p) for p in problems] == [
        "content/reference: 2 reference cards in the course; at least 3 are needed "
        "(min_reference_cards)"]


def test_every_problem_is_collected_across_files(tmp_path):
    content = copy_small(tmp_path)
    edit(content, ALPHA, "Plain words &amp; a", "Plain words & a")
    edit(content, ALPHA, "{text: \"True\", correct: true}", "{text: \"True\"}")
    edit(content, BETA, "<b>Beta</b> card one.", "<h1>Beta</h1> card one.")
    edit(content, REF, "lessons: [alpha-one]", "lessons: [alpha-nine]")
    edit(content, EMERGENCY, "service: police", "service: fire")
    _, problems = check_tree(content)
    assert [(p.file, p.line) for p in problems] == [  # sorted by file and line
        (EMERGENCY, 6), (ALPHA, 10), (ALPHA, 40), (BETA, 9), (REF, 7)]
    assert all(isinstance(p, Problem) and p.severity == "error" for p in problems)


def test_a_syntax_error_does_not_hide_other_files(tmp_path):
    content = copy_small(tmp_path)
    edit(content, ALPHA, "question: Which one is right?", "question: Which: one: is right?")
    edit(content, BETA, "title: Only beta lesson", "title: " + "T" * 41)
    _, problems = check_tree(content)
    assert [(p.file, p.line) for p in problems] == [(ALPHA, 16), (BETA, 6)]


def test_broken_fixture_reports_everything():
    _, problems = check_tree(FIXTURES / "content_broken" / "content")
    found = [str(p) for p in problems]
    expected = (FIXTURES / "content_broken" / "expected.txt").read_text().splitlines()
    assert found == expected


def test_missing_content_folder(tmp_path):
    course, problems = check_tree(tmp_path / "nowhere")
    assert course is None and "the content folder is missing" in str(problems[0])


def test_empty_file(tmp_path):
    content = copy_small(tmp_path)
    (content / "modules" / "03-empty.yaml").write_text("# nothing yet\n")
    _, problems = check_tree(content)
    assert [str(p) for p in problems] == ["content/modules/03-empty.yaml: the file is empty"]


# --- Telegram's limits ----------------------------------------------------------------------

def test_longest_ids_fit_every_callback_that_carries_one():
    from bot.ui.callbacks import ROUTES
    longest = "a" * MAX_ID
    values = {"module": longest, "lesson": longest, "card": "6"}
    for route in ROUTES:
        if route.fields and set(route.fields) <= set(values):
            data = route.pack(**{f: values[f] for f in route.fields})
            assert len(data.encode()) <= 64, data


@given(st.text(max_size=400) | st.lists(
    st.sampled_from(["<b>", "</b>", "<i>", "</a>", '<a href="x">', "<tg-spoiler>", "&amp;",
                     "&", "<", ">", "&#x1F600;", "&nbsp;", "<h1>", "</", "text", " "]),
    max_size=30).map("".join))
def test_markup_validator_never_raises(text):
    problems = markup.html_problems(text)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)
    assert len(problems) == len(set(problems))
    assert 0 <= markup.visible_length(text) <= len(text)
    assert isinstance(markup.has_markup(text), bool)


@pytest.mark.parametrize("text", [
    "plain", "<b>bold</b> &amp; <i>it</i>", '<a href="https://x.org/?a=1&b=2">l</a>',
    "<tg-spoiler>s</tg-spoiler> <blockquote>q</blockquote> <pre><code>c</code></pre>",
    "<strong>s</strong><em>e</em><ins>i</ins><u>u</u><s>s</s>", "&lt;3 &gt; &quot; &#8470;",
])
def test_valid_telegram_html(text):
    assert markup.html_problems(text) == []


def test_visible_length_counts_entities_once_and_skips_tags():
    assert markup.visible_length("<b>a&amp;b</b>") == 3


def test_a_quiz_item_names_the_card_it_tests(tmp_path):
    content = copy_small(tmp_path)
    edit(content, ALPHA, '''        sources: [alpha-source]
      - id: alpha-one-2''', '''        sources: [alpha-source]
        card: 2
      - id: alpha-one-2''')
    course = load_course(content)
    assert course.quiz_item("alpha-one-1").card == 2
    assert course.quiz_item("alpha-one-2").card is None  # the lesson's first card


def test_a_quiz_item_naming_a_card_its_lesson_lacks(tmp_path):
    content = copy_small(tmp_path)
    edit(content, ALPHA, '''        sources: [alpha-source]
      - id: alpha-one-2''', '''        sources: [alpha-source]
        card: 9
      - id: alpha-one-2''')
    _, problems = check_tree(content)
    assert len(problems) == 1 and "names card 9" in problems[0].message
    assert problems[0].line == line_of(content, ALPHA, "- id: alpha-one-1")
