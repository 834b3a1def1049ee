"""Reading and writing meshes: OFF and OBJ natively, everything else through meshio.

OFF and OBJ are surface formats: they hold triangle meshes (intrinsic dimension 2) with 3-d
vertices. Coordinates are written with 17 significant digits, so a write/read round trip
reproduces float64 values exactly. Other extensions (.vtk, .vtu, .msh, .ply, .stl, ...) go
through the optional ``meshio`` package (``pip install weylgain[meshio]``), imported only when
needed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MeshError
from .mesh import Mesh

__all__ = ["read_mesh", "write_mesh", "from_meshio", "to_meshio"]

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
def _meaningful_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append((number, line))
    return out


def _read_off(path: Path) -> tuple[np.ndarray, np.ndarray]:
    lines = _meaningful_lines(path.read_text())
    if not lines:
        raise MeshError(f"{path}: empty OFF file")
    number, first = lines[0]
    tokens = first.split()
    if not re.fullmatch(r"(ST)?C?N?OFF", tokens[0]):
        raise MeshError(
            f"{path}, line {number}: expected an 'OFF' header (OFF, COFF, NOFF, ...), got "
            f"{tokens[0]!r}; 4OFF and nOFF (other dimensions) are not supported"
        )
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
            f"{len(body)} data lines (truncated file?)"
        )
    vertices = np.empty((nv, 3), dtype=np.float64)
    for i, (number, line) in enumerate(body[:nv]):
        parts = line.split()
        try:
            vertices[i] = [float(x) for x in parts[:3]]
        except ValueError:
            raise MeshError(f"{path}, line {number}: bad vertex coordinates {line!r}") from None
        if len(parts) < 3:
            raise MeshError(f"{path}, line {number}: a vertex needs 3 coordinates, got {line!r}")
    faces = np.empty((nf, 3), dtype=np.int64)
    for i, (number, line) in enumerate(body[nv:nv + nf]):
        parts = line.split()
        try:
            k = int(parts[0])
            idx = [int(x) for x in parts[1:1 + k]]
        except (ValueError, IndexError):
            raise MeshError(f"{path}, line {number}: bad face {line!r}") from None
        if k != 3:
            raise MeshError(
                f"{path}, line {number}: face with {k} vertices; only triangles are supported "
                "(triangulate the polygons first, e.g. with meshio or your mesher)"
            )
        if len(idx) != 3:
            raise MeshError(f"{path}, line {number}: face announces 3 vertices, got {line!r}")
        faces[i] = idx
    if nf == 0:
        raise MeshError(f"{path}: the OFF file has no faces")
    if faces.min() < 0 or faces.max() >= nv:
        i = int(np.flatnonzero((faces < 0).any(1) | (faces >= nv).any(1))[0])
        raise MeshError(
            f"{path}: face {i} = {faces[i].tolist()} refers to a vertex outside [0, {nv - 1}]"
        )
    return vertices, faces


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
    for number, line in _meaningful_lines(path.read_text()):
        parts = line.split()
        tag = parts[0]
        if tag == "v":
            try:
                xyz = [float(x) for x in parts[1:4]]
            except ValueError:
                raise MeshError(f"{path}, line {number}: bad vertex {line!r}") from None
            if len(xyz) != 3:
                raise MeshError(f"{path}, line {number}: a vertex needs 3 coordinates: {line!r}")
            vertices.append(xyz)
        elif tag == "f":
            idx = [_obj_index(t, len(vertices), path, number) for t in parts[1:]]
            if len(idx) != 3:
                raise MeshError(
                    f"{path}, line {number}: face with {len(idx)} vertices; only triangles are "
                    "supported (triangulate the polygons first)"
                )
            faces.append(idx)
        elif tag in ("l", "p", "curv", "surf"):
            raise MeshError(
                f"{path}, line {number}: OBJ element {tag!r} is not supported; only triangle "
                "faces ('f') are read"
            )
        # vt, vn, g, o, s, usemtl, mtllib ...: not geometry we use
    if not faces:
        raise MeshError(f"{path}: the OBJ file has no triangle faces ('f' lines)")
    v = np.array(vertices, dtype=np.float64).reshape(-1, 3)
    f = np.array(faces, dtype=np.int64)
    if f.min() < 0 or f.max() >= v.shape[0]:
        i = int(np.flatnonzero((f < 0).any(1) | (f >= v.shape[0]).any(1))[0])
        raise MeshError(
            f"{path}: face {i} refers to a vertex outside 1..{v.shape[0]} (OBJ numbering)"
        )
    return v, f


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
    points = np.asarray(m.points, dtype=np.float64)
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
    if mesh.is_periodic:
        raise MeshError("a periodic (flat torus) mesh cannot be exported: file formats have "
                        "no notion of periods")
    if mesh.dim not in _MESHIO_CELLS:
        raise MeshError(f"meshio has no cell type for {mesh.dim}-simplices")
    meshio = _import_meshio("exporting to meshio")
    return meshio.Mesh(np.array(mesh.vertices), [(_MESHIO_CELLS[mesh.dim],
                                                   np.array(mesh.simplices))])


# ====================================================================== entry points
def read_mesh(path: str | os.PathLike, *, ambient_dim: int | None = None) -> Mesh:
    """Read a mesh file.

    ``.off`` and ``.obj`` (triangles only; comments and blank lines allowed; OBJ faces in the
    forms ``f 1 2 3``, ``f 1/4 2/5 3/6``, ``f 1//7 ...``, negative indices) are read natively;
    other extensions through meshio. Vertices used by no simplex are dropped (the others keep
    their order).

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
        Missing file, malformed content (the message gives the line), non-triangle faces,
        or meshio missing for a non-native format.
    """
    path = Path(path)
    if not path.is_file():
        raise MeshError(f"mesh file {str(path)!r} does not exist")
    suffix = _suffix(path)
    if suffix == ".off":
        v, s = _read_off(path)
    elif suffix == ".obj":
        v, s = _read_obj(path)
    else:
        meshio = _import_meshio(f"reading {suffix or 'extension-less'} files")
        try:
            m = meshio.read(str(path))
        except Exception as exc:  # meshio raises assorted types
            raise MeshError(f"meshio could not read {str(path)!r}: {exc}") from exc
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
        Periodic meshes, non-surface meshes for OFF/OBJ, or meshio missing.
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"write_mesh needs a weylgain Mesh; got {type(mesh).__name__}")
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".off":
        _write_off(mesh, path)
    elif suffix == ".obj":
        _write_obj(mesh, path)
    else:
        m = to_meshio(mesh)
        meshio = _import_meshio(f"writing {suffix or 'extension-less'} files")
        try:
            meshio.write(str(path), m)
        except Exception as exc:
            raise MeshError(f"meshio could not write {str(path)!r}: {exc}") from exc
