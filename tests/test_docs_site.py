"""The documentation site: built once with ``sphinx-build -W``, then checked as a reader sees it.

* no tracked file points to a file outside the project (the theory lives in docs/theory.md);
* the build has no warnings, the theory page, the rendered notebooks (each with a figure) and
  the gallery (one thumbnail per notebook) are there, the API reference was really generated;
* no page loads a remote script, stylesheet or font (the site works offline);
* a real headless Chromium renders the theory page's formulas with the local MathJax.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_notebooks import execute_notebook, notebook_cache_dir

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))

# a reference to a file that lives outside the repository: the old internal notes
OUTSIDE_REFERENCE = re.compile(r"THEORY\.md|THEORY (section|§)|\.\./shared\b|\bshared/")


def test_no_reference_to_files_outside_the_project() -> None:
    proc = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    offenders = []
    for name in proc.stdout.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file() or path.resolve() == Path(__file__).resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files
        for lineno, line in enumerate(text.splitlines(), 1):
            if OUTSIDE_REFERENCE.search(line):
                offenders.append(f"{name}:{lineno}: {line.strip()[:100]}")
    assert not offenders, (
        "references to files outside the project (point to docs/theory.md instead):\n"
        + "\n".join(offenders))


def test_the_pattern_catches_what_it_must() -> None:
    # the guard above can fail: these are the forms the old references took
    notes = "THEORY"  # assembled here so that this file itself holds no such reference
    for line in (f"({notes}.md §2)", f"see {notes} section 4", f"../{'shared'}/{notes}.md",
                 "shared/x"):
        assert OUTSIDE_REFERENCE.search(line), line
    assert not OUTSIDE_REFERENCE.search("see the theory page, docs/theory.md#orbit-spaces")


# ---------------------------------------------------------------- the built site

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once per test run (sphinx-build -W) and return its HTML folder."""
    for mod in ("sphinx", "numpydoc", "myst_nb", "furo", "jupytext", "nbclient", "ipykernel"):
        pytest.importorskip(mod)
    tmp = tmp_path_factory.mktemp("docs")
    # each notebook is executed once per test run, by test_notebooks' helper (a failing
    # notebook fails here with its own traceback); the build reads the outputs from the cache
    for path in (ROOT / "notebooks").glob("*.py"):
        execute_notebook(path, tmp_path_factory)
    cache_dir = notebook_cache_dir(tmp_path_factory)
    env = dict(os.environ)
    env.setdefault("NUMBA_CACHE_DIR", str(tmp / "numba_cache"))
    env["WEYLGAIN_NB_CACHE"] = str(cache_dir)
    out = tmp / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         "-d", str(tmp / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    assert proc.returncode == 0, (
        f"sphinx-build -W failed (exit {proc.returncode}):\n{proc.stderr[-6000:]}")
    # the build found every notebook in the cache: it executed none a second time
    from jupyter_cache import get_cache
    assert len(get_cache(str(cache_dir)).list_cache_records()) == len(NOTEBOOKS)
    return out


class _Assets(HTMLParser):
    """Collects <script src>, <link href> and <img src> of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[tuple[str, str]] = []  # (rel, href)
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.links.append((a.get("rel", ""), a["href"]))
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])


def _assets(page: Path) -> _Assets:
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)


@pytest.mark.slow
def test_site_pages(site: Path) -> None:
    for page in ("index", "theory", "gallery", "api", "counting", "quotients", "gain",
                 "learning", "install", "cli"):
        assert (site / f"{page}.html").is_file(), f"{page}.html was not built"
    theory = (site / "theory.html").read_text(encoding="utf-8")
    for anchor in ("weyls-law", "two-term-law", "orbit-spaces", "coarea-formula",
                   "finite-groups", "reflections", "continuous-groups", "lie-configurations",
                   "exact-counts", "molien-series", "lattice-orbits", "minimax-risk", "gain",
                   "spec-avg", "fem-counts", "references"):
        assert f'id="{anchor}"' in theory, f"theory page lost its anchor #{anchor}"
    for paper in ("2303.14269", "2502.19758", "Brüning", "Donnelly", "Ivrii"):
        assert paper in theory
    # autodoc really imported the package: documented functions appear in the API page
    api = (site / "api.html").read_text(encoding="utf-8")
    for name in ("count_eigenvalues", "weyl_fit", "quotient", "exact_counts", "laplacian"):
        assert name in api, f"{name} missing from the API reference"


@pytest.mark.slow
def test_notebook_pages_hold_their_figures(site: Path) -> None:
    assert NOTEBOOKS
    for name in NOTEBOOKS:
        page = site / "notebooks" / f"{name}.html"
        assert page.is_file(), f"notebook {name} was not rendered"
        images = [src for src in _assets(page).images if src.endswith((".png", ".svg"))]
        assert images, f"the rendered notebook {name} shows no figure"
        for src in images:
            img = (page.parent / src).resolve()
            assert img.is_file() and img.stat().st_size > 2000, f"{name}: broken image {src}"


@pytest.mark.slow
def test_gallery_has_one_thumbnail_per_notebook(site: Path) -> None:
    html = (site / "gallery.html").read_text(encoding="utf-8")
    cards = re.findall(r'<a class="[^"]*nb-gallery-card[^"]*" href="([^"]+)"[^>]*>\s*<img[^>]*'
                       r'src="([^"]+)"', html)
    linked = {Path(href.split("#")[0]).stem for href, _ in cards}
    assert linked == set(NOTEBOOKS), f"gallery cards {sorted(linked)} != notebooks {NOTEBOOKS}"
    for _, src in cards:
        assert (site / src).is_file(), f"thumbnail {src} missing"


@pytest.mark.slow
def test_no_page_loads_remote_assets(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    bad = []
    for page in pages:
        a = _assets(page)
        for src in a.scripts + a.images:
            if REMOTE.match(src):
                bad.append(f"{page.relative_to(site)}: {src}")
        for rel, href in a.links:
            if REMOTE.match(href) and any(r in rel for r in ("stylesheet", "preload", "icon",
                                                             "modulepreload", "prefetch")):
                bad.append(f"{page.relative_to(site)}: <link rel={rel}> {href}")
    # stylesheets must not pull fonts or imports from the network either
    for css in site.rglob("*.css"):
        for url in re.findall(r"(?:url\(|@import\s+)['\"]?((?:https?:)?//[^'\")\s]+)",
                              css.read_text(encoding="utf-8", errors="replace")):
            bad.append(f"{css.relative_to(site)}: {url}")
    assert not bad, "remote assets:\n" + "\n".join(bad[:40])
    # MathJax itself is served from the site
    mathjax = [s for s in _assets(site / "theory.html").scripts if "mathjax" in s.lower()]
    assert mathjax and all((site / s).is_file() for s in mathjax), mathjax


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@pytest.mark.slow
def test_chromium_renders_the_formulas(site: Path) -> None:
    exe = _chromium()
    if exe is None:
        pytest.skip("no chromium here (CI installs it from .ci/apt-packages.txt)")
    with tempfile.TemporaryDirectory(prefix="weylgain-chromium-") as profile:
        proc = subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=15000",
             "--dump-dom", (site / "theory.html").as_uri()],
            capture_output=True, text=True, timeout=180,
        )
    dom = proc.stdout
    assert proc.returncode == 0 and "<html" in dom, proc.stderr[-3000:]
    # MathJax replaced the TeX by its own elements; no raw \( ... \) or $$ is left in the text
    rendered = dom.count("<mjx-container")
    assert rendered >= 50, f"only {rendered} rendered formulas on the theory page"
    body = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S)
    text = re.sub(r"<[^>]+>", "", body)
    assert "\\(" not in text and "\\[" not in text, "raw TeX left on the theory page"
