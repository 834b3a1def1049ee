"""Sparse symmetric factorization backends for the eigenvalue counter.

==========  =====================================================  ==========================
name        library                                                install
==========  =====================================================  ==========================
pardiso     MKL PARDISO, LDL^T, ``mtype=-2`` (x86-64)              ``weylgain[pardiso]``
mumps       MUMPS, LDL^T, ``SYM=2`` (needs the system's MUMPS)     ``weylgain[mumps]``
superlu     scipy's SuperLU, forced to diagonal pivots             always (scipy)
==========  =====================================================  ==========================

``backend="auto"`` (the default) takes the first available of that list: the symmetric
indefinite factorizations are 2-35x faster and use about half the memory. The environment
variable ``WEYLGAIN_BACKEND`` sets the default (for example ``superlu`` to run on the
fallback alone). Optional libraries are imported only when a backend is asked for.
"""

from __future__ import annotations

import os

from ..errors import SpecError
from .base import Backend, Factorization, Inertia
from .pencil import Pencil

__all__ = ["Backend", "Factorization", "Inertia", "Pencil", "available_backends",
           "backend_class", "resolve_backend", "BACKENDS"]

#: every backend, fastest first (the order ``"auto"`` tries)
BACKENDS: tuple[str, ...] = ("pardiso", "mumps", "superlu")
ENV_VAR = "WEYLGAIN_BACKEND"

_AVAILABLE: dict[str, tuple[bool, str]] = {}


def backend_class(name: str) -> type[Backend]:
    """The class of a backend by name (not checking that its library is installed)."""
    if name == "pardiso":
        from .pardiso import PardisoBackend

        return PardisoBackend
    if name == "mumps":
        from .mumps import MumpsBackend

        return MumpsBackend
    if name == "superlu":
        from .superlu import SuperLUBackend

        return SuperLUBackend
    raise SpecError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)} or 'auto'")


def _probe(name: str) -> tuple[bool, str]:
    if name not in _AVAILABLE:
        _AVAILABLE[name] = backend_class(name).available()
    return _AVAILABLE[name]


def available_backends() -> dict[str, str]:
    """Every backend with '' when it is usable here, else why not (and how to install it)."""
    return {name: _probe(name)[1] for name in BACKENDS}


def resolve_backend(name: str | None = None) -> str:
    """The backend a count uses: ``name``, else ``$WEYLGAIN_BACKEND``, else the fastest installed.

    Parameters
    ----------
    name : str, optional
        "auto", "pardiso", "mumps" or "superlu".

    Raises
    ------
    SpecError
        Unknown name, or a named backend whose library is not installed (the message says
        how to install it).
    """
    if name is None:
        name = os.environ.get(ENV_VAR, "").strip() or "auto"
    if not isinstance(name, str):
        raise SpecError(f"backend must be a name; got {name!r}")
    name = name.lower()
    if name == "auto":
        for candidate in BACKENDS:
            if _probe(candidate)[0]:
                return candidate
        return "superlu"  # pragma: no cover - scipy is a dependency
    backend_class(name)  # unknown names raise here
    ok, why = _probe(name)
    if not ok:
        raise SpecError(f"backend {name!r} is not available: {why}")
    return name
