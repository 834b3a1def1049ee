"""Late binding between layers: a lower layer asks for an object a higher layer provides.

The group layer sits below the geometry of quotients (:mod:`weylgain.geometry` imports the
groups), yet the deprecated ``LieGroup.quotient_geometry`` / ``TorusGroup.quotient_geometry``
and the deprecated module ``weylgain.groups.geometry`` answer with that geometry. They ask
this registry (:func:`provided`) instead of importing upward; the package's ``__init__``, the
top of the layering and always imported first, registers the loaders (:func:`provide`). The
registry itself imports nothing of the package but its errors.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import UnsupportedError

_LOADERS: dict[str, Callable[[], Any]] = {}


def provide(name: str, loader: Callable[[], Any]) -> None:
    """Register ``loader`` (no arguments) as the source of ``name``; it runs on first use."""
    _LOADERS[name] = loader


def provided(name: str) -> Any:
    """The object registered as ``name`` (its loader's answer).

    Raises
    ------
    UnsupportedError
        Nothing is registered under ``name`` (the package was not imported through
        ``weylgain``, which registers the providers).
    """
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise UnsupportedError(
            f"{name!r} is provided by a higher layer of weylgain that has not registered it; "
            "import weylgain (its __init__ registers the providers)") from None
    return loader()
