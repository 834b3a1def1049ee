"""A gallery of the executed notebooks: one card per notebook, its first figure as thumbnail.

Usage in a MyST page::

    ```{nb-gallery}
    notebooks/weyl_law
    notebooks/weyl_quotients
    ```

Each line names a document (a notebook rendered by myst-nb). When a document is read, the
first image in it (for a notebook: the first figure its execution produced) is remembered;
the gallery card shows that same image file, scaled by CSS, and links to the page. A listed
document without any image is a build warning, so ``sphinx-build -W`` fails on a notebook
that lost its figures.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


class nb_gallery(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder replaced by the cards once every document has been read."""


class NbGallery(Directive):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = nb_gallery()
        node["entries"] = [line.strip() for line in self.content if line.strip()]
        return [node]


def _thumbs(env: BuildEnvironment) -> dict[str, str]:
    if not hasattr(env, "weylgain_thumbs"):
        env.weylgain_thumbs = {}
    return env.weylgain_thumbs


def _remember_first_image(app: Sphinx, doctree: nodes.document) -> None:
    # runs after Sphinx's image collector, so node["uri"] is the key the builder copies by
    for img in doctree.findall(nodes.image):
        uri = img.get("uri", "")
        if uri and "://" not in uri and not uri.startswith("data:"):
            _thumbs(app.env)[app.env.docname] = uri
            return


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _thumbs(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Any, other: BuildEnvironment) -> None:
    _thumbs(env).update(_thumbs(other))


def _render(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    env = app.env
    for gallery in list(doctree.findall(nb_gallery)):
        grid = nodes.container(classes=["nb-gallery"])
        for docname in gallery["entries"]:
            if docname not in env.all_docs:
                logger.warning("nb-gallery: no document %r", docname, location=gallery)
                continue
            title = env.titles[docname].astext() if docname in env.titles else docname
            card = nodes.reference("", "", internal=True, classes=["nb-gallery-card"],
                                   refuri=app.builder.get_relative_uri(fromdocname, docname))
            uri = _thumbs(env).get(docname)
            if uri is None:
                logger.warning("nb-gallery: %s has no figure for a thumbnail", docname,
                               location=gallery)
            else:
                card += nodes.image(uri=uri, candidates={"*": uri}, alt=title,
                                    classes=["nb-gallery-thumb"])
            card += nodes.inline(title, title, classes=["nb-gallery-title"])
            grid += nodes.paragraph("", "", card, classes=["nb-gallery-item"])
        gallery.replace_self(grid)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(nb_gallery)
    app.add_directive("nb-gallery", NbGallery)
    app.connect("doctree-read", _remember_first_image, priority=900)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _render)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
