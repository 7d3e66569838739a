"""Charts draw Persian, Pashto, Urdu and Russian labels with real glyphs, not boxes."""

from __future__ import annotations

import io
import warnings
from datetime import date

import numpy as np
import pytest
from conftest import ADMIN_ID
from harness import Chat
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread

from bot.sandbox import UpdateFactory
from bot.services.report_scope import ReportFilter
from bot.ui import callbacks as cb
from bot.ui.charts import Bars, Chart, Labels, clean, fonts_for, render

MISSING = "\ue000\ue001\ue002"  # private-use code points: no font has them (boxes)


def _labels(catalogs, content, locale: str) -> tuple[str, list[str]]:
    """A chart title from the catalog and the module titles from the course, in ``locale``."""
    t = catalogs.get(locale)
    modules = [content.served.text(locale, m.title)[0] for m in content.course.modules]
    return t.label("Completion per module"), modules


def _chart(title: str, names: list[str], rtl: bool) -> Chart:
    return Chart(Labels(title, subtitle=title, x=title, y=title),
                 Bars(names, [0.5] * len(names), [f"{i}%" for i in range(len(names))],
                      horizontal=True, limit=1.0), rtl=rtl)


def _font(name: str) -> FT2Font:
    return FT2Font(font_manager.findfont(font_manager.FontProperties(family=[name]),
                                         fallback_to_default=False))


@pytest.mark.parametrize("locale", ["fa", "ps", "ur", "ru"])
def test_every_label_glyph_is_in_the_first_font(catalogs, content, locale):
    title, modules = _labels(catalogs, content, locale)
    rtl = catalogs.get(locale).is_rtl
    assert title != "Completion per module"  # translated
    charmap = _font(fonts_for(rtl)[0]).get_charmap()
    letters = {c for text in [title, *modules] for c in clean(text) if c.isalpha()}
    assert letters and not {c for c in letters if ord(c) not in charmap}


def test_dejavu_alone_would_draw_boxes_for_urdu_and_pashto():
    """Why bot/fonts ships Noto Sans Arabic: DejaVu Sans has no ے (Urdu) nor ۍ (Pashto)."""
    charmap = _font("DejaVu Sans").get_charmap()
    assert ord("ے") not in charmap and ord("ۍ") not in charmap
    noto = _font("Noto Sans Arabic").get_charmap()
    assert ord("ے") in noto and ord("ۍ") in noto


def _render_strict(chart: Chart) -> bytes:
    """Render with matplotlib's "Glyph ... missing from font(s)" warning as an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        return render(chart)


@pytest.mark.parametrize("locale", ["fa", "ps", "ur", "ru"])
def test_chart_renders_without_missing_glyphs_and_shows_text(catalogs, content, locale):
    title, modules = _labels(catalogs, content, locale)
    rtl = catalogs.get(locale).is_rtl
    png = _render_strict(_chart(title, modules, rtl))
    # the check itself works: glyphs no font has are reported
    with pytest.raises(UserWarning, match="missing from font"):
        _render_strict(_chart(MISSING, modules, rtl))
    image = imread(io.BytesIO(png))
    assert image.shape[0] > 400 and image.shape[1] > 800
    dark = image[..., :3].mean(axis=2) < 0.5
    band = dark[:45]  # the title's band at the top
    assert band.sum() > 100, "no title drawn"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxes = imread(io.BytesIO(render(_chart(MISSING * 6, modules, rtl))))
    boxes_band = boxes[..., :3].mean(axis=2)[:45] < 0.5
    assert (band != boxes_band).sum() > 100  # the title is not drawn as boxes


def test_isolates_from_the_translator_are_not_drawn(catalogs):
    t = catalogs.get("fa")
    text = t.label("Recall a week from now if nothing is reviewed; weekly since {date}",
                   date=t.date(date(2026, 12, 1), "medium"))
    isolates = set("\u2066\u2067\u2068\u2069")
    assert isolates & set(text)  # the translator isolates values for Telegram
    _render_strict(Chart(Labels(text), None, rtl=True))
    assert not isolates & set(clean(text))


@pytest.mark.parametrize("code,language", [("fa", "فارسی"), ("ur", "اردو"), ("ps", "پښتو"),
                                           ("ru", "Русский")])
async def test_admin_in_each_script_gets_a_chart_photo(app, fake, code, language):
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID, language_code=code))
    await admin.onboard(language)
    await admin.press_data(cb.REPORT_CHART.pack(kind="completion", f=ReportFilter().pack()))
    photo = next(c for c in admin.calls if c.method == "sendPhoto")
    (_, png), = photo.files.values()
    image = imread(io.BytesIO(png))
    assert image.ndim == 3 and np.asarray(image).max() > 0
    t = app.bot_data.services.catalogs.get(code)
    assert t.label("Completion per module") in photo.text
