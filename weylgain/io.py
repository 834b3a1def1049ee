"""Reading and writing meshes: OFF and OBJ natively, everything else through meshio.

OFF and OBJ are surface formats: they hold polygon meshes (intrinsic dimension 2) with 3-d
vertices; polygons with more than three corners are split into triangles (a fan from a corner
that sees all others, checked against the polygon's normal), and a polygon no fan can split is
refused. Coordinates are written with 17 significant digits, so a write/read round trip
reproduces float64 values exactly. Other extensions (.vtk, .vtu, .msh, .ply, .stl, ...) go
through the optional ``meshio`` package (``pip install weylgain[meshio]``), imported only when
needed.
"""

from __future__ import annotations

import contextlib
import io as _stdio
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MeshError
from .mesh import Mesh

__all__ = ["read_mesh", "write_mesh", "from_meshio", "to_meshio", "check_output_path"]

_NATIVE = (".off", ".obj")
_MESHIO_CELLS = {1: "line", 2: "triangle", 3: "tetra"}
_CELL_DIMS = {"line": 1, "line2": 1, "triangle": 2, "tri": 2, "tetra": 3, "tetra4": 3}


def _suffix(path: str | os.PathLike) -> str:
    return Path(path).suffix.lower()


def _import_meshio(purpose: str) -> Any:
    try:
        import meshio  # noqa: PLC0415 - optional dependency, imported lazily
    except ImportError:
        raise MeshError(
            f"{purpose} needs the optional package meshio, which is not installed; "
            "install it with `pip install weylgain[meshio]` (or `pip install meshio`), "
            "or use the OFF/OBJ formats, which need nothing extra"
        ) from None
    return meshio


def _drop_unused(vertices: np.ndarray, simplices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove vertices that belong to no simplex (common in exported files), keeping order."""
    used = np.unique(simplices)
    if used.size == vertices.shape[0]:
        return vertices, simplices
    inv = np.full(vertices.shape[0], -1, dtype=np.int64)
    inv[used] = np.arange(used.size)
    return vertices[used], inv[simplices]


def _reduce_ambient(vertices: np.ndarray, ambient_dim: int | None, where: str) -> np.ndarray:
    if ambient_dim is None or ambient_dim == vertices.shape[1]:
        return vertices
    if not 1 <= ambient_dim <= vertices.shape[1]:
        raise MeshError(
            f"ambient_dim must be between 1 and {vertices.shape[1]} for {where}; got {ambient_dim}"
        )
    extra = vertices[:, ambient_dim:]
    if np.any(extra != 0):
        raise MeshError(
            f"cannot drop coordinates {ambient_dim}..{vertices.shape[1] - 1} of {where}: they "
            "are not all zero"
        )
    return np.ascontiguousarray(vertices[:, :ambient_dim])


# ====================================================================== OFF
def _read_text(path: Path) -> str:
    """The file's text; bytes that are not UTF-8 survive as surrogates (only comments may
    hold them: :func:`_meaningful_lines` refuses them anywhere else)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MeshError(f"cannot read mesh file {str(path)!r}: {exc.strerror or exc}") from None
    if b"\x00" in data[:4096]:
        raise MeshError(
            f"{path}: the file holds NUL bytes: it is a binary file, not a text "
            f"{path.suffix.upper().lstrip('.')} file (binary OFF/OBJ is not supported; "
            "convert it to ASCII, or read binary formats such as .ply/.stl through meshio "
            "under their own extension)"
        )
    return data.decode("utf-8", errors="surrogateescape")


def _meaningful_lines(text: str, path: Path) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if line:
            if not line.isascii():
                raise MeshError(
                    f"{path}, line {number}: non-ASCII bytes outside a comment ({line[:40]!r}); "
                    "a text mesh file holds numbers and keywords only (is it a binary file?)"
                )
            out.append((number, line))
    return out


