"""Making letters: the invitations and the files together, or neither.

Everything that can be checked is checked before any invitation exists: the flow and
its language, the template, that the letter fits on its page, and that each output
file can be made (a temporary file beside it, never over an existing file). The
invitations are then made exactly as `rostbot invite` makes them
(rostbot.invitations.make_invitations). If writing the files fails after that, the new
invitations are deleted again, so a failed run leaves no code that no letter holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rostbot.config import ConfigError, Settings
from rostbot.core.flow_loader import load_flows
from rostbot.invitations import code_of, make_invitations, withdraw
from rostbot.letters.mail_merge import mail_merge_csv
from rostbot.letters.page import check_fits, letters_pdf
from rostbot.letters.template import (
    LetterError,
    default_template,
    filled,
    letter_values,
    read_template,
)

MAX_LETTERS = 1000  # pages in one PDF; more letters: run it again


@dataclass(frozen=True)
class LetterRequest:
    flow_id: str
    unit: str
    provider: str | None
    count: int
    lang: str
    bot: str
    out: Path
    csv: Path | None = None
    template: Path | None = None
    cohort: str | None = None
    wave: str | None = None


@dataclass(frozen=True)
class LetterSummary:
    pages: int
    minutes: int
    out: Path
    csv: Path | None


class OutputFile:
    """A file written in full beside its place, then moved there; never over another file.

    Made before any invitation, so an unwritable place fails the run while nothing
    exists yet. The file is readable by its owner only (it holds working codes).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists() or path.is_symlink():
            raise LetterError(f"{path} exists already; give another --out or move it away")
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        except OSError as exc:
            raise LetterError(f"cannot write {path}: {exc.strerror}") from None
        os.close(fd)
        self._temporary = Path(name)
        self._placed = False

    def finish(self, data: bytes) -> None:
        try:
            with self._temporary.open("wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            if self.path.exists() or self.path.is_symlink():
                raise LetterError(f"{self.path} appeared while the letters were made")
            os.replace(self._temporary, self.path)
        except OSError as exc:
            raise LetterError(f"cannot write {self.path}: {exc.strerror}") from None
        self._placed = True

    def discard(self) -> None:
        """Remove what this run wrote (after a failure), the finished file too."""
        self._temporary.unlink(missing_ok=True)
        if self._placed:
            self.path.unlink(missing_ok=True)


@contextlib.contextmanager
def withdrawn_on_failure(settings: Settings, links: Sequence[str]) -> Iterator[None]:
    """Delete the invitations behind `links` again if the block fails."""
    try:
        yield
    except BaseException:
        asyncio.run(withdraw(settings, links))
        raise


def make_letters(settings: Settings, request: LetterRequest) -> LetterSummary:
    """New invitations and a PDF with one letter each (and the mail-merge CSV), or nothing."""
    if not 1 <= request.count <= MAX_LETTERS:
        raise LetterError(f"--count must be between 1 and {MAX_LETTERS}")
    flows = load_flows(settings.flows_dir)
    flow = flows.get(request.flow_id)
    if flow is None:
        raise ConfigError(
            f"no flow {request.flow_id!r} in {settings.flows_dir} "
            f"(there are: {', '.join(sorted(flows))})"
        )
    if request.lang not in flow.languages:
        raise ConfigError(f"the flow {flow.id!r} has no {request.lang} texts")
    if request.template is None:
        source, name = default_template(request.lang), f"the {request.lang} letter template"
    else:
        source, name = read_template(request.template), str(request.template)
    values = letter_values(settings, flow, request.lang)
    blocks = filled(source, values, name=name)
    bot = request.bot.removeprefix("@")
    check_fits(settings.organisation, blocks, request.lang, bot)
    if request.csv is not None and request.csv.resolve() == request.out.resolve():
        raise LetterError("--csv and --out must be different files")

    outputs: list[OutputFile] = []
    try:
        outputs.append(OutputFile(request.out))
        if request.csv is not None:
            outputs.append(OutputFile(request.csv))
        links = asyncio.run(
            make_invitations(
                settings,
                bot=bot,
                flow_id=flow.id,
                unit=request.unit,
                provider=request.provider,
                count=request.count,
                cohort=request.cohort,
                wave=request.wave,
            )
        )
        with withdrawn_on_failure(settings, links):
            outputs[0].finish(letters_pdf(settings.organisation, blocks, links, request.lang))
            if request.csv is not None:
                outputs[1].finish(mail_merge_csv(links, [code_of(li) for li in links]))
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    return LetterSummary(
        pages=len(links), minutes=int(values["minutes"]), out=request.out, csv=request.csv
    )
