"""`rostbot letters`: printed letters whose QR codes and links work, and nothing else holds a code.

The PDF is read as a printer and a phone would: poppler's pdftoppm renders each page,
zbarimg (ZBar) reads the QR code off the picture, and pdftotext gives the words on the
page. Every failure is one line and exit status 2, and leaves no invitation behind.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
import sqlite3
import stat
import subprocess
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from rostbot.config import Settings
from rostbot.core.flow_loader import load_flows
from rostbot.core.flow_time import estimated_minutes
from rostbot.core.spreadsheet_cells import formula_like, original
from rostbot.invitations import code_of, make_invitations
from rostbot.letters.making import withdrawn_on_failure
from rostbot.letters.page import check_fits
from rostbot.letters.template import default_template, filled, letter_values
from system_tools import need
from test_cli import Result
from test_cli import rostbot as rostbot_cli
from test_readability import lix

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
LINK = re.compile(r"https://t\.me/rost_test_bot\?start=(?P<code>[A-Za-z0-9_-]{22})")
ORGANISATION = "Malmö stad, Socialtjänsten Söder"
CONTACT = "Åsa Øberg, 040-34 10 00"
KEY_SENTENCES = {
    "sv": [
        f"Vi på {ORGANISATION} vill bli bättre på att hjälpa.",
        "Det är frivilligt att svara.",
        "Det påverkar aldrig ditt ärende eller ditt stöd, om du svarar eller inte.",
        "Bara våra analytiker kan öppna dem. De ser inte ditt namn.",
        "Telegram kan läsa det som står i chatten.",
        "Vi visar bara svar från grupper av personer.",
        "Har du inte Telegram?",
        f"Hör av dig till {CONTACT}.",
        "Skanna koden med kameran i mobilen.",
    ],
    "da": [
        f"Vi i {ORGANISATION} vil gerne blive bedre til at hjælpe.",
        "Det er frivilligt at svare.",
        "Det har aldrig betydning for din sag eller din hjælp, om du svarer eller ej.",
        "Kun vores analytikere kan åbne dem. De ser ikke dit navn.",
        "Telegram kan læse det, der står i chatten.",
        "Vi viser kun svar fra grupper af personer.",
        "Har du ikke Telegram?",
        f"Kontakt {CONTACT}.",
        "Scan koden med kameraet på din mobil.",
    ],
}


def rostbot(*args: str | Path, cwd: Path, env: Mapping[str, str] | None = None) -> Result:
    """`rostbot letters ARGS` in its own process, with the letters' settings."""
    settings = {
        "ROSTBOT_FLOWS": str(FLOWS),
        "ROSTBOT_DB": "rostbot.sqlite3",
        "ROSTBOT_ORGANISATION": ORGANISATION,
        "ROSTBOT_CONTACT": CONTACT,
        "ROSTBOT_BOT_USERNAME": "rost_test_bot",
        **(env or {}),
    }
    return rostbot_cli("letters", *args, cwd=cwd, env=settings, timeout=120)


def stored_invitations(db: Path) -> list[tuple[str, ...]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT code_hash, flow_id, unit, provider, cohort, wave FROM invitations"
        ).fetchall()
    connection.close()
    return rows