def _polygon_triangles(vertices: np.ndarray, faces: list[list[int]], lines: list[int],
                       path: Path) -> np.ndarray:
    """Triangles of the polygon faces: a fan from the first corner that sees all others.

    Triangles and quads are the common cases; every polygon is checked: the fan's triangles
    must all turn the same way as the polygon (its Newell normal), else the next corner is
    tried, and a polygon with no valid fan (not star-shaped from any corner) is refused.
    """
    out = np.empty((sum(len(f) - 2 for f in faces), 3), dtype=np.int64)
    sizes = np.array([len(f) for f in faces])
    starts = np.concatenate([[0], np.cumsum(sizes - 2)])
    for size in np.unique(sizes):
        sel = np.flatnonzero(sizes == size)
        poly = np.array([faces[i] for i in sel], dtype=np.int64)  # (p, size)
        if size == 3:
            for t, i in enumerate(sel):
                out[starts[i]] = poly[t]
            continue
        bad_index = (poly < 0) | (poly >= vertices.shape[0])
        if bad_index.any():
            t = int(np.flatnonzero(bad_index.any(axis=1))[0])
            raise MeshError(
                f"{path}, line {lines[sel[t]]}: polygon {poly[t].tolist()} refers to a vertex "
                f"outside [0, {vertices.shape[0] - 1}]"
            )
        x = vertices[poly]  # (p, size, 3)
        normal = np.cross(x, np.roll(x, -1, axis=1)).sum(axis=1)  # Newell's normal
        fan = np.full(poly.shape[0], -1)
        for start in range(size):
            rolled = np.roll(poly, -start, axis=1)
            y = np.roll(x, -start, axis=1)
            tri_n = np.cross(y[:, 1:-1] - y[:, :1], y[:, 2:] - y[:, :1])  # (p, size-2, 3)
            turns = np.einsum("ptd,pd->pt", tri_n, normal)
            scale = np.einsum("ptd,ptd->pt", tri_n, tri_n) ** 0.5 * np.linalg.norm(
                normal, axis=1)[:, None]
            ok = (turns > 1e-12 * scale).all(axis=1) & (fan < 0)
            fan[ok] = start
            for t in np.flatnonzero(ok):
                r = rolled[t]
                out[starts[sel[t]]:starts[sel[t]] + size - 2] = np.stack(
                    [np.full(size - 2, r[0]), r[1:-1], r[2:]], axis=1)
            if (fan >= 0).all():
                break
        if (fan < 0).any():
            t = int(np.flatnonzero(fan < 0)[0])
            raise MeshError(
                f"{path}, line {lines[sel[t]]}: the {size}-gon {poly[t].tolist()} cannot be "
                "split into a fan of triangles (it is not star-shaped from any corner, or it "
                "is flat); triangulate it first (e.g. meshio + a mesher, or MeshLab)"
            )
    return out


# OFF vertex lines: 3 coordinates, then optional normal (N), colour (C: 3 or 4 values) and
# texture coordinates (ST) in the order of the header's prefixes
def _off_vertex_widths(header: str) -> set[int]:
    extra = {0}
    if "ST" in header:
        extra = {e + 2 for e in extra}
    if "C" in header:
        extra = {e + c for e in extra for c in (3, 4)}
    if "N" in header:
        extra = {e + 3 for e in extra}
    return {3 + e for e in extra}


