"""The report as one self-contained HTML page: template, inline CSS, charts as inline SVG.

The page fetches nothing: no scripts, no fonts, no images from elsewhere. Jinja2
escapes every text from the export (answers are written by the public), and the
only markup let through unescaped is the SVG matplotlib drew and the marks around
scrubbed words, both built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from rostbot.report.charts import render_chart
from rostbot.report.content import Chart, ReportContent
from rostbot.report.periods import count, decimal, percent
from rostbot.report.words import REPORT_LANGUAGES, Words

# What the exporter's scrubber puts in place of what it removed, e.g. "[personnummer]".
SCRUBBED = re.compile(r"\[[^\[\]\n]{1,40}\]")


@dataclass(frozen=True)
class DrawnChart:
    """A chart with its SVG (empty when the questions have no positive answers)."""

    id: str
    chart: Chart
    svg: Markup
    has_share: bool
    has_mean: bool

    @property
    def columns(self) -> int:
        """Table columns after the group's name."""
        return 1 + self.has_share + self.has_mean


def render_page(content: ReportContent) -> str:
    """The whole report as HTML text."""
    words = Words(content.lang)
    charts = {
        indicator.anchor: [
            _draw(chart, f"{indicator.anchor}-c{number}", indicator.has_share, words)
            for number, chart in enumerate(indicator.charts, start=1)
        ]
        for flow in content.flows
        for indicator in flow.indicators
    }
    css = resources.files("rostbot.report").joinpath("templates/report.css").read_text("utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(
        content=content,
        charts=charts,
        css=Markup(css),
        w=words,
        num=lambda n: count(n, content.lang) if n is not None else "–",
        pct=lambda s: percent(s, content.lang) if s is not None else "–",
        dec=lambda m: decimal(m, content.lang) if m is not None else "–",
    )


def _draw(chart: Chart, chart_id: str, has_share: bool, words: Words) -> DrawnChart:
    svg = Markup("")
    if has_share:  # counts alone are read better in the table than in a chart
        label = (
            words("chart_label_groups", title=chart.title)
            if chart.kind == "groups"
            else words("chart_label_time", title=chart.title)
        )
        svg = Markup(render_chart(chart, words, chart_id, label))
    points = [*chart.points, *([chart.reference] if chart.reference else [])]
    has_mean = any(p.mean is not None for p in points)
    return DrawnChart(chart_id, chart, svg, has_share, has_mean)


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("rostbot.report", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["scrubbed"] = _mark_scrubbed
    environment.globals["languages"] = REPORT_LANGUAGES
    return environment


def _mark_scrubbed(text: str) -> Markup:
    """Escape an answer and wrap each `[replacement]` so readers see what was removed."""
    parts: list[str] = []
    last = 0
    for match in SCRUBBED.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<span class="scrubbed">{}</span>').format(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
