"""The seminar report (`rostbot report`), read the way a seminar reads it.

Each test builds a crafted export folder (tests/test_report_folder.py), makes the
real report with matplotlib and Jinja2, and reads the HTML back with a small DOM
built on the standard library's parser: headings, figures, tables, answers.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rostbot.report.errors import ReportError
from rostbot.report.making import make_report
from test_report_folder import (
    ANALYSTS_ONLY,
    INCOME,
    MEETING,
    ExportSpec,
    cell,
    count,
    hide_counts,
    write_export_folder,
)

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
VOID = {"meta", "br", "img", "input", "link", "hr", "source", "wbr", "col", "area"}
SVG_NS = "{http://www.w3.org/2000/svg}"
HIDDEN_MARK = {"sv": "Dolt för att skydda små grupper", "da": "Skjult for at beskytte små grupper"}


# ---------------------------------------------------------------- a small DOM for reading


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    raw: str = ""  # the source of an <svg> element, to read as XML

    def text(self) -> str:
        return " ".join(
            " ".join((c if isinstance(c, str) else c.text()).split()) for c in self.children
        ).strip()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def all(self, tag: str) -> list[Node]:
        return [node for node in self.walk() if node.tag == tag]

    def one(self, tag: str) -> Node:
        found = self.all(tag)
        assert len(found) == 1, f"{len(found)} <{tag}> in <{self.tag}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.svg_starts: list[int] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.splitlines(keepends=True)
        return sum(len(x) for x in lines[: line - 1]) + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag == "svg":
            self.svg_starts.append(self._offset())
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        node = self.stack.pop()
        if tag == "svg":
            start = self.svg_starts.pop()
            end = self.source.index("</svg>", self._offset()) + len("</svg>")
            node.raw = self.source[start:end]

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _Builder(html)
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def svg_texts(svg: Node) -> list[str]:
    """Every text matplotlib drew in a chart."""
    tree = ET.fromstring(svg.raw)
    return [" ".join(t.itertext()).strip() for t in tree.iter(f"{SVG_NS}text")]


@dataclass
class Figure:
    caption: str
    svg: Node | None
    rows: dict[str, list[str]]  # first cell -> the other cells


def figures(section: Node) -> list[Figure]:
    found = []
    for figure in section.all("figure"):
        svgs = figure.all("svg")
        rows = {}
        for tr in figure.all("tr"):
            cells = [c.text() for c in tr.walk() if c.tag in ("th", "td")]
            rows[cells[0]] = cells[1:]
        found.append(Figure(figure.one("figcaption").text(), svgs[0] if svgs else None, rows))
    return found


def section_of(page: Node, heading_text: str, level: str = "h4") -> Node:
    """The <section> whose heading is `heading_text`."""
    for section in page.all("section"):
        headings = [c for c in section.children if isinstance(c, Node) and c.tag == level]
        if headings and headings[0].text() == heading_text:
            return section
    raise AssertionError(f"no section headed {heading_text!r}")


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_export_folder(tmp_path_factory.mktemp("report") / "export")


@pytest.fixture(scope="module")
def pages(export_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report of the crafted export, in Swedish and in Danish."""
    out = tmp_path_factory.mktemp("pages")
    html = {}
    for lang in ("sv", "da"):
        make_report(export_dir, out / f"{lang}.html", lang=lang, flows_dir=FLOWS)
        html[lang] = (out / f"{lang}.html").read_text(encoding="utf-8")
    return html


# ---------------------------------------------------------------- one file, nothing fetched


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_the_report_is_one_file_that_fetches_nothing(pages: dict[str, str], lang: str) -> None:
    html = pages[lang]
    page = parse(html)
    for node in page.walk():
        for name, value in node.attrs.items():
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset", "data"):
                assert value.startswith("#"), f"<{node.tag} {name}={value!r}> points elsewhere"
        assert node.tag not in ("script", "link", "img", "iframe", "object", "embed")
    css = page.one("head").one("style").text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    # The only web addresses are SVG's XML namespace names, which are never fetched.
    addresses = set(re.findall(r"https?://[^\s\"')]+", html))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert not re.search(r"xmlns(:\w+)?=\"[^\"]*\"", css)