def _read_off(path: Path) -> tuple[np.ndarray, np.ndarray]:
    lines = _meaningful_lines(_read_text(path), path)
    if not lines:
        raise MeshError(f"{path}: empty OFF file")
    number, first = lines[0]
    tokens = first.split()
    if not re.fullmatch(r"(ST)?C?N?OFF", tokens[0]):
        raise MeshError(
            f"{path}, line {number}: expected an 'OFF' header (OFF, COFF, NOFF, ...), got "
            f"{tokens[0][:40]!r}; 4OFF and nOFF (other dimensions) are not supported"
        )
    if len(tokens) > 1 and tokens[1].upper() == "BINARY":
        raise MeshError(f"{path}, line {number}: binary OFF is not supported; convert it to "
                        "ASCII OFF (or another format meshio reads)")
    widths = _off_vertex_widths(tokens[0])
    rest = tokens[1:]
    pos = 1
    if not rest:
        if len(lines) < 2:
            raise MeshError(f"{path}: missing the 'n_vertices n_faces n_edges' line")
        number, line = lines[1]
        rest = line.split()
        pos = 2
    try:
        nv, nf = int(rest[0]), int(rest[1])
    except (IndexError, ValueError):
        raise MeshError(
            f"{path}, line {number}: expected 'n_vertices n_faces n_edges', got {' '.join(rest)!r}"
        ) from None
    if nv < 0 or nf < 0:
        raise MeshError(f"{path}, line {number}: negative counts {nv} {nf}")
    body = lines[pos:]
    if len(body) < nv + nf:
        raise MeshError(
            f"{path}: the header announces {nv} vertices and {nf} faces but the file has only "
            f"{len(body)} data lines (truncated file, or wrong counts in the header?)"
        )
    if len(body) > nv + nf:
        number = body[nv + nf][0]
        raise MeshError(
            f"{path}, line {number}: the header announces {nv} vertices and {nf} faces but "
            f"the file has {len(body) - nv - nf} more data lines; fix the counts in the header "
            "(otherwise faces would be dropped)"
        )
    vertices = np.empty((nv, 3), dtype=np.float64)
    for i, (number, line) in enumerate(body[:nv]):
        parts = line.split()
        if len(parts) not in widths:
            raise MeshError(
                f"{path}, line {number}: vertex {i} has {len(parts)} numbers where a "
                f"{tokens[0]} vertex has {' or '.join(map(str, sorted(widths)))} ({line[:60]!r}); "
                "does the header announce more vertices than the file lists?"
            )
        try:
            vertices[i] = [float(x) for x in parts[:3]]
        except ValueError:
            raise MeshError(
                f"{path}, line {number}: bad vertex coordinates {line[:60]!r}") from None
    faces: list[list[int]] = []
    face_lines: list[int] = []
    for i, (number, line) in enumerate(body[nv:nv + nf]):
        parts = line.split()
        try:
            k = int(parts[0])
            idx = [int(x) for x in parts[1:1 + k]]
        except (ValueError, IndexError):
            raise MeshError(f"{path}, line {number}: bad face {line[:60]!r}") from None
        if k < 3:
            raise MeshError(
                f"{path}, line {number}: a face needs at least 3 vertices, got {k} "
                f"({line[:60]!r})"
            )
        if len(idx) != k:
            raise MeshError(
                f"{path}, line {number}: face announces {k} vertices, got {line[:60]!r}")
        if len(parts) - 1 - k not in (0, 3, 4):  # optional colour: 3 or 4 values
            raise MeshError(
                f"{path}, line {number}: face {i} announces {k} vertices but the line has "
                f"{len(parts) - 1 - k} more numbers ({line[:60]!r}); only a colour (3 or 4 "
                "values) may follow the indices"
            )
        faces.append(idx)
        face_lines.append(number)
    if nf == 0:
        raise MeshError(f"{path}: the OFF file has no faces")
    flat = np.array([i for f in faces for i in f], dtype=np.int64)
    if flat.min() < 0 or flat.max() >= nv:
        i = next(j for j, f in enumerate(faces) if min(f) < 0 or max(f) >= nv)
        raise MeshError(
            f"{path}, line {face_lines[i]}: face {i} = {faces[i]} refers to a vertex outside "
            f"[0, {nv - 1}]"
        )
    return vertices, _polygon_triangles(vertices, faces, face_lines, path)


def _write_off(mesh: Mesh, path: Path) -> None:
    v = _surface_vertices(mesh, "OFF")
    with open(path, "w") as fh:
        fh.write("OFF\n")
        if mesh.name:
            fh.write(f"# {mesh.name}\n")
        fh.write(f"{v.shape[0]} {mesh.n_simplices} 0\n")
        np.savetxt(fh, v, fmt="%.17g")
        np.savetxt(fh, np.column_stack([np.full(mesh.n_simplices, 3), mesh.simplices]), fmt="%d")


