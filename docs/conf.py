"""Sphinx configuration for the weylgain documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors).
No network access is needed: intersphinx is not used.
"""

from __future__ import annotations

import os
import sys
import tempfile

# import the package in place, from the repository root
sys.path.insert(0, os.path.abspath(".."))
# numba's on-disk cache must never be written into the package while autodoc imports it
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="weylgain-docs-numba-"))
# plots (if any module imports matplotlib lazily during autodoc) must not need a display
os.environ.setdefault("MPLBACKEND", "Agg")

import weylgain  # noqa: E402

project = "weylgain"
author = "the weylgain developers"
copyright = "the weylgain developers"
version = weylgain.__version__
release = weylgain.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: $...$ / $$...$$ math, ::: fences, definition lists
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # types are documented in the numpydoc sections
autodoc_default_options = {"members": True, "show-inheritance": False}

# numpydoc
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

nitpicky = False

html_theme = "alabaster"
html_title = f"weylgain {release}"
html_static_path: list[str] = []
