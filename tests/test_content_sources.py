"""`content check` on the bibliography, review status, emergency-number sources and plain text:
each mistake is one clear problem naming its file and line."""

from __future__ import annotations

import pytest
from test_content_check import ITEM, MODULE, _po, _problems, _tree

from bot.course.check import check
from bot.course.loader import load_course

QUIZ = "".join(ITEM.format(n=n) for n in (1, 2))
SOURCES = """\
sources:
  - id: a-source
    publisher: A publisher
    title: A document
    year: 2020
"""
EMERGENCY = """\
checked_on: 2026-11-28
countries:
  KZ:
    - {service: police, number: "102", verified: true, source: a-source}
"""


def _module(change=lambda m: m) -> str:
    return change(MODULE.format(quiz=QUIZ))


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_an_unknown_source_id_is_an_error_at_the_line_that_names_it(tmp_path):
    module = _module(lambda m: m.replace("        sources: [a-source]",
                                         "        sources: [a-source, who-1999]", 1))
    problems = _problems(_tree(tmp_path, module))
    line = _line(module, "who-1999")
    assert problems == [f"content/modules/01-demo.yaml:{line}: quiz item 'demo-q1' names "
                        "source 'who-1999', which does not exist (not in sources.yaml)"]


def test_a_reference_card_names_its_sources_from_the_bibliography(tmp_path):
    card = ("topic: demo\ncards:\n  - id: demo-card\n    title: A card\n"
            "    sources: [a-source, nowhere]\n    body: Some text.\n")
    root = _tree(tmp_path)
    (root / "reference" / "demo.yaml").write_text(card)
    assert _problems(root) == ["content/reference/demo.yaml:5: reference card 'demo-card' "
                               "names source 'nowhere', which does not exist (not in "
                               "sources.yaml)"]


def test_without_a_bibliography_the_course_does_not_load(tmp_path):
    root = _tree(tmp_path)
    (root / "sources.yaml").unlink()
    assert _problems(root) == ["content/sources.yaml: no bibliography: every `sources:` entry "
                               "names an id from this file"]


@pytest.mark.parametrize("entry,expected", [
    ("  - id: b\n    title: No publisher\n",
     "sources.yaml:6: source 'b': a document needs its publisher"),
    ("  - id: b\n    kind: practice\n    title: Advice\n    year: 2020\n",
     "sources.yaml:9: source 'b' is good practice, not a document: it has no year"),
    ("  - id: b\n    publisher: P\n    title: T\n    url: www.example.org\n",
     "sources.yaml:9: source 'b': url must be one http:// or https:// address"),
    ("  - id: b\n    kind: rumour\n    title: T\n",
     "sources.yaml:7: source 'b': kind must be one of document, practice"),
    ("  - id: a-source\n    publisher: P\n    title: Again\n",
     "sources.yaml:6: duplicate source id 'a-source'"),
])
def test_each_bad_bibliography_entry_is_reported(tmp_path, entry, expected):
    root = _tree(tmp_path)
    (root / "sources.yaml").write_text(SOURCES + entry)
    errors = _problems(root)
    assert len(errors) == 1 and expected in errors[0], errors


def test_an_unused_source_is_a_warning(tmp_path):
    root = _tree(tmp_path)
    (root / "sources.yaml").write_text(SOURCES + "  - id: b\n    publisher: P\n    title: T\n")
    report = check(root, tmp_path / "locales")
    assert report.errors == []
    assert [str(p) for p in report.problems if "sources.yaml" in p.file] == [
        "content/sources.yaml:6: source 'b' is cited by nothing"]


def test_good_practice_is_named_like_a_source(tmp_path):
    root = _tree(tmp_path, _module(lambda m: m.replace("    sources: [a-source]",
                                                       "    sources: [good-practice]", 1)))
    (root / "sources.yaml").write_text(SOURCES + "  - id: good-practice\n    kind: practice\n"
                                                 "    title: Good practice\n")
    course = load_course(root)
    assert course.lesson("demo-one").sources == ("good-practice",)
    assert not course.sources["good-practice"].is_document


@pytest.mark.parametrize("field,old,new", [
    ("question", "question: Which one?", "question: Is 3 < 4?"),
    ("option", "- text: That one", "- text: More than 3 > 2"),
    ("explanation", "explanation: Because.", "explanation: Because 1 < 2."),
    ("title", "title: The first lesson", "title: Lesson <1>"),
    ("summary", "summary: One sentence.", "summary: Less than 72 h > fine."),
])
def test_a_bare_angle_bracket_in_plain_text_is_an_error(tmp_path, field, old, new):
    module = _module(lambda m: m.replace(old, new, 1))
    errors = _problems(_tree(tmp_path, module))
    line = _line(module, new.split(": ", 1)[-1])
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"content/modules/01-demo.yaml:{line}: {field} (")
    assert errors[0].endswith("is plain text: no bare < or > (write \"less than\" or "
                              "\"more than\", or reword)")