# ====================================================================== OBJ
def _obj_index(token: str, nv: int, path: Path, number: int) -> int:
    head = token.split("/", 1)[0]
    try:
        i = int(head)
    except ValueError:
        raise MeshError(f"{path}, line {number}: bad face index {token!r}") from None
    if i == 0:
        raise MeshError(f"{path}, line {number}: OBJ indices start at 1, got 0")
    return i - 1 if i > 0 else nv + i  # negative indices count back from the last vertex


def _read_obj(path: Path) -> tuple[np.ndarray, np.ndarray]:
    vertices: list[list[float]] = []
    faces: list[list[int]] = []
    face_lines: list[int] = []
    for number, line in _meaningful_lines(_read_text(path), path):
        parts = line.split()
        tag = parts[0]
        if tag == "v":
            try:
                xyz = [float(x) for x in parts[1:4]]
            except ValueError:
                raise MeshError(f"{path}, line {number}: bad vertex {line[:60]!r}") from None
            if len(xyz) != 3:
                raise MeshError(
                    f"{path}, line {number}: a vertex needs 3 coordinates: {line[:60]!r}")
            vertices.append(xyz)
        elif tag == "f":
            idx = [_obj_index(t, len(vertices), path, number) for t in parts[1:]]
            if len(idx) < 3:
                raise MeshError(
                    f"{path}, line {number}: a face needs at least 3 vertices, got {len(idx)}"
                )
            faces.append(idx)
            face_lines.append(number)
        elif tag in ("l", "p", "curv", "surf"):
            raise MeshError(
                f"{path}, line {number}: OBJ element {tag!r} is not supported; only polygon "
                "faces ('f') are read"
            )
        # vt, vn, g, o, s, usemtl, mtllib ...: not geometry we use
    if not faces:
        raise MeshError(f"{path}: the OBJ file has no faces ('f' lines)")
    v = np.array(vertices, dtype=np.float64).reshape(-1, 3)
    for i, f in enumerate(faces):
        if min(f) < 0 or max(f) >= v.shape[0]:
            raise MeshError(
                f"{path}, line {face_lines[i]}: face {i} refers to a vertex outside "
                f"1..{v.shape[0]} (OBJ numbering)"
            )
    return v, _polygon_triangles(v, faces, face_lines, path)


def _write_obj(mesh: Mesh, path: Path) -> None:
    v = _surface_vertices(mesh, "OBJ")
    with open(path, "w") as fh:
        if mesh.name:
            fh.write(f"# {mesh.name}\n")
        np.savetxt(fh, v, fmt="v %.17g %.17g %.17g")
        np.savetxt(fh, mesh.simplices + 1, fmt="f %d %d %d")


def _surface_vertices(mesh: Mesh, fmt: str) -> np.ndarray:
    if mesh.is_periodic:
        raise MeshError(
            f"a periodic (flat torus) mesh cannot be written to {fmt}: the format has no notion "
            "of periods, so wrapped simplices would be drawn across the whole box"
        )
    if mesh.dim != 2:
        raise MeshError(
            f"{fmt} holds triangle surfaces only; this mesh has {mesh.dim}-simplices "
            "(use a meshio format such as .vtu or .msh)"
        )
    v = mesh.vertices
    if v.shape[1] > 3:
        raise MeshError(f"{fmt} holds 3-d vertices; this mesh lives in R^{v.shape[1]}")
    if v.shape[1] < 3:
        v = np.column_stack([v, np.zeros((v.shape[0], 3 - v.shape[1]))])
    return v


