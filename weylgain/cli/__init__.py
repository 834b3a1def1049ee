"""The ``weylgain`` command line: ``weylgain count | exact | gain | learn``.

Each subcommand lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``. A refused request prints one line ``weylgain: error: ...`` and exits
with a status that says which kind of refusal it is (:data:`EXIT_CODES`, docs/errors.md):

====  ==============================================================================
0     success
1     a subcommand's own failure report (e.g. ``gain --measure`` on no usable mesh)
2     bad input: a spec, option, file or group definition that is wrong or too large
3     the group does not act on the manifold
4     a valid question weylgain cannot answer (no method, or no certified result)
130   interrupted (Ctrl-C); 141: output pipe closed
====  ==============================================================================
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from ..errors import GroupDefinitionError, GroupError, UnsupportedError, WeylgainError

__all__ = ["main", "build_parser", "EXIT_CODES", "exit_status"]

#: Exit status of each kind of refusal (see the module docstring and docs/errors.md).
EXIT_CODES = {
    "success": 0,
    "failure reported by the subcommand": 1,
    "bad input": 2,
    "the group does not act on the manifold": 3,
    "valid question that cannot be answered": 4,
    "interrupted": 130,
    "output pipe closed": 141,
}

_SUBCOMMANDS = ("count", "exact", "gain", "learn", "sweep")

_DESCRIPTION = """\
weylgain: what does a symmetry buy a learner? Weyl's law on quotient spaces, exact
eigenvalue counts, and the sample-complexity gain from invariances.

commands:
  count   count Laplace eigenvalues N(lam) of a mesh (or of its quotient by a group)
          and compare with Weyl's law:    weylgain count --mesh sphere:5 --lam 36
  exact   exact invariant eigenvalue counts from characters:
          weylgain exact S2 I --lam 400
  gain    predict (and optionally measure) the sample-complexity gain of a symmetry:
          weylgain gain S2 "SO(2)" --s 2
  learn   a small learning-curve experiment with and without invariance:
          weylgain learn --manifold T2 --group signs2
  sweep   many counts on Dask workers, resumable (JSON lines):
          weylgain sweep --mesh sphere:7 --lams 10:400:40 --workers 2
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weylgain",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"weylgain {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _SUBCOMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ImportError:  # a subcommand whose module is absent is simply not offered
            continue
        module.add_parser(sub)
        sub.choices[name].set_defaults(run=module.run)
    return parser


def exit_status(exc: BaseException) -> int:
    """The exit status of a weylgain error (:data:`EXIT_CODES`).

    :class:`~weylgain.errors.GroupDefinitionError` (a malformed group) is bad input, 2; any
    other :class:`~weylgain.errors.GroupError` (:class:`~weylgain.errors.ActionError`,
    :class:`~weylgain.errors.NotInvariantError`) means the group does not act on the
    manifold, 3; :class:`~weylgain.errors.UnsupportedError` (and its subclasses
    :class:`~weylgain.errors.CountingError`, :class:`~weylgain.errors.EigenvalueError`) a
    valid question that cannot be answered, 4; every other weylgain error is bad input, 2.
    """
    if isinstance(exc, GroupDefinitionError):
        return EXIT_CODES["bad input"]
    if isinstance(exc, GroupError):
        return EXIT_CODES["the group does not act on the manifold"]
    if isinstance(exc, UnsupportedError):
        return EXIT_CODES["valid question that cannot be answered"]
    return EXIT_CODES["bad input"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``weylgain`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except WeylgainError as exc:
        print(f"weylgain: error: {exc}", file=sys.stderr)
        return exit_status(exc)
    except KeyboardInterrupt:
        print("weylgain: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped (head): not an error
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141
