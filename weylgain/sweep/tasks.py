"""The task specs of a sweep: small picklable records of what to compute, and their keys.

:class:`CountTask`, :class:`ExactTask`, :class:`GainTask` and :class:`LearnTask` carry specs,
never matrices; :func:`task_from_dict` reads one from a dict, :func:`count_tasks` and
:func:`learning_seeds` build many. A task's key (a hash of its canonical JSON) names its
record in the results file.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence, Union

import numpy as np

from ..errors import SpecError


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _key(kind: str, params: dict) -> str:
    digest = hashlib.sha1(_canonical({"kind": kind, **params}).encode()).hexdigest()[:16]
    return f"{kind}-{digest}"


def _lams_tuple(lams: Any, what: str = "lams") -> tuple[float, ...]:
    try:
        arr = np.atleast_1d(np.asarray(lams, dtype=np.float64))
    except (TypeError, ValueError):
        raise SpecError(f"{what} must be a non-empty 1-d sequence of numbers; got {lams!r}"
                        ) from None
    if arr.ndim != 1 or arr.size == 0:
        raise SpecError(f"{what} must be a non-empty 1-d sequence of numbers; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise SpecError(f"{what} must be finite; got {arr.tolist()}")
    return tuple(float(x) for x in arr)


def _integer(value: Any, what: str, minimum: int | None = None) -> int:
    """``value`` as an int (integral floats and digit strings of a JSON task file too)."""
    try:
        out = int(value)
        ok = not isinstance(value, bool) and float(value) == out
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise SpecError(f"{what} must be an integer; got {value!r}")
    if minimum is not None and out < minimum:
        raise SpecError(f"{what} must be at least {minimum}; got {out}")
    return out


def _real(value: Any, what: str, *, positive: bool = False,
          non_negative: bool = False) -> float:
    """``value`` as a finite float (positive or non-negative when asked)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"{what} must be a number; got {value!r}") from None
    if not math.isfinite(out) or (positive and out <= 0) or (non_negative and out < 0):
        need = "positive" if positive else "non-negative" if non_negative else ""
        raise SpecError(f"{what} must be a finite {need + ' ' if need else ''}number; got "
                        f"{value!r}")
    return out


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{what} must be a non-empty string; got {value!r}")
    return value.strip()