# ====================================================================== meshio
def from_meshio(m: Any, *, ambient_dim: int | None = None, name: str | None = None) -> Mesh:
    """Convert a ``meshio.Mesh`` to a :class:`Mesh`.

    The cells of the highest intrinsic dimension (lines, triangles or tetrahedra) are kept;
    lower-dimensional cells (boundary lines, points) and vertices used by no kept cell are
    dropped.

    Parameters
    ----------
    m : meshio.Mesh
        Anything with ``points`` (n, D) and ``cells`` (blocks with ``type`` and ``data``).
    ambient_dim : int, optional
        Keep only the first ``ambient_dim`` coordinates (the dropped ones must be zero), e.g. 2
        for a planar mesh stored with z = 0.
    name : str, optional

    Returns
    -------
    Mesh
    """
    try:
        points = np.asarray(m.points, dtype=np.float64)
    except (ValueError, TypeError, AttributeError) as exc:
        raise MeshError(f"meshio points must be a real array of shape (n, D): {exc}") from None
    if points.ndim != 2:
        raise MeshError(f"meshio points must have shape (n, D); got {points.shape}")
    blocks: dict[int, list[np.ndarray]] = {}
    for block in m.cells:
        kind = getattr(block, "type", None)
        data = getattr(block, "data", None)
        if kind is None:  # old meshio: (type, data) tuples
            kind, data = block
        if kind in _CELL_DIMS:
            blocks.setdefault(_CELL_DIMS[kind], []).append(np.asarray(data, dtype=np.int64))
        elif kind in ("quad", "polygon") or str(kind).startswith("polygon"):
            polygons = [list(map(int, row)) for row in data]
            blocks.setdefault(2, []).append(_polygon_triangles(
                np.asarray(points[:, :3] if points.shape[1] >= 3 else np.column_stack(
                    [points, np.zeros((points.shape[0], 3 - points.shape[1]))]),
                    dtype=np.float64),
                polygons, list(range(len(polygons))), Path(f"the meshio {kind} block")))
    if not blocks:
        kinds = sorted({getattr(b, "type", b[0] if isinstance(b, tuple) else "?")
                        for b in m.cells})
        raise MeshError(
            f"the meshio mesh has no simplicial cells (line, triangle, tetra); found {kinds}"
        )
    k = max(blocks)
    simplices = np.concatenate(blocks[k])
    v, s = _drop_unused(points, simplices)
    v = _reduce_ambient(v, ambient_dim, "the meshio mesh")
    return Mesh(v, s, name=name)


def to_meshio(mesh: Mesh) -> Any:
    """Convert a :class:`Mesh` to a ``meshio.Mesh`` (needs the optional package meshio).

    Raises
    ------
    MeshError
        For periodic meshes, 4-simplices (meshio has no such cell type) or when meshio is
        missing.
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"to_meshio needs a weylgain Mesh; got {type(mesh).__name__}")
    if mesh.is_periodic:
        raise MeshError("a periodic (flat torus) mesh cannot be exported: file formats have "
                        "no notion of periods")
    if mesh.dim not in _MESHIO_CELLS:
        raise MeshError(f"meshio has no cell type for {mesh.dim}-simplices")
    meshio = _import_meshio("exporting to meshio")
    return meshio.Mesh(np.array(mesh.vertices), [(_MESHIO_CELLS[mesh.dim],
                                                   np.array(mesh.simplices))])


# ====================================================================== entry points
def _as_path(path: Any, what: str) -> Path:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise MeshError(f"{what} must be a file name (str or path-like); got {type(path).__name__}")
    if not os.fspath(path).strip():
        raise MeshError(f"{what} is empty")
    return Path(path)


def check_output_path(path: str | os.PathLike, what: str = "output file") -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a Path.

    Raises
    ------
    MeshError
        If the path is a directory, its folder does not exist or is not a folder, or the
        folder or an existing file is not writable.
    """
    from ._paths import writable_file

    return Path(writable_file(_as_path(path, what), what, MeshError))


