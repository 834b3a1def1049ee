"""The (manifold, group) arguments shared by ``weylgain gain`` and ``weylgain exact``.

Either two positional specs (``S2^3 "SO(3) x Sym(3)"``) or ``--group-file G.json``: a JSON
object ``{"manifold": "S3", "lie_algebra": [D x D matrices], "generators": [orthogonal
matrices], "name": "..."}`` (tori: ``"translations": [integer vectors]`` and affine
generators ``{"linear": ..., "translation": ...}``), read by
:func:`weylgain.groups.load_group_file`.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import SpecError

GROUP_FILE_HELP = (
    "read the manifold and the group from a JSON file {\"manifold\": \"S3\", "
    "\"lie_algebra\": [...], \"generators\": [...], \"name\": \"...\"} (tori: "
    "\"translations\" and affine \"generators\"); replaces the two positional specs")

PRODUCT_EPILOG = (
    "Products of k identical factors: S2^3, T3^4, S1^5. A group named for one factor acts on "
    "all of them at once (SO(3) on S2^3 rotates the three points together); G@i acts on "
    "factor i only; Sym(k) permutes the factors; 'A x B' combines commuting actions, e.g. "
    "\"SO(3) x Sym(3)\", \"Trans(3) x Sym(4)\".")


def add_group_arguments(parser: argparse.ArgumentParser, manifold_help: str,
                        group_help: str) -> None:
    """Positional ``manifold`` and ``group`` (optional with ``--group-file``)."""
    parser.add_argument("manifold", nargs="?", default=None, help=manifold_help)
    parser.add_argument("group", nargs="?", default=None, help=group_help)
    parser.add_argument("--group-file", metavar="FILE", default=None, help=GROUP_FILE_HELP)


def manifold_and_group(args: argparse.Namespace) -> tuple[str, Any]:
    """The manifold spec and the group (a spec string or a group object) of the arguments.

    Raises
    ------
    SpecError
        Neither two specs nor a group file, both at once, or an unreadable group file.
    """
    path = getattr(args, "group_file", None)
    if path is not None:
        if args.manifold is not None or args.group is not None:
            raise SpecError("give either MANIFOLD GROUP or --group-file FILE, not both (the "
                            "file names its manifold)")
        from ..groups import load_group_file

        return load_group_file(path)
    if args.manifold is None or args.group is None:
        raise SpecError("give a manifold and a group (e.g. S2 C4, S2^3 \"SO(3) x Sym(3)\"), "
                        "or --group-file FILE")
    return args.manifold, args.group