def test_the_same_export_always_makes_the_same_report(export_dir: Path, tmp_path: Path) -> None:
    make_report(export_dir, tmp_path / "a.html", lang="sv", flows_dir=FLOWS)
    make_report(export_dir, tmp_path / "b.html", lang="sv", flows_dir=FLOWS)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


# ---------------------------------------------------------------- hidden cells


def test_hidden_units_are_marked_in_chart_and_table_and_never_shown_as_zero(
    pages: dict[str, str],
) -> None:
    page = parse(pages["sv"])
    information = section_of(page, "Information")
    per_unit = next(f for f in figures(information) if f.caption == "Per enhet, 2026")

    assert per_unit.rows["norr"] == ["20", "70 %"]
    for unit in ("soder", "vaster"):
        (only,) = per_unit.rows[unit]  # one cell spanning n and share: no number at all
        assert only.startswith("Dolt (färre än 5 svar")
        assert not re.search(r"\d+ %|^0$", only)
    assert per_unit.rows["Alla"] == ["40", "65 %"]

    assert per_unit.svg is not None
    drawn = svg_texts(per_unit.svg)
    assert drawn.count(HIDDEN_MARK["sv"]) == 2
    value_labels = [t for t in drawn if "svar)" in t]
    assert value_labels == ["70 %  (20 svar)"]  # a bar only for the unit that is shown


def test_hidden_providers_and_no_provider_are_marked(pages: dict[str, str]) -> None:
    information = section_of(parse(pages["da"]), "Information")
    per_provider = next(f for f in figures(information) if f.caption == "Pr. leverandør, 2026")
    assert list(per_provider.rows) == ["Gruppe", "hvb-1", "hvb-2", "(ingen leverandør)", "Alle"]
    assert per_provider.rows["hvb-1"] == ["22", "68 %"]
    assert per_provider.rows["hvb-2"][0].startswith("Skjult (færre end 5 svar")
    assert per_provider.rows["(ingen leverandør)"][0].startswith("Skjult")
    assert per_provider.svg is not None
    assert svg_texts(per_provider.svg).count(HIDDEN_MARK["da"]) == 2


def test_over_time_a_hidden_month_is_marked_and_a_month_without_answers_is_a_gap(
    pages: dict[str, str],
) -> None:
    information = section_of(parse(pages["sv"]), "Information")
    over_time = next(f for f in figures(information) if f.caption == "Över tid, alla enheter")
    assert over_time.rows["jan. 2026"] == ["15", "60 %"]
    assert over_time.rows["feb. 2026"] == ["12", "75 %"]
    assert over_time.rows["mars 2026"] == ["Inga svar"]
    assert over_time.rows["apr. 2026"][0].startswith("Dolt")
    assert over_time.rows["maj 2026"][0].startswith("Dolt")
    assert over_time.svg is not None
    drawn = svg_texts(over_time.svg)
    assert drawn.count("Dolt") == 2
    axis = Counter(["0 %", "25 %", "50 %", "75 %", "100 %"])
    point_labels = Counter(t for t in drawn if t.endswith(" %")) - axis
    assert sorted(point_labels.elements()) == ["60 %", "75 %"]  # hidden months get none


def test_a_mean_rating_is_shown_beside_the_share(pages: dict[str, str]) -> None:
    overall = section_of(parse(pages["sv"]), "Helhetsomdöme")
    per_unit = next(f for f in figures(overall) if f.caption == "Per enhet, 2026")
    assert per_unit.rows["Grupp"] == ["Antal svar", "Andel positiva", "Medelvärde"]
    assert per_unit.rows["soder"] == ["14", "50 %", "5,9"]
    # Free text shares the indicator but is no part of the share: not listed as counted.
    questions = [li.text() for li in overall.one("ul").all("li")]
    assert questions == ["Hur nöjd är du, allt som allt?"]


