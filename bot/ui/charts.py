"""Charts as PNG images (matplotlib, Agg): pure drawing from data and already translated text.

Matplotlib 3.11 shapes Arabic-script text itself (libraqm), so Persian, Dari, Pashto and Urdu
labels are given as they are: no reshaping, no bidi reordering (that would now reverse them).
Its bundled DejaVu Sans covers Cyrillic and most Arabic letters but not all of Pashto's and
Urdu's (ۍ, ے): Noto Sans Arabic (SIL Open Font License, ``bot/fonts``) is the first font for
right-to-left locales, with DejaVu Sans behind it for Latin letters and signs.

Figures are made with ``matplotlib.figure.Figure`` (no pyplot, no global state), so a render
can run in a worker thread.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
ARABIC_FONT = "Noto Sans Arabic"
LATIN_FONT = "DejaVu Sans"
for _font in sorted(FONT_DIR.glob("*.ttf")):
    font_manager.fontManager.addfont(str(_font))

#: Unicode bidi controls (isolates, embeddings, marks): the translator puts isolates around
#: values for Telegram; matplotlib lays out the text itself and would draw them as boxes
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf")


def clean(text: str) -> str:
    return _BIDI_CONTROLS.sub("", text)


def fonts_for(rtl: bool) -> list[str]:
    return [ARABIC_FONT, LATIN_FONT] if rtl else [LATIN_FONT, ARABIC_FONT]


@dataclass(frozen=True)
class Labels:
    """Every text on a chart, translated; numbers already in the viewer's digits."""

    title: str
    subtitle: str = ""
    x: str = ""
    y: str = ""
    empty: str = ""  # shown across the plot when there is nothing to draw


@dataclass(frozen=True)
class Bars:
    names: Sequence[str]
    values: Sequence[float]
    value_text: Sequence[str]  # written at the end of each bar
    horizontal: bool = False
    limit: float | None = None  # the axis' upper end (1.0 for a share)


@dataclass(frozen=True)
class Lines:
    x_names: Sequence[str]
    series: Sequence[tuple[str, Sequence[float | None]]]
    limit: float | None = None


@dataclass(frozen=True)
class Chart:
    labels: Labels
    data: Bars | Lines | None
    rtl: bool = False
    #: formats an axis value (a share, a count) in the viewer's locale
    tick: Callable[[float], str] = field(default=lambda v: f"{v:g}")


def render(chart: Chart, *, dpi: int = 100) -> bytes:
    """The chart as PNG bytes (about 900 by 560 pixels)."""
    fig = Figure(figsize=(9, 5.6), dpi=dpi, layout="constrained")
    family = fonts_for(chart.rtl)
    text = {"family": family}
    labels = chart.labels
    fig.suptitle(clean(labels.title), fontsize=15, fontfamily=family)
    ax = fig.add_subplot()
    if labels.subtitle:
        ax.set_title(clean(labels.subtitle), fontsize=10, color="#555555", fontfamily=family)
    data = chart.data
    if data is None or not _has_values(data):
        ax.set_axis_off()
        ax.text(0.5, 0.5, clean(labels.empty), ha="center", va="center", fontsize=14,
                wrap=True, transform=ax.transAxes, fontdict=text)
    elif isinstance(data, Bars):
        _bars(ax, data, chart, text)
    else:
        _lines(ax, data, chart, text)
    if labels.x and data is not None and _has_values(data):
        ax.set_xlabel(clean(labels.x), fontdict=text)
    if labels.y and data is not None and _has_values(data):
        ax.set_ylabel(clean(labels.y), fontdict=text)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def _has_values(data: Bars | Lines) -> bool:
    if isinstance(data, Bars):
        return bool(data.values) and any(v for v in data.values)
    return any(v is not None for _, values in data.series for v in values)


def _formatter(chart: Chart) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: clean(chart.tick(value)))


def _bars(ax, data: Bars, chart: Chart, text: dict) -> None:
    names = [clean(n) for n in data.names]
    positions = list(range(len(names)))
    top = data.limit or max(data.values) * 1.15 or 1
    if data.horizontal:
        positions = positions[::-1]  # first name on top
        bars = ax.barh(positions, data.values, color=COLORS[0])
        ax.set_yticks(positions, names, fontdict=text)
        ax.set_xlim(0, top)
        ax.xaxis.set_major_formatter(_formatter(chart))
        if chart.rtl:
            ax.invert_xaxis()  # bars grow from the right, where the reader starts
            ax.yaxis.tick_right()
    else:
        bars = ax.bar(positions, data.values, color=COLORS[0])
        ax.set_xticks(positions, names, fontdict=text, rotation=45 if len(names) > 8 else 0,
                      ha="right" if len(names) > 8 else "center")
        ax.set_ylim(0, top)
        ax.yaxis.set_major_formatter(_formatter(chart))
    for bar, label in zip(bars, data.value_text, strict=True):
        ax.annotate(clean(label), _bar_end(bar, data.horizontal),
                    xytext=(-4 if chart.rtl else 4, 0) if data.horizontal else (0, 3),
                    textcoords="offset points", fontfamily=text["family"], fontsize=9,
                    ha=("right" if chart.rtl else "left") if data.horizontal else "center",
                    va="center" if data.horizontal else "bottom")
    ax.grid(axis="x" if data.horizontal else "y", alpha=0.3)


def _bar_end(bar, horizontal: bool) -> tuple[float, float]:
    if horizontal:
        return bar.get_width(), bar.get_y() + bar.get_height() / 2
    return bar.get_x() + bar.get_width() / 2, bar.get_height()


def _lines(ax, data: Lines, chart: Chart, text: dict) -> None:
    xs = list(range(len(data.x_names)))
    for i, (name, values) in enumerate(data.series):
        points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                color=COLORS[i % len(COLORS)], label=clean(name))
    step = max(1, len(xs) // 12)
    ax.xaxis.set_major_locator(FixedLocator(xs[::step]))
    ax.set_xticks(xs[::step], [clean(n) for n in data.x_names[::step]], fontdict=text,
                  rotation=30 if len(xs) > 6 else 0)
    ax.set_xlim(-0.5, max(xs) + 0.5 if xs else 0.5)
    if data.limit is not None:
        ax.set_ylim(0, data.limit)
    ax.yaxis.set_major_formatter(_formatter(chart))
    ax.grid(alpha=0.3)
    if len(data.series) > 1:
        ax.legend(prop=font_manager.FontProperties(family=text["family"], size=8),
                  loc="lower left" if not chart.rtl else "lower right")