def page_texts(pdf: Path, pages: int) -> list[str]:
    pdftotext = need("poppler-utils", "pdftotext")
    return [
        subprocess.run(
            [pdftotext, "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for n in range(1, pages + 1)
    ]


def qr_links(pdf: Path, folder: Path) -> list[list[str]]:
    """What a phone's camera reads on each page: every QR code, decoded."""
    pdftoppm = need("poppler-utils", "pdftoppm")
    zbarimg = need("zbar-tools", "zbarimg")
    subprocess.run(
        [pdftoppm, "-png", "-r", "150", str(pdf), str(folder / "page")], check=True, timeout=120
    )
    found = []
    for image in sorted(folder.glob("page-*.png")):
        done = subprocess.run(
            [zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (image.name, done.stderr)
        found.append(done.stdout.splitlines())
    return found


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_every_letter_carries_its_own_working_link(tmp_path: Path, lang: str) -> None:
    pages = 4
    result = rostbot(
        "--flow", "income_support_followup", "--unit", "sodra", "--provider", "care_co",
        "--cohort", "adults-1y", "--wave", "2027", "--count", str(pages), "--lang", lang,
        "--out", "letters.pdf", "--csv", "merge.csv",
        cwd=tmp_path,
        env={"ROSTBOT_LOG_LEVEL": "DEBUG"},
    )  # fmt: skip
    assert result.code == 0, result
    pdf = tmp_path / "letters.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "merge.csv").stat().st_mode) == 0o600

    decoded = qr_links(pdf, tmp_path)
    assert [len(codes) for codes in decoded] == [1] * pages  # one page each, one QR code each
    links = [codes[0] for codes in decoded]
    codes = []
    for link in links:
        match = LINK.fullmatch(link)
        assert match, link
        codes.append(match.group("code"))
    assert len(set(codes)) == pages

    # The invitations are those `rostbot invite` makes: hashes only, for this flow and unit.
    rows = stored_invitations(tmp_path / "rostbot.sqlite3")
    assert sorted(r[0] for r in rows) == sorted(
        hashlib.sha256(c.encode()).hexdigest() for c in codes
    )
    assert {r[1:] for r in rows} == {
        ("income_support_followup", "sodra", "care_co", "adults-1y", "2027")
    }

    # Each page: the letter's key sentences in its language, and its code only in its link.
    flow = load_flows(FLOWS)["income_support_followup"]
    minutes = estimated_minutes(flow, lang)
    for text, link, code in zip(page_texts(pdf, pages), links, codes, strict=True):
        words = " ".join(text.split())
        for sentence in KEY_SENTENCES[lang]:
            assert sentence in words, (sentence, text)
        assert f" {minutes} minut" in words
        for other in KEY_SENTENCES["da" if lang == "sv" else "sv"][1:3]:
            assert other not in words
        holding = [line for line in text.splitlines() if code in line]
        assert holding == [link]
        assert all(c not in text for c in codes if c != code)

    # The mail-merge file: one row per letter, with its page, and nothing a formula.
    raw = (tmp_path / "merge.csv").read_bytes()
    assert raw.startswith("\N{BYTE ORDER MARK}".encode())
    rows_csv = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows_csv[0] == ["page", "link", "code"]
    pairs = zip(links, codes, strict=True)
    assert [(r[0], r[1], original(r[2])) for r in rows_csv[1:]] == [
        (str(n), link, code) for n, (link, code) in enumerate(pairs, start=1)
    ]
    assert not any(formula_like(cell) for row in rows_csv for cell in row)

    # No code in what the command printed or logged, nor in any file's name.
    for code in codes:
        assert code not in result.out + result.err
        assert not any(code in p.name for p in tmp_path.rglob("*"))


def test_a_code_beginning_with_a_minus_is_not_a_formula_in_the_csv(tmp_path: Path) -> None:
    from rostbot.letters.mail_merge import mail_merge_csv

    code = "-Abc_0123456789abcdefg"
    link = f"https://t.me/rost_test_bot?start={code}"
    text = mail_merge_csv([link], [code]).decode("utf-8-sig")
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert row == ["1", link, "'" + code]
    assert original(row[2]) == code


def test_the_organisations_own_template(tmp_path: Path) -> None:
    template = tmp_path / "brev.md"
    template.write_text(
        "# {{ title }}\n\nFrån {{ organisation }}: {{ questions }} frågor, {{ minutes }} min.\n\n"
        "- Frågor? {{ contact }}\n",
        encoding="utf-8",
    )
    result = rostbot(
        "--flow", "meeting_feedback", "--unit", "u1", "--count", "1", "--lang", "sv",
        "--template", template, "--out", "brev.pdf", cwd=tmp_path,
    )  # fmt: skip
    assert result.code == 0, result
    flow = load_flows(FLOWS)["meeting_feedback"]
    (text,) = page_texts(tmp_path / "brev.pdf", 1)
    words = " ".join(text.split())
    assert flow.title.get("sv") in words
    assert f"Från {ORGANISATION}: {len(flow.questions)} frågor" in words
    assert f"Frågor? {CONTACT}" in words
    assert "frivilligt" not in words  # the organisation's text, not the default


@pytest.mark.parametrize(
    ("template_text", "says"),
    [
        ("Hej {{ name }}!", "'name' is undefined (the placeholders are: organisation"),
        ("Hej {{ organisation }", "brev.md:1: "),
        ("{% for n in range(200) %}\nEn mening till.\n\n{% endfor %}", "does not fit on one page"),
        ("\n\n", "the letter is empty"),
        ("{{ ''.__class__.__mro__ }}", "brev.md"),
    ],
)
def test_a_template_that_cannot_make_a_letter(
    tmp_path: Path, template_text: str, says: str
) -> None:
    (tmp_path / "brev.md").write_text(template_text, encoding="utf-8")
    result = rostbot(
        "--flow", "meeting_feedback", "--unit", "u1", "--count", "2", "--lang", "sv",
        "--template", "brev.md", "--out", "brev.pdf", cwd=tmp_path,
    )  # fmt: skip
    assert says in result.error_line
    assert stored_invitations(tmp_path / "rostbot.sqlite3") == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite3") == ["brev.md"]


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--count", "0"], {}, "--count must be between 1 and 1000"),
        (["--count", "1001"], {}, "--count must be between 1 and 1000"),
        (["--lang", "en"], {}, "invalid choice: 'en'"),
        (["--flow", "no_such_flow"], {}, "no flow 'no_such_flow'"),
        (["--out", "missing/letters.pdf"], {}, "cannot write missing/letters.pdf"),
        (["--out", "taken.pdf"], {}, "taken.pdf exists already"),
        (["--csv", "letters.pdf"], {}, "--csv and --out must be different files"),
        (["--csv", "missing/merge.csv"], {}, "cannot write missing/merge.csv"),
        (["--unit=-1+1"], {}, "--unit"),
        (["--wave", "2027 spring"], {}, "--wave"),
        (["--bot", "x y"], {}, "bot username"),
        ([], {"ROSTBOT_BOT_USERNAME": ""}, "ROSTBOT_BOT_USERNAME"),
        (["--template", "nowhere.md"], {}, "cannot read the template nowhere.md"),
    ],
)
def test_a_failed_run_leaves_nothing(
    tmp_path: Path, args: list[str], env: dict[str, str], says: str
) -> None:
    (tmp_path / "taken.pdf").write_bytes(b"an earlier batch")
    defaults = {"--flow": "meeting_feedback", "--unit": "u1", "--count": "3", "--lang": "da"}
    defaults["--out"] = "letters.pdf"
    given = {a.split("=")[0] for a in args if a.startswith("--")}
    full = [*args] + [x for k, v in defaults.items() if k not in given for x in (k, v)]
    result = rostbot(*full, cwd=tmp_path, env=env)
    assert says in result.error_line
    assert result.out == ""
    assert stored_invitations(tmp_path / "rostbot.sqlite3") == []
    assert sorted(p.name for p in tmp_path.iterdir() if ".sqlite3" not in p.name) == ["taken.pdf"]
    assert (tmp_path / "taken.pdf").read_bytes() == b"an earlier batch"


async def test_invitations_are_withdrawn_when_the_files_cannot_be_written(
    settings: Settings,
) -> None:
    settings = replace(settings, flows_dir=FLOWS)
    links = await make_invitations(
        settings, bot="rost_test_bot", flow_id="meeting_feedback", unit="u1", provider=None, count=3
    )
    assert len(stored_invitations(settings.db_path)) == 3

    def write_files() -> None:
        with withdrawn_on_failure(settings, links):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        await asyncio.to_thread(write_files)
    assert stored_invitations(settings.db_path) == []
    assert {code_of(link) for link in links} == {LINK.fullmatch(li)["code"] for li in links}  # type: ignore[index]


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_the_default_letter_is_plain_language_and_fits_its_page(lang: str) -> None:
    settings = Settings(
        organisation="Helsingborgs stad, Socialförvaltningen, Vuxenenheten Nord",
        contact="Kristina Andersson-Lindqvist, telefon 042-10 50 00 (vardagar 9-12)",
        support_sv="Vill du prata med någon direkt? Ring Socialjouren på 042-10 50 50.",
        support_da="Vil du tale med nogen med det samme? Ring til Socialvagten på 70 20 20 20.",
    )
    for flow in load_flows(FLOWS).values():
        blocks = filled(default_template(lang), letter_values(settings, flow, lang), name=lang)
        text = "\n".join(b.text for b in blocks)
        assert lix(text) <= 40, (flow.id, lix(text))
        check_fits(settings.organisation, blocks, lang, "a_thirty_two_character_long_bot")
