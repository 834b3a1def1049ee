"""Regenerate what docs/cli.md shows of the command line: help texts and pictures.

Run from the repository root: ``python tools/regenerate_cli_docs.py`` (``--help-only`` skips the
pictures, which count eigenvalues and take a minute). Every fenced block of cli.md whose
first line is ``$ weylgain ... --help`` gets the current output of that command (88
columns); the pictures in docs/images/cli/ are drawn again by the commands listed in
PICTURES. tests/test_cli_docs.py fails when a help block is out of date.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGE = DOCS / "cli.md"
IMAGES = DOCS / "images" / "cli"
COLUMNS = "88"

PICTURES = [
    "count --mesh sphere:4:octahedron --group Oh --lam 400 --no-progress "
    "--plot {out}/count-oh.png",
    "count --mesh sphere:4 --group I --lam 400 --no-progress --plot-mesh {out}/mesh-i.png",
    "exact S2 I --lam 600 --plot {out}/exact-s2-i.png",
    "gain S2 SO(2) --s 2 --eps 1e-3 --n 1000 --plot {out}/gain-s2-so2.png",
]

_BLOCK = re.compile(r"(```text\n)(\$ weylgain[^\n]*--help)\n(.*?)(```)", re.S)


def help_text(command_line: str) -> str:
    """The output of ``weylgain ... --help`` at 88 columns, as the page shows it."""
    sys.path.insert(0, str(DOCS.parent))
    os.environ["COLUMNS"] = COLUMNS
    from weylgain.cli import main

    argv = shlex.split(command_line)[1:]  # drop "weylgain"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(argv)
        except SystemExit:
            pass
    return out.getvalue()


def regenerate_help(text: str) -> str:
    """cli.md with every help block replaced by the current output."""
    def replace(match: re.Match) -> str:
        command = match.group(2)[2:]
        return f"{match.group(1)}{match.group(2)}\n{help_text(command)}{match.group(4)}"

    return _BLOCK.sub(replace, text)


def help_blocks(text: str) -> list[tuple[str, str]]:
    """(command, shown output) of every help block of the page."""
    return [(m.group(2)[2:], m.group(3)) for m in _BLOCK.finditer(text)]


def draw_pictures() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    from weylgain.cli import main

    IMAGES.mkdir(parents=True, exist_ok=True)
    for line in PICTURES:
        argv = shlex.split(line.format(out=IMAGES))
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        if code != 0:
            raise SystemExit(f"weylgain {line} failed with status {code}")
        print(f"drew {argv[-1]}")


def main() -> None:
    PAGE.write_text(regenerate_help(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"help texts of {PAGE} regenerated")
    if "--help-only" not in sys.argv:
        draw_pictures()


if __name__ == "__main__":
    main()