def test_counts_without_positive_answers_get_a_table_and_no_chart(pages: dict[str, str]) -> None:
    section = section_of(parse(pages["sv"]), "Hur försörjer du dig nu?")
    assert "bara antal svar" in section.text()
    (per_unit, over_time) = figures(section)
    assert per_unit.svg is None and over_time.svg is None
    assert per_unit.rows["Grupp"] == ["Antal svar"]
    assert per_unit.rows["norr"] == ["18"]
    assert per_unit.rows["soder"][0].startswith("Dolt")
    assert all("open" in details.attrs for details in section.all("details"))


# ---------------------------------------------------------------- free text


def flow_section(page: Node, flow_id: str) -> Node:
    return next(s for s in page.all("section") if s.attrs.get("id") == f"flow-{flow_id}")


def test_free_text_is_grouped_under_its_question_in_the_order_of_its_text(
    pages: dict[str, str],
) -> None:
    better = section_of(flow_section(parse(pages["sv"]), INCOME), "Vad kunde vi ha gjort bättre?")
    answers = [li.text() for li in better.one("ul").all("li")]
    assert answers == [
        "Bra bemötande! <script>alert(1)</script> & mer",
        "Min sagsbehandler [navn] var god.",
        "Ring mig inte på [telefonnummer] igen.",
        "Svar hurtigere på mails.",
        "Svara snabbare i telefon.",
    ]
    assert "5 svar" in better.text()
    languages = [li.attrs.get("lang") for li in better.one("ul").all("li")]
    assert languages == ["sv", "da", "sv", "da", "sv"]
    marks = [span.text() for span in better.all("span") if span.attrs["class"] == "scrubbed"]
    assert marks == ["[navn]", "[telefonnummer]"]


def test_free_text_is_ordered_by_text_whatever_the_order_in_the_file(tmp_path: Path) -> None:
    spec = ExportSpec()
    spec.free_text.reverse()
    export = write_export_folder(tmp_path / "export", spec)
    make_report(export, tmp_path / "r.html", lang="sv", flows_dir=FLOWS)
    page = parse((tmp_path / "r.html").read_text())
    better = section_of(page, "Vad kunde vi ha gjort bättre?")
    answers = [li.text() for li in better.one("ul").all("li")]
    assert answers == sorted(answers) and len(answers) == 5


