"""Drawing the report's charts with matplotlib, as SVG to put inline in the page.

Two kinds: horizontal bars of the share of positive answers per group (unit or
provider), and a line over time. A hidden cell gets no bar and no point, only a
grey tag with a dashed border saying "hidden to protect small groups" (a band
across the axis would read as a long bar, and an empty place as zero); a period
without answers is a labelled gap.

Figures are made with `matplotlib.figure.Figure` (no pyplot, no global state), and
the SVG is made deterministic (fixed hash salt, no date in the metadata) so the same
export gives the same report. Text stays text (found by search, read aloud by screen
readers); the page's CSS names fonts with DejaVu Sans' widths for readers without it.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib
from markupsafe import escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from rostbot.report.content import Chart, Point
from rostbot.report.periods import count, percent
from rostbot.report.words import Words

BAR = "#1f4e79"  # dark blue: 8.9:1 against white
INK = "#222222"
HIDDEN_EDGE = "#6b6b6b"
HIDDEN_FILL = "#efefef"
HIDDEN_TAG = {
    "boxstyle": "round,pad=0.35",
    "facecolor": HIDDEN_FILL,
    "edgecolor": HIDDEN_EDGE,
    "linestyle": "--",
    "linewidth": 1,
}
REFERENCE = "#8a3b00"  # dark orange, told apart from the bars also by its dashes
WIDTH_INCHES = 7.5
NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_ID = re.compile(r'\bid="([^"]+)"')


def render_chart(chart: Chart, words: Words, chart_id: str, label: str) -> str:
    """The chart as an `<svg>` element with ids unique to `chart_id` and an aria label."""
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "rostbot-report",  # the same export draws the same SVG
            "svg.fonttype": "none",  # real text: searchable, read aloud, no glyph copies
            "font.family": "DejaVu Sans",
            "font.size": 10,
        }
    ):
        figure = _groups(chart, words) if chart.kind == "groups" else _time(chart, words)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    return _inline(buffer.getvalue(), chart_id, label)


def _inline(svg: str, chart_id: str, label: str) -> str:
    """Drop the XML prologue, make ids unique within the page, label the image."""
    svg = svg[svg.index("<svg") :]
    ids = set(_ID.findall(svg))
    if ids:
        # Several charts share one page, and matplotlib names glyphs and clip paths
        # the same way in each; prefix every id and every reference to it.
        alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        svg = re.sub(
            rf'(id="|#)({alternatives})(?=["\)])',
            lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}",
            svg,
        )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _percent_axis(words: Words) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: percent(value, words.lang))


def _value_text(point: Point, words: Words) -> str:
    n = count(point.n or 0, words.lang)
    if point.share is None:
        return words("n_answers", n=n)
    return words("bar_value", share=percent(point.share, words.lang), n=n)


def _groups(chart: Chart, words: Words) -> Figure:
    rows = len(chart.points)
    figure = Figure(figsize=(WIDTH_INCHES, 0.9 + 0.42 * rows), layout="constrained")
    axes = figure.subplots()
    positions = list(range(rows))[::-1]  # first group on top
    for y, point in zip(positions, chart.points, strict=True):
        if point.hidden:
            axes.text(
                0.015,
                y,
                words("hidden_mark"),
                va="center",
                color=INK,
                style="italic",
                bbox=HIDDEN_TAG,
            )
        elif point.no_answers:
            axes.text(0.02, y, words("no_answers"), va="center", color=INK, style="italic")
        else:
            share = point.share or 0.0
            if point.share is not None:
                axes.barh(y, share, height=0.7, color=BAR)
            inside = share > 0.7  # long bars carry their label inside, in white
            axes.text(
                share - 0.01 if inside else share + 0.01,
                y,
                _value_text(point, words),
                va="center",
                ha="right" if inside else "left",
                color="white" if inside else INK,
            )
    reference = chart.reference
    if reference is not None and reference.share is not None and not reference.hidden:
        axes.axvline(reference.share, color=REFERENCE, linestyle="--", linewidth=1.5)
        left = reference.share < 0.75
        axes.annotate(
            words("all_line", share=percent(reference.share, words.lang)),
            (reference.share, rows - 0.45),
            xytext=(4 if left else -4, 0),  # clear of the dashed line
            textcoords="offset points",
            color=REFERENCE,
            va="bottom",
            ha="left" if left else "right",
        )
    axes.set_yticks(positions, [point.label for point in chart.points])
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, rows - 0.4 + (0.5 if reference is not None else 0))
    axes.xaxis.set_major_formatter(_percent_axis(words))
    axes.set_xlabel(words("share_axis"))
    _plain(axes)
    return figure


def _time(chart: Chart, words: Words) -> Figure:
    figure = Figure(figsize=(WIDTH_INCHES, 3.4), layout="constrained")
    axes = figure.subplots()
    xs = list(range(len(chart.points)))
    shares = [
        point.share if point.share is not None and not point.hidden else math.nan
        for point in chart.points
    ]
    axes.plot(xs, shares, color=BAR, marker="o", linewidth=2)  # NaN breaks the line
    ticks = []
    for x, point in zip(xs, chart.points, strict=True):
        if point.hidden:
            axes.text(
                x,
                0.5,
                words("hidden"),
                rotation=90 if len(xs) > 8 else 0,  # narrow columns need upright text
                ha="center",
                va="center",
                color=INK,
                style="italic",
                bbox=HIDDEN_TAG,
            )
            ticks.append(f"{point.label}\n{words('hidden').lower()}")
        elif point.no_answers:
            ticks.append(f"{point.label}\n{words('no_answers').lower()}")
        else:
            ticks.append(f"{point.label}\nn={count(point.n or 0, words.lang)}")
            if point.share is not None:
                axes.annotate(
                    percent(point.share, words.lang),
                    (x, point.share),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    color=INK,
                    fontsize=8 if len(xs) > 12 else 9,
                )
    axes.set_xticks(xs, ticks, fontsize=7 if len(xs) > 12 else 9)
    axes.set_xlim(-0.6, len(xs) - 0.4)
    axes.set_ylim(0, 1.1)
    axes.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.yaxis.set_major_formatter(_percent_axis(words))
    axes.set_ylabel(words("share_axis"))
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    _plain(axes)
    return figure


def _plain(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
