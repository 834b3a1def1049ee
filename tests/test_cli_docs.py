"""docs/cli.md shows the current help texts and pictures that exist.

When a help text changes, regenerate the page's help blocks with
``python tools/regenerate_cli_docs.py --help-only`` (without ``--help-only`` it redraws the
pictures too).
"""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"


def _tool():
    spec = importlib.util.spec_from_file_location("regenerate_cli_docs",
                                                  ROOT / "tools" / "regenerate_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_subcommand_has_a_help_block():
    shown = {cmd for cmd, _ in _tool().help_blocks(PAGE.read_text(encoding="utf-8"))}
    for command in ("weylgain", "weylgain count", "weylgain exact", "weylgain gain",
                    "weylgain learn"):
        assert f"{command} --help" in shown, command


@pytest.mark.parametrize("command", ["weylgain", "weylgain count", "weylgain exact",
                                     "weylgain gain", "weylgain learn"])
def test_help_blocks_are_current(command, monkeypatch):
    tool = _tool()
    monkeypatch.setenv("COLUMNS", tool.COLUMNS)
    blocks = dict(tool.help_blocks(PAGE.read_text(encoding="utf-8")))
    assert blocks[f"{command} --help"] == tool.help_text(f"{command} --help"), (
        f"docs/cli.md shows an old '{command} --help': run "
        "python tools/regenerate_cli_docs.py --help-only")


def test_pictures_on_the_page_exist_and_are_pngs():
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", PAGE.read_text(encoding="utf-8"))
    assert len(images) >= 4
    for rel in images:
        data = (PAGE.parent / rel).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", rel
