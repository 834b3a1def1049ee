"""Groups as dictionaries (JSON): :func:`group_from_dict`, :func:`group_to_dict` and the
group file of the command line, :func:`load_group_file`.

Formats (``kind`` may be omitted; it is inferred from the keys)::

    {"lie_algebra": [D x D matrices], "generators": [D x D orthogonal], "name": "..."}
    {"translations": [integer vectors], "generators": [{"linear": ..., "translation": ...}]}
    {"kind": "finite", "generators": [{"linear": ..., "translation": ...}], "name": ...}
    {"kind": "named", "spec": "SO(3)"}         (optionally "dim")
    {"spec": "SO(3) x Sym(2)@2,3"}             (in a group file: resolved on its manifold,
                                                weylgain.groups.resolve)
    {"kind": "continuous", "name": "SO(2)", "family": ..., "dim": ..., ...}

A group file adds ``"manifold": "S3"`` (a :func:`weylgain.manifolds.parse_manifold` spec).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GroupError, SpecError

__all__ = ["group_from_dict", "group_to_dict", "load_group_file"]


# Keys each kind reads (plus those its to_dict writes and ignores on reading: the order of a
# finite group is read and checked, "is_linear" and "lie_dimension" are derived data).
_COMMON_KEYS = {"kind", "name", "description", "label", "structure"}
_KIND_KEYS = {
    "lie": {"lie_algebra", "generators", "dim", "lie_dimension"},
    "torus": {"translations", "generators", "dim"},
    "finite": {"generators", "dim", "order", "is_linear", "is_signed_permutation"},
    "named": {"spec", "dim"},
    "continuous": {"family", "lie_dimension", "dim", "axis", "coordinates"},
}
#: Largest ambient dimension D of a group read from a dictionary (its D x D matrices).
MAX_FILE_DIMENSION = 10_000
#: Deepest nesting of lists read in a field (a matrix stack is 3 deep, affine generators 4).
_MAX_DEPTH = 4
#: Largest group file read (bytes): JSON parsing holds about 30 times the text in memory.
MAX_GROUP_FILE_BYTES = 64 * 2**20


def _field_error(field: str, why: str) -> SpecError:
    return SpecError(f"group dictionary: {field!r} {why}")


def _check_keys(d: dict, kind: str) -> None:
    """Refuse keys the kind does not read: a misspelled key must not be ignored."""
    import difflib

    allowed = _COMMON_KEYS | _KIND_KEYS.get(kind, set())
    unknown = sorted(str(k) for k in d if k not in allowed)
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, sorted(allowed), n=1, cutoff=0.6)
            hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise SpecError(f"group dictionary: unknown key{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(hints)} for a {kind} group; the keys read are "
                        f"{', '.join(sorted(allowed))}")


def _text(d: dict, field: str, default: str = "") -> str:
    value = d.get(field, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise _field_error(field, f"must be a string; got {type(value).__name__} {value!r}")
    return value


def _whole(d: dict, field: str, minimum: int = 1, maximum: int | None = None,
           required: bool = False) -> int | None:
    """An integer field (not a bool, a string or a float with a fraction), in range."""
    value = d.get(field)
    if value is None:
        if required:
            raise _field_error(field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer)) or (
            isinstance(value, float) and not (np.isfinite(value) and value == int(value))):
        raise _field_error(field, f"must be a whole number; got {type(value).__name__} "
                                  f"{value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"at least {minimum}" + (f" and at most {maximum}" if maximum else "")
        raise _field_error(field, f"must be {bounds}; got {value}")
    return value


def _check_numbers(value: Any, field: str, depth: int = 0) -> None:
    """Nested lists of real numbers only (no strings, booleans, None, or deep nesting)."""
    if isinstance(value, (list, tuple)):
        if depth >= _MAX_DEPTH:
            raise _field_error(field, f"is nested more than {_MAX_DEPTH} lists deep; give "
                                      "matrices as lists of rows of numbers")
        for item in value:
            _check_numbers(item, field, depth + 1)
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise _field_error(field, f"must hold real numbers; got an array of {value.dtype}")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise _field_error(field, f"must hold numbers; found {type(value).__name__} {value!r}")


def _number_array(value: Any, field: str) -> np.ndarray:
    """A field of numbers as a float64 array (a ragged or non-numeric field is refused)."""
    _check_numbers(value, field)
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise _field_error(field, "must be a rectangular array of numbers (rows of equal "
                                  "length)") from None
    if not np.all(np.isfinite(a)):
        raise _field_error(field, "contains a NaN or infinite number")
    return a


def group_to_dict(group: Any) -> dict[str, Any]:
    """``group.to_dict()``: the dictionary :func:`group_from_dict` reads back."""
    if not hasattr(group, "to_dict"):
        raise GroupError(f"not a weylgain group: {type(group).__name__}")
    return group.to_dict()


def _matrices(d: dict, key: str, D: int | None = None) -> np.ndarray:
    if not isinstance(d.get(key), (list, tuple, np.ndarray)):
        raise _field_error(key, f"must be a list of square matrices of numbers; got "
                                f"{type(d.get(key)).__name__} {d.get(key)!r}")
    a = _number_array(d[key], key)
    if a.size == 0:
        if D is None:
            raise SpecError(f"group dictionary: {key!r} is empty; give 'dim' or a matrix")
        return np.zeros((0, D, D))
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or a.shape[1] != a.shape[2]:
        raise SpecError(f"group dictionary: {key!r} must be a list of square D x D matrices; "
                        f"got shape {a.shape}")
    if a.shape[1] > MAX_FILE_DIMENSION:
        raise _field_error(key, f"holds {a.shape[1]} x {a.shape[1]} matrices, beyond the "
                                f"{MAX_FILE_DIMENSION} dimensions read")
    return a


def _affine_list(d: dict, key: str) -> list:
    raw = d.get(key, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise SpecError(f"group dictionary: {key!r} must be a list")
    out = []
    for i, g in enumerate(raw):
        field = f"{key}[{i}]"
        if isinstance(g, dict):
            extra = sorted(str(k) for k in g if k not in ("linear", "translation"))
            if extra:
                raise _field_error(field, f"has unknown keys {extra}; an affine generator has "
                                          "'linear' (a matrix) and 'translation' (a vector)")
            if "linear" not in g:
                raise SpecError(f"group dictionary: {key}[{i}] needs a 'linear' matrix")
            lin = _number_array(g["linear"], f"{field}.linear")
            if lin.ndim != 2 or lin.shape[0] != lin.shape[1] or lin.size == 0:
                raise _field_error(f"{field}.linear", f"must be a square matrix; got shape "
                                                      f"{lin.shape}")
            if lin.shape[0] > MAX_FILE_DIMENSION:
                raise _field_error(f"{field}.linear", f"is {lin.shape[0]} x {lin.shape[0]}, "
                                                      f"beyond {MAX_FILE_DIMENSION} dimensions")
            if g.get("translation") is None:
                tr = np.zeros(lin.shape[0])
            else:
                tr = _number_array(g["translation"], f"{field}.translation")
                if tr.shape != (lin.shape[0],):
                    raise _field_error(f"{field}.translation",
                                       f"must be a vector of {lin.shape[0]} numbers (fractions "
                                       f"of the period); got shape {tr.shape}")
            out.append({"linear": lin, "translation": tr})
        elif isinstance(g, (list, tuple)):  # a bare matrix: linear, no translation
            lin = _number_array(g, field)
            if lin.ndim != 2 or lin.shape[0] != lin.shape[1] or lin.size == 0:
                raise _field_error(field, f"must be a square matrix (a list of rows of numbers) "
                                          f"or {{'linear': ..., 'translation': ...}}; got shape "
                                          f"{lin.shape}")
            if lin.shape[0] > MAX_FILE_DIMENSION:
                raise _field_error(field, f"is {lin.shape[0]} x {lin.shape[0]}, beyond "
                                          f"{MAX_FILE_DIMENSION} dimensions")
            out.append({"linear": lin, "translation": np.zeros(lin.shape[0])})
        else:
            raise _field_error(field, f"must be a square matrix (a list of rows of numbers) or "
                                      f"{{'linear': ..., 'translation': ...}}; got "
                                      f"{type(g).__name__} {g!r}")
    return out


def group_from_dict(d: dict[str, Any], manifold: Any = None) -> Any:
    """A group from its dictionary (module docstring for the formats).

    Parameters
    ----------
    d : dict
    manifold : Manifold or str, optional
        With ``"spec"``: the spec is resolved on this manifold (:func:`weylgain.groups.resolve`:
        products, ``"SO(3) x Sym(2)@2,3"``, ``"SO(3)@1"``); without it, ``named(spec, dim)``.

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
        close = [k for k in d if isinstance(k, str) and k.lower().startswith(
            ("generator", "lie", "translation", "spec"))]
        raise SpecError("group dictionary: give 'lie_algebra' (matrices), 'translations' "
                        "(integer vectors), 'generators' or 'spec'"
                        + (f"; found {close} (misspelled?)" if close else ""))
    if not isinstance(kind, str) or kind not in _KIND_KEYS:
        raise SpecError(f"group dictionary: unknown kind {kind!r}; expected lie, torus, finite, "
                        "named or continuous")
    _check_keys(d, kind)
    name = _text(d, "name") or None
    desc = _text(d, "description")
    label = _text(d, "label")
    struct = _structure(d.get("structure"))
    if kind == "named":
        if not isinstance(d.get("spec"), str):
            raise SpecError("group dictionary: 'spec' must be a group spec string")
        dim = _whole(d, "dim", 1, MAX_FILE_DIMENSION)
        if manifold is not None and dim is None:
            from .catalogue import resolve

            return resolve(d["spec"], manifold)
        return named(d["spec"], dim=dim)
    if kind == "lie":
        dim = _whole(d, "dim", 1, MAX_FILE_DIMENSION)
        alg = _matrices(d, "lie_algebra", dim)
        D = alg.shape[1]
        if dim is not None and dim != D:
            raise _field_error("dim", f"is {dim} but 'lie_algebra' holds {D} x {D} matrices")
        gens = _matrices(d, "generators", D) if d.get("generators") is not None and \
            len(d.get("generators")) else np.zeros((0, D, D))
        if gens.shape[1] != D:
            raise SpecError(f"group dictionary: 'generators' are {gens.shape[1]}x{gens.shape[1]} "
                            f"but 'lie_algebra' is {D}x{D}")
        group = LieGroup(name or "lie", alg, gens, desc, struct, label)
        claimed = _whole(d, "lie_dimension", 0)
        if claimed is not None and claimed != group.lie_dimension:
            raise _field_error("lie_dimension", f"is {claimed} but 'lie_algebra' holds "
                                                f"{group.lie_dimension} matrices")
        return group
    if kind == "torus":
        V = d["translations"]
        if not isinstance(V, (list, tuple, np.ndarray)):
            raise _field_error("translations", f"must be a list of integer vectors; got "
                                               f"{type(V).__name__} {V!r}")
        V = _number_array(V, "translations")
        gens = _affine_list(d, "generators")
        group = TorusGroup(name or "subtorus", V, tuple(gens), desc, struct, label)
        dim = _whole(d, "dim", 1, MAX_FILE_DIMENSION)
        if dim is not None and dim != group.dim:
            raise _field_error("dim", f"is {dim} but the translations have {group.dim} entries")
        return group
    if kind == "finite":
        gens = tuple(AffineMap(g["linear"], np.mod(g["translation"], 1.0))
                     for g in _affine_list(d, "generators"))
        dim = _whole(d, "dim", 1, MAX_FILE_DIMENSION)
        D = dim if dim is not None else (gens[0].dim if gens else None)
        if D is None:
            raise SpecError("group dictionary: a finite group without generators needs 'dim'")
        for i, g in enumerate(gens):
            if g.dim != D:
                raise _field_error(f"generators[{i}]", f"acts on R^{g.dim}, the group on R^{D}"
                                                       + (" ('dim')" if dim else ""))
        order = _whole(d, "order", 1)
        from .finite import DEFAULT_MAX_ORDER, from_generators

        if not gens:
            if order not in (None, 1):
                raise _field_error("order", f"is {order} but the group has no generators "
                                            "(the trivial group has order 1)")
            return FiniteGroup(name or "custom", (), int(D), None, desc, struct, label)
        lin = np.stack([g.linear for g in gens])
        tr = np.stack([g.translation for g in gens])
        # a stated order is checked (a wrong one would silently give a wrong vol(M/G)):
        # by enumeration up to DEFAULT_MAX_ORDER, beyond it exactly for signed permutations
        # (Schreier-Sims); an order that cannot be checked is refused, not trusted
        if order is not None and order > DEFAULT_MAX_ORDER:
            found = _signed_permutation_order(lin, tr)
            if found is None:
                raise _field_error("order", f"is {order}, more than the {DEFAULT_MAX_ORDER} "
                                            "elements a stated order is checked against by "
                                            "enumeration; leave 'order' out")
            if found != order:
                raise GroupError(f"group dictionary: 'order' is {order} but the generators "
                                 f"generate a group of order {found}")
            try:
                group = from_generators(lin, tr, name or "custom", order=order,
                                        description=desc, verify_order=False)
            except GroupError as exc:
                raise GroupError(f"group dictionary: {exc}") from None
            return FiniteGroup(group.name, group.generators, group.dim, group.closed_order,
                               desc, struct, label)
        try:
            group = from_generators(lin, tr, name or "custom", order=order, description=desc)
        except GroupError as exc:
            raise GroupError(f"group dictionary: {exc}") from None
        return FiniteGroup(group.name, group.generators, group.dim, group.closed_order, desc,
                           struct, label)
    # continuous
    for key in ("name", "family", "lie_dimension", "dim"):
        if d.get(key) is None:
            raise SpecError(f"group dictionary: a continuous group needs {key!r}")
    family = _text(d, "family")
    lie_dim = _whole(d, "lie_dimension", 1, MAX_FILE_DIMENSION ** 2)
    dim = _whole(d, "dim", 1, MAX_FILE_DIMENSION)
    axis = _whole(d, "axis", 0, dim - 1)
    coords = d.get("coordinates")
    if coords is not None:
        if not isinstance(coords, (list, tuple)) or any(
                isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < dim
                for c in coords):
            raise _field_error("coordinates", f"must be a list of coordinate indices "
                                              f"0..{dim - 1}; got {coords!r}")
        coords = tuple(coords)
    return ContinuousGroup(name, family, lie_dim, dim, axis, coords, desc)