def test_an_answer_cannot_add_markup_to_the_page(pages: dict[str, str]) -> None:
    assert "<script>" not in pages["sv"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; mer" in pages["sv"]


def test_a_question_without_rows_says_fewer_than_the_minimum_wrote(pages: dict[str, str]) -> None:
    # No rows means fewer than min_group wrote something, perhaps nobody: the page says
    # exactly that, not that nobody wrote.
    for lang, question, sentence in [
        ("sv", "Vill du säga något mer om mötet?", "Inga svar visas här: färre än 5 personer "
         "skrev något."),
        ("da", "Vil du sige mere om mødet?", "Her vises ingen svar: færre end 5 personer "
         "skrev noget."),
    ]:  # fmt: skip
        comment = section_of(flow_section(parse(pages[lang]), MEETING), question)
        assert comment.all("ul") == []
        assert sentence in comment.text()
    assert "Ingen skrev" not in pages["sv"] and "Ingen skrev" not in pages["da"]
    explained = section_of(parse(pages["sv"]), "Så läser du rapporten", "h2").text()
    assert "Svaren på en fråga visas bara när minst 5 personer har skrivit något." in explained


def test_the_analysts_working_files_never_reach_the_page(pages: dict[str, str]) -> None:
    assert ANALYSTS_ONLY not in pages["sv"] and ANALYSTS_ONLY not in pages["da"]
    assert "r0001" not in pages["sv"]


# ---------------------------------------------------------------- response counts


def test_responses_are_counted_by_status_language_and_version(pages: dict[str, str]) -> None:
    sv = flow_section(parse(pages["sv"]), INCOME)
    assert "40 svar: 35 hela och 5 delvis besvarade." in sv.text()
    assert "Svar på svenska: 32. Svar på danska: 8." in sv.text()
    assert "Version 1, 2" in sv.text()
    assert "vet vi inte" not in sv.text()
    da = flow_section(parse(pages["da"]), INCOME)
    assert "40 svar: 35 hele og 5 delvist besvarede." in da.text()
    assert "Svar på svensk: 32. Svar på dansk: 8." in da.text()


def test_responses_whose_flow_was_missing_at_export_are_counted_apart(tmp_path: Path) -> None:
    spec = ExportSpec()
    spec.counts[1]["n"] = "30"
    spec.counts.insert(3, count(INCOME, "status", "unknown", 5))
    export = write_export_folder(tmp_path / "export", spec)
    make_report(export, tmp_path / "r.html", lang="sv", flows_dir=FLOWS)
    text = parse((tmp_path / "r.html").read_text()).text()
    assert "40 svar: 30 hela och 5 delvis besvarade." in text
    assert "För 5 svar vet vi inte om de är hela." in text


def responses_text(page: Node, flow_id: str) -> str:
    """The paragraphs under the flow's "Antal svar" heading."""
    section = flow_section(page, flow_id)
    return " ".join(p.text() for p in section.all("p") if p.attrs.get("class") == "responses")


def test_a_hidden_breakdown_of_languages_is_said_to_be_hidden(pages: dict[str, str]) -> None:
    # The meeting's split by language is hidden in the crafted export (7 and 2).
    sv = responses_text(parse(pages["sv"]), MEETING)
    assert sv == (
        "9 svar: 9 hela och 0 delvis besvarade. Vi visar inte hur många som svarade på "
        "svenska och på danska. Det skyddar små grupper."
    )
    da = responses_text(parse(pages["da"]), MEETING)
    assert "Vi viser ikke, hvor mange der svarede på svensk og på dansk." in da
    assert "Svar på dansk" not in da


def test_a_hidden_breakdown_of_statuses_shows_only_the_total(tmp_path: Path) -> None:
    spec = ExportSpec()
    hide_counts(spec, INCOME, "status", "flow_version")
    export = write_export_folder(tmp_path / "export", spec)
    make_report(export, tmp_path / "r.html", lang="sv", flows_dir=FLOWS)
    page = parse((tmp_path / "r.html").read_text())
    assert responses_text(page, INCOME) == "40 svar. Svar på svenska: 32. Svar på danska: 8."
    meta = flow_section(page, INCOME).all("p")[0]
    assert meta.text() == INCOME  # no version list when the versions are hidden


def test_a_hidden_total_is_said_to_be_hidden_and_is_never_zero(tmp_path: Path) -> None:
    spec = ExportSpec()
    hide_counts(spec, MEETING, "all")
    export = write_export_folder(tmp_path / "export", spec)
    for lang, sentence in [
        ("sv", "Antalet svar är dolt för att skydda små grupper."),
        ("da", "Antallet svar er skjult for at beskytte små grupper."),
    ]:
        make_report(export, tmp_path / f"{lang}.html", lang=lang, flows_dir=FLOWS)
        page = parse((tmp_path / f"{lang}.html").read_text())
        assert responses_text(page, MEETING) == sentence  # nothing else: no number at all
        assert not re.search(r"\d", responses_text(page, MEETING))
        assert "Version" not in flow_section(page, MEETING).all("p")[0].text()
        assert responses_text(page, INCOME).startswith("40 svar")


def test_the_period_comes_from_the_months_of_the_indicators(pages: dict[str, str]) -> None:
    # The first and last month with answers: January (shown) to May (hidden) 2026.
    assert parse(pages["sv"]).one("header").all("p")[1].text() == (
        "Svaren kom in från januari 2026 till maj 2026."
    )


# ---------------------------------------------------------------- languages and structure


def test_each_language_gets_its_own_words(pages: dict[str, str]) -> None:
    sv, da = parse(pages["sv"]), parse(pages["da"])
    assert sv.one("html").attrs["lang"] == "sv" and da.one("html").attrs["lang"] == "da"
    assert sv.one("h1").text() == "Underlag för analysseminarium"
    assert da.one("h1").text() == "Materiale til analyseseminar"
    flows_sv = [h.text() for h in sv.all("h2")][2:]
    flows_da = [h.text() for h in da.all("h2")][2:]
    # The analysts' titles from flows/*.yaml, never the neutral ones the chat shows.
    assert flows_sv == ["Möten", "Uppföljning efter ekonomiskt bistånd"]
    assert flows_da == ["Møder", "Opfølgning efter kontanthjælp"]
    for neutral in ("Om mötet", "Om stödet du fick", "Om mødet", "Om hjælpen, du fik"):
        assert neutral not in sv.text() and neutral not in da.text()
    assert "40 svar: 35 hela och 5 delvis besvarade." in sv.text()
    assert "40 svar: 35 hele og 5 delvist besvarede." in da.text()
    assert "Fik du at vide, hvad du kunne få hjælp til?" in da.text()  # from the codebook
    assert "Fick du veta" not in da.text() and "Fik du at vide" not in sv.text()


def test_without_flow_files_the_flow_ids_name_the_flows(
    export_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./flows here
    make_report(export_dir, tmp_path / "r.html", lang="sv")
    page = parse((tmp_path / "r.html").read_text())
    assert [h.text() for h in page.all("h2")][2:] == [INCOME, MEETING]
    assert "Fick du veta vad du kunde få hjälp med?" in page.text()


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_the_page_is_built_for_screen_readers_and_paper(pages: dict[str, str], lang: str) -> None:
    page = parse(pages[lang])
    levels = [int(node.tag[1]) for node in page.walk() if re.fullmatch(r"h[1-6]", node.tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    ids = [node.attrs["id"] for node in page.walk() if "id" in node.attrs]
    assert len(ids) == len(set(ids)), "ids must be unique across the page and its charts"
    for figure in page.all("figure"):
        assert figure.one("figcaption").text()
        table = figure.one("table")
        assert all(th.attrs.get("scope") in ("col", "row") for th in table.all("th"))
        for svg in figure.all("svg"):
            assert svg.attrs["role"] == "img" and svg.attrs["aria-label"]
    css = page.one("head").one("style").text()
    print_rules = css[css.index("@media print") :]
    assert re.search(r"\.flow\s*{\s*break-before:\s*page", print_rules)
    assert "break-inside: avoid" in print_rules


# ---------------------------------------------------------------- what the report refuses


def test_a_group_smaller_than_min_group_is_refused_not_hidden(
    export_dir: Path, tmp_path: Path
) -> None:
    # Hiding it here, without the export's complementary suppression, could let the
    # reader work it out from the totals; a new export is the safe way.
    with pytest.raises(ReportError) as caught:
        make_report(export_dir, tmp_path / "r.html", lang="sv", min_group=10, flows_dir=FLOWS)
    assert "shows a group of 5 answers, fewer than --min-group 10" in str(caught.value)
    assert not (tmp_path / "r.html").exists()


def _without_small_indicator_cells(spec: ExportSpec, smallest: int) -> None:
    spec.indicators = [c for c in spec.indicators if not c["n"] or int(c["n"]) >= smallest]


def test_counts_of_a_group_smaller_than_min_group_are_refused(tmp_path: Path) -> None:
    spec = ExportSpec()
    _without_small_indicator_cells(spec, 10)
    export = write_export_folder(tmp_path / "export", spec)
    with pytest.raises(ReportError) as caught:
        make_report(export, tmp_path / "r.html", lang="sv", min_group=10, flows_dir=FLOWS)
    assert str(caught.value) == (
        "counts.csv line 4 shows a group of 5 responses, fewer than --min-group 10; "
        "export again with --min-group 10"
    )
    assert not (tmp_path / "r.html").exists()


def test_free_text_from_fewer_writers_than_min_group_is_refused(tmp_path: Path) -> None:
    spec = ExportSpec()
    _without_small_indicator_cells(spec, 6)
    hide_counts(spec, INCOME, "status")  # 5 partial
    export = write_export_folder(tmp_path / "export", spec)
    with pytest.raises(ReportError) as caught:
        make_report(export, tmp_path / "r.html", lang="sv", min_group=6, flows_dir=FLOWS)
    assert "free_text_seminar.csv shows 5 answers to income_support_followup what_better, " in (
        str(caught.value)
    )
    assert "fewer than --min-group 6" in str(caught.value)


def test_the_export_threshold_is_the_default_threshold(tmp_path: Path) -> None:
    spec = ExportSpec(min_group=3)
    spec.indicators.append(cell(MEETING, "treatment", "frukost", "", "year", "2026", 4, 0.75))
    export = write_export_folder(tmp_path / "export", spec)
    make_report(export, tmp_path / "r.html", lang="sv", flows_dir=FLOWS)
    html = (tmp_path / "r.html").read_text()
    assert "färre än 3 svar" in html
    assert "färre än 3 personer skrev något" in html


def test_a_lower_threshold_than_the_export_used_says_what_the_export_hid(
    export_dir: Path, tmp_path: Path
) -> None:
    # The export hid groups under 5; saying "fewer than 3" would not be true.
    summary = make_report(export_dir, tmp_path / "r.html", lang="sv", min_group=3)
    assert summary.min_group == 5
    html = (tmp_path / "r.html").read_text()
    assert "färre än 5 personer skrev något" in html and "färre än 3" not in html


# ---------------------------------------------------------------- the command


def rostbot(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    env["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run(
        [sys.executable, "-m", "rostbot", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_writes_the_report_and_says_so_in_one_line(
    export_dir: Path, tmp_path: Path
) -> None:
    done = rostbot(
        "report", export_dir, "--lang", "da", "--out", "r.html", "--flows", FLOWS, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "report: r.html (2 flow(s), 4 indicator(s), 5 free-text answer(s), groups under 5 hidden)"
    ]
    assert parse((tmp_path / "r.html").read_text()).one("h1").text().startswith("Materiale")


def _tampered(tmp_path: Path) -> Path:
    export = write_export_folder(tmp_path / "tampered")
    path = export / "free_text_seminar.csv"
    path.write_text(path.read_text().replace("snabbare", "långsammare"))
    return export


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["nowhere", "--lang", "sv"], "rostbot: nowhere is not a folder"),
        (
            ["tampered", "--lang", "sv"],
            "rostbot: free_text_seminar.csv does not match its SHA-256",
        ),
        (["export", "--lang", "en"], "rostbot: argument --lang: invalid choice: 'en'"),
        (["export", "--lang", "sv", "--min-group", "0"], "--min-group must be 1 or more"),
        (["export", "--lang", "sv", "--flows", "nowhere"], "--flows nowhere is not a folder"),
    ],
)
def test_the_command_refuses_in_one_line(
    export_dir: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    _tampered(tmp_path)
    (tmp_path / "export").symlink_to(export_dir)
    done = rostbot("report", *args, "--out", "r.html", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and reason in done.stderr, done.stderr
    assert not (tmp_path / "r.html").exists()


def test_an_unwritable_output_is_one_line(export_dir: Path, tmp_path: Path) -> None:
    done = rostbot("report", export_dir, "--lang", "sv", "--out", "no/such/r.html", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr == "rostbot: cannot write no/such/r.html: the folder no/such does not exist\n"
    )