@dataclass(frozen=True)
class CountTask:
    """N(lam) of one pencil at several thresholds (one shared ordering).

    Attributes
    ----------
    mesh : str
        A mesh spec for :func:`weylgain.meshes.from_spec` (``"sphere:5"``) or a mesh file path
        that every worker can read.
    lams : tuple of float
        Thresholds.
    group : str or None
        Count on the quotient M/G by this group spec (``weylgain.groups.named``).
    lumped : bool
        Lumped (diagonal) mass.
    """

    mesh: str
    lams: tuple
    group: str | None = None
    lumped: bool = False
    kind: str = field(default="count", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mesh", _check_str(self.mesh, "mesh"))
        object.__setattr__(self, "lams", _lams_tuple(self.lams))
        if self.group is not None:
            object.__setattr__(self, "group", _check_str(self.group, "group"))
        if not isinstance(self.lumped, (bool, np.bool_)) and self.lumped not in (0, 1):
            raise SpecError(f"lumped must be True or False; got {self.lumped!r}")
        object.__setattr__(self, "lumped", bool(self.lumped))

    def params(self) -> dict[str, Any]:
        return {"mesh": self.mesh, "lams": list(self.lams), "group": self.group,
                "lumped": self.lumped}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class ExactTask:
    """Exact invariant counts N_G(lam) of a sphere or torus quotient (:func:`weylgain.exact_counts`).

    Attributes
    ----------
    manifold : str
        ``"S<d>"`` or ``"T<d>"``.
    group : str
        A group spec (``"I"``, ``"signs2"``, ``"trivial"``, ...).
    lam : float
    radius, length : float
        Sphere radius, torus period.
    """

    manifold: str
    group: str
    lam: float
    radius: float = 1.0
    length: float = 2 * math.pi
    kind: str = field(default="exact", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifold", _check_str(self.manifold, "manifold"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        object.__setattr__(self, "lam", _lams_tuple(self.lam, "lam")[0])
        object.__setattr__(self, "radius", _real(self.radius, "radius", positive=True))
        object.__setattr__(self, "length", _real(self.length, "length", positive=True))

    def params(self) -> dict[str, Any]:
        return {"manifold": self.manifold, "group": self.group, "lam": self.lam,
                "radius": self.radius, "length": self.length}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class GainTask:
    """One gain measurement (:func:`weylgain.measure_gain`).

    Attributes
    ----------
    manifold, group : str
    level : int or None
    n_points : int
    lam_max_h2 : float or None
    """

    manifold: str
    group: str
    level: int | None = None
    n_points: int = 10
    lam_max_h2: float | None = None
    kind: str = field(default="gain", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifold", _check_str(self.manifold, "manifold"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        if self.level is not None:
            object.__setattr__(self, "level", _integer(self.level, "level", 0))
        object.__setattr__(self, "n_points", _integer(self.n_points, "n_points", 1))
        if self.lam_max_h2 is not None:
            object.__setattr__(self, "lam_max_h2",
                               _real(self.lam_max_h2, "lam_max_h2", positive=True))

    def params(self) -> dict[str, Any]:
        return {"manifold": self.manifold, "group": self.group, "level": self.level,
                "n_points": self.n_points, "lam_max_h2": self.lam_max_h2}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class LearnTask:
    """One learning-curve experiment from one master seed (:func:`weylgain.learning.experiment`).

    Attributes
    ----------
    domain : {"T2", "S2"}
    group : str
    seed : int
        Master seed (data, noise and target).
    n_values : tuple of int or None
    seeds : int
        Repetitions inside the task.
    noise : float or None
    ridge : str or float
    methods : tuple of str
    n_test : int
    """

    domain: str
    group: str
    seed: int = 0
    n_values: tuple | None = None
    seeds: int = 1
    noise: float | None = None
    ridge: Union[str, float] = "oracle"
    methods: tuple = ("none", "average")
    n_test: int = 2000
    kind: str = field(default="learn", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "domain", _check_str(self.domain, "domain"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        object.__setattr__(self, "seed", _integer(self.seed, "seed", 0))
        if self.n_values is not None:
            if isinstance(self.n_values, (str, bytes)) or not hasattr(self.n_values, "__iter__"):
                raise SpecError(f"n_values must be a sequence of sample sizes; got "
                                f"{self.n_values!r}")
            object.__setattr__(self, "n_values",
                               tuple(_integer(n, "each of n_values", 1) for n in self.n_values))
        object.__setattr__(self, "seeds", _integer(self.seeds, "seeds", 1))
        if self.noise is not None:
            object.__setattr__(self, "noise", _real(self.noise, "noise", non_negative=True))
        if not isinstance(self.ridge, str):
            object.__setattr__(self, "ridge", _real(self.ridge, "ridge", positive=True))
        if isinstance(self.methods, (str, bytes)) or not hasattr(self.methods, "__iter__"):
            raise SpecError(f"methods must be a sequence of method names; got {self.methods!r}")
        object.__setattr__(self, "methods", tuple(str(m) for m in self.methods))
        object.__setattr__(self, "n_test", _integer(self.n_test, "n_test", 1))

    def params(self) -> dict[str, Any]:
        return {"domain": self.domain, "group": self.group, "seed": self.seed,
                "n_values": None if self.n_values is None else list(self.n_values),
                "seeds": self.seeds, "noise": self.noise, "ridge": self.ridge,
                "methods": list(self.methods), "n_test": self.n_test}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


Task = Union[CountTask, ExactTask, GainTask, LearnTask]
_TASK_TYPES = {"count": CountTask, "exact": ExactTask, "gain": GainTask, "learn": LearnTask}


def task_from_dict(spec: dict[str, Any]) -> Task:
    """A task from a JSON-style dict ``{"kind": "count", "mesh": ..., "lams": [...]}``.

    Raises
    ------
    SpecError
        Unknown kind or unknown / missing fields.
    """
    if not isinstance(spec, dict) or "kind" not in spec:
        raise SpecError(f"a task must be a dict with a 'kind' among {sorted(_TASK_TYPES)}; got {spec!r}")
    kind = spec["kind"]
    if kind not in _TASK_TYPES:
        raise SpecError(f"unknown task kind {kind!r}; expected one of {sorted(_TASK_TYPES)}")
    fields = {k: v for k, v in spec.items() if k != "kind"}
    try:
        return _TASK_TYPES[kind](**fields)
    except TypeError as exc:
        raise SpecError(f"bad fields for a {kind!r} task {fields}: {exc}") from exc


def count_tasks(mesh: str, lams: Sequence[float], *, group: str | None = None,
                lumped: bool = False, per_task: int = 4) -> list[CountTask]:
    """Split the thresholds of one pencil into tasks of ``per_task`` thresholds.

    Thresholds are sorted and dealt round-robin, so every task spans the whole range (equal
    work whatever the cost grows with). On a worker, all tasks of one pencil share one cached
    pencil and ordering.

    Parameters
    ----------
    mesh : str
        Mesh spec.
    lams : sequence of float
    group : str, optional
    lumped : bool
    per_task : int, default 4
        Thresholds per task (more tasks: finer load balance; each costs one pencil build per
        worker at most, thanks to the cache).

    Returns
    -------
    list of CountTask
    """
    values = sorted(_lams_tuple(lams))
    per_task = _integer(per_task, "per_task", 1)
    n_tasks = max(1, math.ceil(len(values) / per_task))
    return [CountTask(mesh, tuple(values[i::n_tasks]), group=group, lumped=lumped)
            for i in range(n_tasks)]


def learning_seeds(domain: str, group: str, seeds: Iterable[int], **options: Any) -> list[LearnTask]:
    """One :class:`LearnTask` per master seed (other options as for :class:`LearnTask`)."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise SpecError(f"seeds must be an iterable of master seeds; got {seeds!r}")
    return [LearnTask(domain, group, seed=_integer(s, "each seed", 0), **options)
            for s in seeds]