def test_a_bare_angle_bracket_in_keywords_is_an_error(tmp_path):
    card = ("topic: demo\ncards:\n  - id: demo-card\n    title: A card\n"
            "    keywords: [pep, < 72 hours]\n    sources: [a-source]\n    body: Some text.\n")
    root = _tree(tmp_path)
    (root / "reference" / "demo.yaml").write_text(card)
    errors = _problems(root)
    assert errors == ["content/reference/demo.yaml:5: keywords (ref:demo-card:keywords) is "
                      "plain text: no bare < or > (write \"less than\" or \"more than\", or "
                      "reword)"]


def test_a_bare_angle_bracket_in_a_plain_text_translation_is_an_error(tmp_path):
    root = _tree(tmp_path)
    _po(tmp_path, '#, draft\nmsgctxt "quiz:demo-q1:question"\nmsgid "Which one?"\n'
        'msgstr "Какой < другого?"\n')
    errors = _problems(root)
    assert len(errors) == 1 and errors[0].startswith("locales/ru/LC_MESSAGES/content.po:")
    assert "quiz:demo-q1:question: the ru translation is plain text: no bare < or >" in \
        errors[0]


def test_a_module_carries_its_review_sign_offs(tmp_path):
    module = _module(lambda m: m.replace(
        "review: []\n", 'review:\n  - {by: "Dr A. Example, infectious diseases physician", '
        "area: health, on: 2027-02-01}\n  - {by: B. Example, area: legal, on: 2027-03-01}\n"))
    course = load_course(_tree(tmp_path, module))
    reviews = course.module("demo").review
    assert [(r.by, r.area, r.on.isoformat()) for r in reviews] == [
        ("Dr A. Example, infectious diseases physician", "health", "2027-02-01"),
        ("B. Example", "legal", "2027-03-01")]


@pytest.mark.parametrize("review,expected", [
    ("review: [{by: Someone, area: medicine, on: 2027-02-01}]",
     "module 'demo': review area must be one of health, legal"),
    ("review: [{by: Someone, area: health, on: soon}]",
     "review date (on) must be a date written YYYY-MM-DD"),
    ("review: [{area: health, on: 2027-02-01}]", "review: the required key 'by' is missing"),
    ("review: yes", "review must be a list"),
])
def test_a_bad_review_entry_is_reported(tmp_path, review, expected):
    module = _module(lambda m: m.replace("review: []", review))
    errors = _problems(_tree(tmp_path, module))
    line = _line(module, "review:")
    assert errors == [f"content/modules/01-demo.yaml:{line}: {expected}"]


def test_a_module_without_review_status_is_an_error(tmp_path):
    errors = _problems(_tree(tmp_path, _module(lambda m: m.replace("review: []\n", ""))))
    assert errors == ["content/modules/01-demo.yaml:1: module: the required key 'review' is "
                      "missing"]


@pytest.mark.parametrize("number,expected", [
    ('{service: police, number: "102", verified: true}',
     "number KZ police is marked verified but names no source"),
    ('{service: police, number: "102", verified: true, source: good-practice}',
     "number KZ police is marked verified by 'good-practice', which is not a document"),
    ('{service: police, number: "102", verified: true, source: nobody}',
     "number KZ police names source 'nobody', which does not exist (not in sources.yaml)"),
    ('{service: ambulance, number: "03", mobile: "+003"}', "mobile '+003' must be digits only"),
])
def test_a_verified_emergency_number_names_an_official_source(tmp_path, number, expected):
    root = _tree(tmp_path)
    (root / "sources.yaml").write_text(SOURCES + "  - id: good-practice\n    kind: practice\n"
                                                 "    title: Good practice\n")
    (root / "emergency.yaml").write_text(EMERGENCY.replace(
        '{service: police, number: "102", verified: true, source: a-source}', number))
    errors = _problems(root)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"content/emergency.yaml:4: {expected}"), errors


def test_an_unverified_number_needs_no_source_and_keeps_its_mobile_form(tmp_path):
    root = _tree(tmp_path)
    (root / "emergency.yaml").write_text(EMERGENCY + '  TM:\n    - {service: ambulance, '
                                                     'number: "03", mobile: "003"}\n')
    course = load_course(root)
    (ambulance,) = course.emergency.countries["TM"]
    assert (ambulance.number, ambulance.mobile, ambulance.verified, ambulance.source) == (
        "03", "003", False, None)
    assert course.emergency.countries["KZ"][0].source == "a-source"
