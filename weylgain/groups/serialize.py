"""Groups as dictionaries (JSON): :func:`group_from_dict`, :func:`group_to_dict` and the
group file of the command line, :func:`load_group_file`.

Formats (``kind`` may be omitted; it is inferred from the keys)::

    {"lie_algebra": [D x D matrices], "generators": [D x D orthogonal], "name": "..."}
    {"translations": [integer vectors], "generators": [{"linear": ..., "translation": ...}]}
    {"kind": "finite", "generators": [{"linear": ..., "translation": ...}], "name": ...}
    {"kind": "named", "spec": "SO(3)"}         (optionally "dim")
    {"kind": "continuous", "name": "SO(2)", "family": ..., "dim": ..., ...}

A group file adds ``"manifold": "S3"`` (a :func:`weylgain.symbolic.parse_manifold` spec).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GroupError, SpecError

__all__ = ["group_from_dict", "group_to_dict", "load_group_file"]


def group_to_dict(group: Any) -> dict[str, Any]:
    """``group.to_dict()``: the dictionary :func:`group_from_dict` reads back."""
    if not hasattr(group, "to_dict"):
        raise GroupError(f"not a weylgain group: {type(group).__name__}")
    return group.to_dict()


def _matrices(d: dict, key: str, D: int | None = None) -> np.ndarray:
    try:
        a = np.array(d[key], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"group dictionary: {key!r} must be a list of square matrices of "
                        "numbers") from exc
    if a.size == 0:
        if D is None:
            raise SpecError(f"group dictionary: {key!r} is empty; give 'dim' or a matrix")
        return np.zeros((0, D, D))
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.shape[1] != a.shape[2]:
        raise SpecError(f"group dictionary: {key!r} must be a list of square D x D matrices; "
                        f"got shape {a.shape}")
    return a


def _affine_list(d: dict, key: str) -> list:
    raw = d.get(key, [])
    if not isinstance(raw, list):
        raise SpecError(f"group dictionary: {key!r} must be a list")
    out = []
    for i, g in enumerate(raw):
        if isinstance(g, dict):
            if "linear" not in g:
                raise SpecError(f"group dictionary: {key}[{i}] needs a 'linear' matrix")
            out.append(g)
        else:  # a bare matrix: linear, no translation
            lin = np.array(g, dtype=np.float64)
            out.append({"linear": lin, "translation": np.zeros(lin.shape[0])})
    return out


def group_from_dict(d: dict[str, Any]) -> Any:
    """A group from its dictionary (module docstring for the formats).

    Raises
    ------
    SpecError
        A missing or malformed key (named in the message).
    GroupError
        The data do not describe a valid group (not skew, not normalizing, ...).
    """
    from .catalogue import named
    from .continuous import ContinuousGroup
    from .finite import AffineMap, FiniteGroup
    from .lie import LieGroup
    from .torus import TorusGroup

    if not isinstance(d, dict):
        raise SpecError(f"a group dictionary must be a dict; got {type(d).__name__}")
    kind = d.get("kind")
    if kind is None:
        kind = "lie" if "lie_algebra" in d else "torus" if "translations" in d else \
            "named" if "spec" in d else "finite" if "generators" in d else None
    if kind is None:
        raise SpecError("group dictionary: give 'lie_algebra' (matrices), 'translations' "
                        "(integer vectors), 'generators' or 'spec'")
    name = d.get("name")
    desc = d.get("description", "")
    label = d.get("label", "")
    struct = _structure(d.get("structure"))
    if kind == "named":
        if not isinstance(d.get("spec"), str):
            raise SpecError("group dictionary: 'spec' must be a group spec string")
        return named(d["spec"], dim=d.get("dim"))
    if kind == "lie":
        alg = _matrices(d, "lie_algebra", d.get("dim"))
        D = alg.shape[1]
        gens = _matrices(d, "generators", D) if d.get("generators") else np.zeros((0, D, D))
        if gens.shape[1] != D:
            raise SpecError(f"group dictionary: 'generators' are {gens.shape[1]}x{gens.shape[1]} "
                            f"but 'lie_algebra' is {D}x{D}")
        return LieGroup(name or "lie", alg, gens, desc, struct, label)
    if kind == "torus":
        V = d["translations"]
        gens = _affine_list(d, "generators")
        return TorusGroup(name or "subtorus", V, tuple(gens), desc, struct, label)
    if kind == "finite":
        gens = tuple(AffineMap(np.asarray(g["linear"], dtype=np.float64),
                               np.mod(np.asarray(g.get("translation",
                                                       np.zeros(len(g["linear"]))),
                                                 dtype=np.float64), 1.0))
                     for g in _affine_list(d, "generators"))
        D = d.get("dim", gens[0].dim if gens else None)
        if D is None:
            raise SpecError("group dictionary: a finite group without generators needs 'dim'")
        order = d.get("order")
        return FiniteGroup(name or "custom", gens, int(D), order if order else None, desc,
                           struct, label)
    if kind == "continuous":
        try:
            coords = d.get("coordinates")
            return ContinuousGroup(d["name"], d["family"], int(d["lie_dimension"]), int(d["dim"]),
                                   d.get("axis"), None if coords is None else tuple(coords),
                                   desc)
        except KeyError as exc:
            raise SpecError(f"group dictionary: a continuous group needs {exc.args[0]!r}") from exc
    raise SpecError(f"group dictionary: unknown kind {kind!r}; expected lie, torus, finite, "
                    "named or continuous")


def _structure(s: Any) -> Any:
    if s is None:
        return None
    from .actions import FactorStructure

    try:
        return FactorStructure(int(s["copies"]), int(s["factor_ambient"]), str(s["factor_group"]),
                               bool(s["factor_improper"]),
                               np.array(s["permutations"], dtype=np.int64))
    except (KeyError, TypeError, ValueError) as exc:
        raise SpecError(f"group dictionary: malformed 'structure' ({exc})") from exc


def load_group_file(path: str | Path) -> tuple[str, Any]:
    """Read a group file (JSON): ``{"manifold": "S3", "lie_algebra": [...], ...}``.

    Returns
    -------
    manifold_spec : str
    group : LieGroup, TorusGroup, FiniteGroup or ContinuousGroup

    Raises
    ------
    SpecError
        Unreadable file, invalid JSON, missing or malformed keys.
    GroupError
        Invalid group data.
    """
    try:
        p = Path(path)
    except TypeError:
        raise SpecError(f"a group file must be a path (str or path-like); got "
                        f"{type(path).__name__}") from None
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read the group file {str(p)!r}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"group file {str(p)!r} is not a UTF-8 text (JSON) file: byte "
                        f"{exc.start} cannot be decoded") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"group file {str(p)!r} is not valid JSON: {exc}") from exc
    if not isinstance(d, dict) or not isinstance(d.get("manifold"), str):
        raise SpecError(f"group file {str(p)!r} needs a 'manifold' key with a manifold spec "
                        "such as \"S3\" or \"T2\"")
    body = {k: v for k, v in d.items() if k != "manifold"}
    return d["manifold"], group_from_dict(body)
