"""The babel extractor for the content files: contexts, line numbers, translator comments,
and the real mapping (babel-content.cfg) through babel's API and the pybabel command."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

from bot.course.extract import extract_content
from bot.course.loader import ContentError, load_course

ROOT = Path(__file__).resolve().parents[1]
MAPPING = ROOT / "babel-content.cfg"
SMALL = Path(__file__).parent / "fixtures" / "content_small"
ALPHA = SMALL / "content" / "modules" / "01-alpha.yaml"
REF = SMALL / "content" / "reference" / "alpha.yaml"
CARD_NOTE = ("Telegram HTML: keep the tags and line breaks; at most 700 visible characters "
             "(one phone screen).")


def extract(path: Path) -> list:
    with path.open("rb") as fh:
        return list(extract_content(fh, DEFAULT_KEYWORDS.keys(), ["NOTE:"], {}))


def mapping() -> tuple[list[tuple[str, str]], dict]:
    with MAPPING.open() as fh:
        return parse_mapping_cfg(fh, str(MAPPING))


def test_module_texts_with_context_line_and_note():
    found = extract(ALPHA)
    assert found[:2] == [
        (2, "pgettext", ("module:alpha:title", "Alpha module"),
         ["Module title. Plain text, at most 40 characters (a button label)."]),
        (3, "pgettext", ("module:alpha:summary", "What alpha is about, in one sentence."),
         ["Summary of module 'Alpha module'. Plain text, one sentence, at most 200 "
          "characters."])]
    by_ctx = {ctx: (line, source, notes) for line, _, (ctx, source), notes in found}
    assert by_ctx["lesson:alpha-one:card:2"] == (
        13, "Second card, <i>in italics</i>.",
        [f"Lesson 'First alpha lesson', card 2 of 2. {CARD_NOTE}"])
    assert by_ctx["quiz:alpha-one-1:option:3"] == (
        21, "No", ["Quiz alpha-one-1 on lesson 'First alpha lesson', option 3 of 3. Quiz "
                   "option; plain text, at most 100 characters."])
    assert by_ctx["quiz:alpha-two-1:explanation"][2] == [
        "Quiz alpha-two-1 on lesson 'Second alpha lesson', explanation. Shown after the "
        "answer; plain text, at most 200 characters."]


def test_extracted_texts_are_the_loaded_texts():
    course = load_course(SMALL / "content")
    for path in (ALPHA, REF):
        name = path.relative_to(SMALL).as_posix()
        expected = [(t.line, t.ctx, t.source) for t in course.all_texts() if t.file == name]
        found = sorted((line, ctx, source) for line, _, (ctx, source), _ in extract(path))
        assert found == sorted(expected)


def test_reference_texts():
    found = {ctx: (line, source, notes[0]) for line, _, (ctx, source), notes in extract(REF)}
    assert list(found) == ["ref:alpha-card:title", "ref:alpha-card:body",
                           "ref:alpha-card:keywords", "ref:alpha-plain:title",
                           "ref:alpha-plain:body"]
    line, source, note = found["ref:alpha-card:keywords"]
    assert (line, source) == (6, "alpha, first, letter")
    assert note.startswith("Reference card 'Alpha card', search keywords. Search words")
    assert found["ref:alpha-card:body"][2].startswith(
        "Reference card 'Alpha card', text. Telegram HTML: keep the tags, numbering")


@pytest.mark.parametrize("name", ["course.yaml", "emergency.yaml"])
def test_settings_and_emergency_numbers_give_nothing(name):
    assert extract(SMALL / "content" / name) == []


def test_a_file_without_a_folder_is_recognised_by_its_keys():
    fileobj = io.BytesIO(ALPHA.read_bytes())  # no name: decided by the "lessons" key
    assert len(list(extract_content(fileobj, [], [], {}))) == len(extract(ALPHA))
    assert list(extract_content(io.BytesIO(b"something: else\n"), [], [], {})) == []


def test_a_syntax_error_stops_extraction_with_file_and_line(tmp_path):
    bad = tmp_path / "modules" / "01-bad.yaml"
    bad.parent.mkdir()
    bad.write_text("id: bad\ntitle: [unclosed\n")
    with pytest.raises(ContentError) as raised:
        extract(bad)
    assert "01-bad.yaml:3: YAML syntax error" in str(raised.value)


def test_the_mapping_sends_every_content_yaml_to_the_extractor():
    method_map, _ = mapping()
    assert method_map == [("content/**.yaml", "bot.course.extract:extract_content")]
    pattern = method_map[0][0]
    for name in ("content/modules/01-hiv.yaml", "content/reference/safety.yaml",
                 "content/course.yaml"):
        assert pathmatch(pattern, name)
    assert not pathmatch(pattern, "tests/fixtures/content_small/content/course.yaml")
    assert not pathmatch(pattern, "content/README.md")


def test_extract_from_file_with_the_real_mapping():
    method_map, _ = mapping()
    found = list(extract_from_file(method_map[0][1], str(ALPHA)))  # babel's default keywords
    assert found[4] == (13, "Second card, <i>in italics</i>.",
                        [f"Lesson 'First alpha lesson', card 2 of 2. {CARD_NOTE}"],
                        "lesson:alpha-one:card:2")
    assert all(context and message != context for _, message, _, context in found)


def test_extract_from_dir_with_the_real_mapping():
    method_map, options_map = mapping()
    found = list(extract_from_dir(str(SMALL), method_map, options_map))
    course = load_course(SMALL / "content")
    assert sorted((name, line, ctx) for name, line, _, _, ctx in found) == sorted(
        (t.file, t.line, t.ctx) for t in course.all_texts())


@pytest.mark.parametrize("keywords", [[], ["-k", "pgettext:1c,2"]])
def test_pybabel_extract_command(tmp_path, keywords):
    """The documented command, run in a copy of the small course as the project folder."""
    project = tmp_path / "project"
    shutil.copytree(SMALL, project)
    shutil.copy(MAPPING, project)
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel-content.cfg", *keywords,
                    "-c", "NOTE:", "-o", "locales/content.pot", "."],
                   cwd=project, check=True, timeout=120, capture_output=True)
    with (project / "locales" / "content.pot").open("rb") as fh:
        catalog = read_po(fh)
    course = load_course(SMALL / "content")
    assert {m.context for m in catalog if m.id} == {t.ctx for t in course.all_texts()}
    card = catalog.get("Second card, <i>in italics</i>.", context="lesson:alpha-one:card:2")
    assert card.locations == [("content/modules/01-alpha.yaml", 13)]
    note = " ".join(card.auto_comments)  # pybabel wraps long comments
    assert note == f"Lesson 'First alpha lesson', card 2 of 2. {CARD_NOTE}"