def _signed_permutation_order(lin: np.ndarray, tr: np.ndarray) -> int | None:
    """Exact order of a group of signed permutation matrices without translations
    (as permutations of the 2D signed axes, by Schreier-Sims), or None for other groups."""
    if np.any(np.abs(np.mod(tr + 0.5, 1.0) - 0.5) > 0):
        return None
    rounded = np.rint(lin)
    if np.abs(lin - rounded).max() > 0 or np.any(np.abs(rounded).sum(axis=1) != 1):
        return None
    from sympy.combinatorics import Permutation, PermutationGroup

    D = lin.shape[1]
    perms = []
    for a in rounded.astype(np.int64):
        image = [0] * (2 * D)
        for j in range(D):  # e_j -> sign e_i: the point j (+e_j) goes to i or i + D
            i = int(np.flatnonzero(a[:, j])[0])
            plus, minus = (i, i + D) if a[i, j] > 0 else (i + D, i)
            image[j], image[j + D] = plus, minus
        perms.append(Permutation(image))
    return int(PermutationGroup(perms).order())


def _structure(s: Any) -> Any:
    if s is None:
        return None
    from .actions import FactorStructure

    if not isinstance(s, dict):
        raise _field_error("structure", f"must be an object with copies, factor_ambient, "
                                        f"factor_group, factor_improper and permutations; got "
                                        f"{type(s).__name__}")
    _whole(s, "copies", 1, MAX_FILE_DIMENSION, required=True)
    _whole(s, "factor_ambient", 1, MAX_FILE_DIMENSION, required=True)
    if not isinstance(s.get("factor_group"), str):
        raise _field_error("structure.factor_group", "must be a string (trivial, SO(2), SO(3))")
    if not isinstance(s.get("factor_improper"), bool):
        raise _field_error("structure.factor_improper", "must be true or false")
    _check_numbers(s.get("permutations", []), "structure.permutations")
    try:
        return FactorStructure(int(s["copies"]), int(s["factor_ambient"]), str(s["factor_group"]),
                               bool(s["factor_improper"]),
                               np.array(s["permutations"], dtype=np.int64))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
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
        size = p.stat().st_size
    except OSError as exc:
        raise SpecError(f"cannot read the group file {str(p)!r}: {exc.strerror}") from exc
    if size > MAX_GROUP_FILE_BYTES:
        raise SpecError(f"group file {str(p)!r} has {size} bytes, more than the "
                        f"{MAX_GROUP_FILE_BYTES // 2**20} MiB a group file may have (a group "
                        "is given by a few generator matrices)")
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
    except RecursionError:
        raise SpecError(f"group file {str(p)!r} nests lists or objects too deeply to be read; "
                        "a group file holds matrices (lists of rows of numbers)") from None
    if not isinstance(d, dict) or not isinstance(d.get("manifold"), str):
        raise SpecError(f"group file {str(p)!r} needs a 'manifold' key with a manifold spec "
                        "such as \"S3\" or \"T2\"")
    body = {k: v for k, v in d.items() if k != "manifold"}
    return d["manifold"], group_from_dict(body, manifold=d["manifold"])