def _call_meshio(function: Any, *args: Any) -> tuple[Any, str]:
    """Call a meshio function; its chatter (and its sys.exit on failure) become text."""
    chatter = _stdio.StringIO()
    try:
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            return function(*args), chatter.getvalue()
    except SystemExit:  # meshio's readers exit the process when no reader succeeds
        raise _MeshioFailure(chatter.getvalue().strip() or "meshio gave up") from None
    except Exception as exc:  # meshio raises assorted types
        said = chatter.getvalue().strip()
        raise _MeshioFailure(f"{type(exc).__name__}: {exc}" + (f" ({said})" if said else "")
                             ) from exc


class _MeshioFailure(Exception):
    pass


def read_mesh(path: str | os.PathLike, *, ambient_dim: int | None = None) -> Mesh:
    """Read a mesh file.

    ``.off`` and ``.obj`` (polygon faces, split into triangles; comments and blank lines
    allowed; OBJ faces in the forms ``f 1 2 3``, ``f 1/4 2/5 3/6``, ``f 1//7 ...``, negative
    indices) are read natively; other extensions through meshio. Vertices used by no simplex
    are dropped (the others keep their order).

    Parameters
    ----------
    path : str or path-like
    ambient_dim : int, optional
        Keep only the first ``ambient_dim`` coordinates (the dropped ones must be zero): pass 2
        to read back a planar mesh written with z = 0.

    Returns
    -------
    Mesh
        Named after the file.

    Raises
    ------
    MeshError
        Missing file or a directory, unreadable or binary content, malformed content (the
        message gives the line), a header whose counts disagree with the file, a polygon that
        cannot be split, or meshio missing or failing for a non-native format.
    """
    path = _as_path(path, "the mesh file name")
    if ambient_dim is not None and (isinstance(ambient_dim, bool)
                                    or not isinstance(ambient_dim, (int, np.integer))):
        raise MeshError(f"ambient_dim must be an integer; got {ambient_dim!r}")
    if path.is_dir():
        raise MeshError(f"mesh file {str(path)!r} is a directory, not a file")
    if not path.exists():
        raise MeshError(f"mesh file {str(path)!r} does not exist")
    if not path.is_file():
        raise MeshError(f"mesh file {str(path)!r} is not a regular file")
    suffix = _suffix(path)
    if suffix == ".off":
        v, s = _read_off(path)
    elif suffix == ".obj":
        v, s = _read_obj(path)
    else:
        meshio = _import_meshio(f"reading {suffix or 'extension-less'} files")
        try:
            m, _ = _call_meshio(meshio.read, str(path))
        except _MeshioFailure as exc:
            raise MeshError(f"meshio could not read {str(path)!r}: {exc}") from None
        return from_meshio(m, ambient_dim=ambient_dim, name=path.name)
    v, s = _drop_unused(v, s)
    v = _reduce_ambient(v, ambient_dim, str(path))
    return Mesh(v, s, name=path.name)


def write_mesh(mesh: Mesh, path: str | os.PathLike) -> None:
    """Write a mesh file; the format follows the extension.

    ``.off`` and ``.obj`` take triangle meshes (dim 2) in R^2 or R^3 (planar vertices get
    z = 0) and are written natively with 17 significant digits (exact round trip); other
    extensions go through meshio.

    Raises
    ------
    MeshError
        Periodic meshes, non-surface meshes for OFF/OBJ, a path that is a directory or whose
        folder is missing or not writable, or meshio missing.
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"write_mesh needs a weylgain Mesh; got {type(mesh).__name__}")
    path = check_output_path(path, "mesh file")
    suffix = _suffix(path)
    try:
        if suffix == ".off":
            _write_off(mesh, path)
        elif suffix == ".obj":
            _write_obj(mesh, path)
        else:
            m = to_meshio(mesh)
            meshio = _import_meshio(f"writing {suffix or 'extension-less'} files")
            try:
                _call_meshio(meshio.write, str(path), m)
            except _MeshioFailure as exc:
                raise MeshError(f"meshio could not write {str(path)!r}: {exc}") from None
    except OSError as exc:
        raise MeshError(f"cannot write mesh file {str(path)!r}: {exc.strerror or exc}") from None
