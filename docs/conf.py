"""Sphinx configuration for the weylgain documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors). The build
needs no network: the theme (furo) and MathJax (from the ``sphinx-mathjax-offline`` package)
are served from the site's own ``_static`` folder, and intersphinx is not used.

The notebooks (``docs/notebooks`` is a link to the jupytext percent files in ``notebooks/``)
are executed by myst-nb during the build, through a jupyter-cache: a notebook whose code is
unchanged is not executed again. ``WEYLGAIN_NB_CACHE`` chooses the cache folder (the tests
point it at the notebooks they have just executed, so that the suite runs each notebook once).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# import the package in place, from the repository root; the docs' own extensions from _ext
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "_ext"))
# numba's on-disk cache must never be written into the package while autodoc imports it
os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="weylgain-docs-numba-"))
# the notebook kernels inherit this: the inline backend puts each figure into the executed
# notebook as a PNG output, headless (Agg, which CI sets for everything else, would drop them)
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
# ... and import this checkout's weylgain even where it is not installed
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))

import weylgain  # noqa: E402

project = "weylgain"
author = "the weylgain developers"
copyright = "the weylgain developers"
version = weylgain.__version__
release = weylgain.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 files copied into _static/mathjax: no CDN
    "numpydoc",
    "myst_nb",  # MyST markdown and notebooks (it includes myst_parser)
    "nbgallery",  # docs/_ext/nbgallery.py: the gallery page's thumbnails
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".py": "myst-nb"}
root_doc = "index"
# only the notebooks are .py sources; conf.py and the extensions are not pages
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "conf.py", "_ext", "jupyter_execute",
                    "notebooks/.ipynb_checkpoints", "notebooks/__pycache__"]

# MyST: $...$ / $$...$$ math, ::: fences, definition lists
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# myst-nb: notebooks are jupytext percent files, executed at build time through a cache
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "cache"
nb_execution_cache_path = os.environ.get("WEYLGAIN_NB_CACHE", str(HERE / "_build" / ".jupyter_cache"))
nb_execution_timeout = 900
nb_execution_in_temp = True  # notebooks never write into the source tree
nb_execution_raise_on_error = True  # a failing assert in a notebook fails the build
nb_execution_show_tb = True
nb_merge_streams = True

# autodoc
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # types are documented in the numpydoc sections
autodoc_default_options = {"members": True, "show-inheritance": False}

# numpydoc
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

nitpicky = False

html_theme = "furo"
html_title = f"weylgain {release}"
html_static_path = ["_static"]
html_css_files = ["weylgain.css"]
html_theme_options = {
    # furo's footer icons and "edit this page" links point to remote sites: none here
    "footer_icons": [],
}
