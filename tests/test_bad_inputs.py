"""The bad-input catalogue: every row is an input a user could give, the weylgain error type it
must raise and a fragment of the message. Run through the API and, for the command line,
through ``weylgain.cli.main`` (exit status 2, the message on stderr, no traceback) and a real
subprocess.

Rule: a new public function or option adds its rows here.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sps

import weylgain
from weylgain import Mesh, groups, invariant_meshes, learning, meshes, mpi, plotting, sweep
from weylgain import io as wio
from weylgain import resources as res
from weylgain.errors import (CountingError, EigenvalueError, FitError, GroupError, MatrixError,
                             MeshError, MeshWarning, NotInvariantError, ParameterError,
                             ResourceError, SpecError, WeylgainError)
from weylgain.fem import laplacian, simplex_quadrature
from weylgain.mesh import split_pinched, weld

TRI_V = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
TRI = np.array([[0, 1, 2]])
SQ_V = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
SQ = np.array([[0, 1, 2], [0, 2, 3]])
TET_V = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
TET_F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
SIMPLEX4_V = np.vstack([np.zeros(4), np.eye(4)])


def _off(vertices=TET_V, faces=TET_F, header=None, extra=""):
    nv, nf = (len(vertices), len(faces)) if header is None else header
    return ("OFF\n" + f"{nv} {nf} 0\n"
            + "".join(" ".join(repr(float(x)) for x in v) + "\n" for v in vertices)
            + "".join(f"{len(f)} " + " ".join(map(str, f)) + "\n" for f in faces) + extra)


def _obj(vertices=TET_V, faces=TET_F + 1, extra=""):
    return ("".join("v " + " ".join(repr(float(x)) for x in v) + "\n" for v in vertices)
            + "".join("f " + " ".join(map(str, f)) + "\n" for f in faces) + extra)


def _sliver():
    # relative volume 1e-9: a valid mesh, but its Gram determinant keeps no correct digit
    return Mesh(np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 1e-9]]), TRI)


def _unchecked(v, s):
    return Mesh(v, s, check=False)


QUARTER_TURN = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
_SO2_ALGEBRA = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # about z
_SO2_ALGEBRA_YZ = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # about x


def _rotation(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


@functools.lru_cache(maxsize=None)
def _shared_objects():
    """Inputs several rows share, built once (assembly compiles kernels: not at import)."""
    S = meshes.sphere(1)
    K, M = laplacian(S)
    big = meshes.sphere(3)  # 642 unknowns: beyond the dense route of eigenvalues
    Kb, Mb = laplacian(big)
    return {"S1": S, "K": K, "M": M, "Kb": Kb, "Mb": Mb, "QUARTER": QUARTER_TURN}


def _pencil():
    sh = _shared_objects()
    return sh["K"], sh["M"]


def _big_pencil():
    sh = _shared_objects()
    return sh["Kb"], sh["Mb"]


def _torus_kernel():
    from weylgain.learning import TorusKernel

    return TorusKernel(2, smoothness=2.0, max_level=8)


def _torus_data():
    from weylgain.learning import sample

    return sample(_torus_kernel(), 12, target=lambda x: np.cos(x[:, 0]), noise=0.1, seed=0)


# (id, function of tmp_path returning the call's result, error type, message fragment)
API_CASES = [
    # ------------------------------------------------------------ Mesh: arrays
    ("nan vertex", lambda p: Mesh([[0, np.nan], [1, 0], [0, 1]], TRI), MeshError, "non-finite"),
    ("inf vertex", lambda p: Mesh([[0, np.inf], [1, 0], [0, 1]], TRI), MeshError, "non-finite"),
    ("index too large", lambda p: Mesh(TRI_V, [[0, 1, 3]]), MeshError, "outside [0, 2]"),
    ("negative index", lambda p: Mesh(TRI_V, [[0, 1, -1]]), MeshError, "outside [0, 2]"),
    ("repeated index", lambda p: Mesh(TRI_V, [[0, 1, 1]]), MeshError, "repeats a vertex"),
    ("collinear exact", lambda p: Mesh([[0.0, 0], [1, 0], [2, 0]], TRI), MeshError,
     "degenerate"),
    ("collinear scanned", lambda p: Mesh([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]],
                                         TRI), MeshError, "degenerate"),
    ("numerically collinear", lambda p: Mesh([[0.0, 0], [1, 1e-13], [2, 0]], TRI), MeshError,
     "degenerate"),
    ("all vertices coincide", lambda p: Mesh([[1.0, 1], [1, 1], [1, 1]], TRI), MeshError,
     "degenerate"),
    ("flat tetrahedron", lambda p: Mesh([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]],
                                        [[0, 1, 2, 3]]), MeshError, "degenerate"),
    ("unused vertex", lambda p: Mesh(SQ_V, TRI), MeshError, "belongs to no simplex"),
    ("float simplices", lambda p: Mesh(TRI_V, TRI.astype(float)), MeshError, "integer array"),
    ("fractional simplices", lambda p: Mesh(TRI_V, [[0, 1, 1.5]]), MeshError,
     "non-integer"),
    ("complex vertices", lambda p: Mesh(TRI_V.astype(complex), TRI), MeshError, "real numeric"),
    ("string vertices", lambda p: Mesh([["a", "b"]] * 3, TRI), MeshError, "real numeric"),
    ("None vertices", lambda p: Mesh(None, TRI), MeshError, "real numeric"),
    ("bool vertices", lambda p: Mesh(TRI_V > 0, TRI), MeshError, "real numeric"),
    ("ragged vertices", lambda p: Mesh([[0, 0], [1, 0, 3], [0, 1]], TRI), MeshError,
     "rectangular"),
    ("ragged simplices", lambda p: Mesh(SQ_V, [[0, 1, 2], [0, 2]]), MeshError, "rectangular"),
    ("string simplices", lambda p: Mesh(TRI_V, [["0", "1", "2"]]), MeshError, "integer array"),
    ("1-d vertices", lambda p: Mesh(TRI_V.ravel(), TRI), MeshError, "shape (n, D)"),
    ("1-d simplices", lambda p: Mesh(TRI_V, TRI.ravel()), MeshError, "shape (m, k + 1)"),
    ("6-vertex simplices", lambda p: Mesh(np.eye(6), [[0, 1, 2, 3, 4, 5]]), MeshError,
     "2 to 5 vertices"),
    ("1-vertex simplices", lambda p: Mesh(TRI_V, [[0], [1], [2]]), MeshError, "2 to 5"),
    ("k > D", lambda p: Mesh(np.zeros((3, 1)), TRI), MeshError, "cannot be embedded"),
    ("huge unsigned index", lambda p: Mesh(TRI_V, np.array([[0, 1, 2**63 + 5]], np.uint64)),
     MeshError, "do not fit"),
    ("no vertices", lambda p: Mesh(np.zeros((0, 2)), np.zeros((0, 3), int)), MeshError,
     "at least one vertex"),
    ("no simplices", lambda p: Mesh(TRI_V, np.zeros((0, 3), int)), MeshError,
     "at least one vertex and one simplex"),
    # ------------------------------------------------------------ Mesh: repeated simplices
    ("triangle twice", lambda p: Mesh(TRI_V, [[0, 1, 2], [0, 1, 2]]), MeshError,
     "repeats simplex 0"),
    ("triangle twice reversed", lambda p: Mesh(TRI_V, [[0, 1, 2], [2, 1, 0]]), MeshError,
     "listed once"),
    ("edge twice", lambda p: Mesh([[0.0], [1.0], [2.0]], [[0, 1], [1, 2], [1, 0]]), MeshError,
     "repeats simplex"),
    ("tetrahedron twice", lambda p: Mesh(TET_V, [[0, 1, 2, 3], [3, 2, 1, 0]]), MeshError,
     "repeats simplex"),
    ("closed surface with a doubled face",
     lambda p: Mesh(TET_V, np.vstack([TET_F, TET_F[:1]])), MeshError, "repeats simplex"),
    # ------------------------------------------------------------ Mesh: topology, periods
    ("book of three pages",
     lambda p: Mesh([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]],
                    [[0, 1, 2], [0, 1, 3], [0, 1, 4]]), MeshError, "shared by 3"),
    ("half a period", lambda p: Mesh([[0.0, 0], [0.5, 0], [0, 0.3]], TRI, period=1.0),
     MeshError, "half a period"),
    ("negative period", lambda p: Mesh(TRI_V, TRI, period=[1.0, -1.0]), MeshError,
     "positive"),
    ("nan period", lambda p: Mesh(TRI_V, TRI, period=np.nan), MeshError, "positive"),
    ("period of wrong shape", lambda p: Mesh(TRI_V, TRI, period=[1.0, 2.0, 3.0]), MeshError,
     "shape (2,)"),
    ("string period", lambda p: Mesh(TRI_V, TRI, period="abc"), MeshError, "period must be"),
    # ------------------------------------------------------------ Mesh: scales
    ("triangle at 1e160", lambda p: Mesh(TRI_V * 1e160, TRI), MeshError, "Rescale the vertices"),
    ("triangle at 1e-160", lambda p: Mesh(TRI_V * 1e-160, TRI), MeshError,
     "outside the range"),
    ("4-simplex at 1e78", lambda p: Mesh(SIMPLEX4_V * 1e78, [[0, 1, 2, 3, 4]]), MeshError,
     "outside the range"),
    ("edges overflow", lambda p: Mesh([[-1e308, 0], [1e308, 0], [0, 1e308]], TRI), MeshError,
     "overflow"),
    # ------------------------------------------------------------ Mesh(check=False)
    ("unchecked index too large", lambda p: _unchecked(TRI_V, [[0, 1, 7]]), MeshError,
     "outside [0, 2]"),
    ("unchecked negative index", lambda p: _unchecked(TRI_V, [[-4, 1, 2]]), MeshError,
     "outside [0, 2]"),
    ("unchecked bad index, laplacian", lambda p: laplacian(_unchecked(SQ_V, [[0, 1, 9000]])),
     MeshError, "outside"),
    ("unchecked nan vertex, laplacian",
     lambda p: laplacian(_unchecked([[0, np.nan], [1, 0], [0, 1]], TRI)), MeshError,
     "non-finite"),
    ("unchecked degenerate, laplacian",
     lambda p: laplacian(_unchecked([[0.0, 0], [1, 0], [2, 0]], TRI)), MeshError,
     "too flat"),
    # ------------------------------------------------------------ mesh helpers
    ("renumbered non-permutation", lambda p: Mesh(SQ_V, SQ).renumbered([0, 0, 1, 2]),
     MeshError, "permutation"),
    ("renumbered wrong length", lambda p: Mesh(SQ_V, SQ).renumbered([0, 1]), MeshError,
     "permutation"),
    ("weld a non-mesh", lambda p: weld(TRI_V), MeshError, "needs a weylgain.Mesh"),
    ("weld negative tol", lambda p: weld(Mesh(SQ_V, SQ), -1.0), ParameterError, "tol"),
    ("weld nan tol", lambda p: weld(Mesh(SQ_V, SQ), np.nan), ParameterError, "tol"),
    ("weld collapsing everything", lambda p: weld(Mesh(SQ_V, SQ), 10.0), MeshError,
     "at least one"),
    ("split_pinched a non-mesh", lambda p: split_pinched(None), MeshError,
     "needs a weylgain.Mesh"),
    # ------------------------------------------------------------ laplacian
    ("laplacian of None", lambda p: laplacian(None), MeshError, "needs a weylgain.Mesh"),
    ("laplacian of arrays", lambda p: laplacian(TRI_V), MeshError, "needs a weylgain.Mesh"),
    ("quadrature degree text", lambda p: laplacian(meshes.sphere(0), quadrature_degree="abc"),
     ParameterError, "quadrature_degree must be an integer"),
    ("quadrature degree negative",
     lambda p: laplacian(meshes.sphere(0), quadrature_degree=-1), ParameterError, "from 0"),
    ("quadrature degree fractional",
     lambda p: laplacian(meshes.sphere(0), quadrature_degree=2.5), ParameterError, "integer"),
    ("quadrature degree bool",
     lambda p: laplacian(meshes.sphere(0), quadrature_degree=True), ParameterError, "integer"),
    ("quadrature degree huge",
     lambda p: laplacian(meshes.sphere(0), quadrature_degree=1000), ParameterError, "to 40"),
    ("lumped text", lambda p: laplacian(meshes.sphere(0), lumped="no"), ParameterError,
     "True or False"),
    ("lumped None", lambda p: laplacian(meshes.sphere(0), lumped=None), ParameterError,
     "True or False"),
    ("density wrong length", lambda p: laplacian(meshes.sphere(0), density=np.ones(3)),
     MeshError, "one value per simplex"),
    ("density negative", lambda p: laplacian(meshes.sphere(0), density=-np.ones(20)),
     MeshError, "non-negative"),
    ("density nan", lambda p: laplacian(meshes.sphere(0), density=np.full(20, np.nan)),
     MeshError, "non-finite"),
    ("density complex array",
     lambda p: laplacian(meshes.sphere(0), density=np.ones(20, complex)), MeshError,
     "real array"),
    ("density text", lambda p: laplacian(meshes.sphere(0), density="uniform"), MeshError,
     "callable or a real array"),
    ("density callable wrong shape",
     lambda p: laplacian(meshes.sphere(0), density=lambda x: np.ones(3)), MeshError,
     "one value per point"),
    ("density callable complex",
     lambda p: laplacian(meshes.sphere(0), density=lambda x: np.ones(len(x)) * 1j), MeshError,
     "real numbers"),
    ("density callable inf",
     lambda p: laplacian(meshes.sphere(0), density=lambda x: np.full(len(x), np.inf)),
     MeshError, "non-finite"),
    ("density vanishing on a simplex",
     lambda p: laplacian(meshes.sphere(0), density=np.r_[0.0, np.ones(19)]), MeshError,
     "vanishes"),
    ("sliver stiffness", lambda p: laplacian(_sliver()), MeshError, "too flat"),
    ("simplex_quadrature k=5", lambda p: simplex_quadrature(5), ParameterError, "1 to 4"),
    ("simplex_quadrature k text", lambda p: simplex_quadrature("2"), ParameterError, "integer k"),
    ("simplex_quadrature degree -1", lambda p: simplex_quadrature(2, -1), ParameterError,
     "degree"),
    # ------------------------------------------------------------ read_mesh: paths
    ("read None", lambda p: wio.read_mesh(None), MeshError, "str or path-like"),
    ("read a number", lambda p: wio.read_mesh(3.5), MeshError, "str or path-like"),
    ("read empty name", lambda p: wio.read_mesh(""), MeshError, "empty"),
    ("read missing", lambda p: wio.read_mesh(p / "nope.off"), MeshError, "does not exist"),
    ("read a directory", lambda p: wio.read_mesh(p), MeshError, "is a directory"),
    ("read a directory named .off",
     lambda p: wio.read_mesh(_mkdir(p / "x.off")), MeshError, "is a directory"),
    ("read ambient_dim text", lambda p: wio.read_mesh(_put(p, "a.off", _off()), ambient_dim="2"),
     MeshError, "ambient_dim must be an integer"),
    ("read ambient_dim 0", lambda p: wio.read_mesh(_put(p, "a.off", _off()), ambient_dim=0),
     MeshError, "between 1 and 3"),
    ("read ambient_dim dropping z", lambda p: wio.read_mesh(_put(p, "a.off", _off()),
                                                            ambient_dim=2),
     MeshError, "not all zero"),
    # ------------------------------------------------------------ read_mesh: OFF content
    ("off empty", lambda p: wio.read_mesh(_put(p, "a.off", "")), MeshError, "empty"),
    ("off comments only", lambda p: wio.read_mesh(_put(p, "a.off", "# nothing\n\n")),
     MeshError, "empty"),
    ("off bad header", lambda p: wio.read_mesh(_put(p, "a.off", "PLY\n1 1 0\n")), MeshError,
     "expected an 'OFF' header"),
    ("off 4OFF", lambda p: wio.read_mesh(_put(p, "a.off", "4OFF\n1 1 0\n")), MeshError,
     "not supported"),
    ("off binary header", lambda p: wio.read_mesh(_put(p, "a.off", "OFF BINARY\n")), MeshError,
     "binary OFF"),
    ("off no counts", lambda p: wio.read_mesh(_put(p, "a.off", "OFF\n")), MeshError,
     "missing the 'n_vertices"),
    ("off bad counts", lambda p: wio.read_mesh(_put(p, "a.off", "OFF\nfour four 0\n")),
     MeshError, "n_vertices n_faces"),
    ("off negative counts", lambda p: wio.read_mesh(_put(p, "a.off", "OFF\n-4 4 0\n")),
     MeshError, "negative counts"),
    ("off truncated", lambda p: wio.read_mesh(_put(p, "a.off", _off(header=(4, 9)))),
     MeshError, "truncated"),
    ("off announces fewer faces",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(header=(4, 3)))), MeshError,
     "more data lines"),
    ("off announces more vertices",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(header=(5, 3)))), MeshError,
     "more vertices than the file lists"),
    ("off announces fewer vertices",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(header=(3, 5)))), MeshError, "bad face"),
    ("off face index out of range",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(faces=[[0, 1, 7]]))), MeshError,
     "outside [0, 3]"),
    ("off bad coordinate",
     lambda p: wio.read_mesh(_put(p, "a.off", _off().replace("1.0 0.0 0.0", "1.0 zero 0.0"))),
     MeshError, "bad vertex coordinates"),
    ("off vertex with 2 numbers",
     lambda p: wio.read_mesh(_put(p, "a.off", _off().replace("1.0 0.0 0.0", "1.0 0.0"))),
     MeshError, "has 2 numbers"),
    ("off face of two vertices",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(faces=[[0, 1]]))), MeshError,
     "at least 3 vertices"),
    ("off face announcing 4 with 3 given",
     lambda p: wio.read_mesh(_put(p, "a.off", _off().replace("3 1 2 3", "4 1 2 3"))),
     MeshError, "announces 4"),
    ("off face with junk after indices",
     lambda p: wio.read_mesh(_put(p, "a.off", _off().replace("3 1 2 3", "3 1 2 3 9 9"))),
     MeshError, "more numbers"),
    ("off no faces", lambda p: wio.read_mesh(_put(p, "a.off", _off(faces=[]))), MeshError,
     "no faces"),
    ("off duplicate face",
     lambda p: wio.read_mesh(_put(p, "a.off", _off(faces=np.vstack([TET_F, TET_F[:1]])))),
     MeshError, "repeats simplex"),
    ("off collinear face",
     lambda p: wio.read_mesh(_put(p, "a.off", _off([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6],
                                                    [0.7, 0.8, 0.9]], [[0, 1, 2]]))),
     MeshError, "degenerate"),
    ("off non-utf8 in data", lambda p: wio.read_mesh(_put(p, "a.off", _off().encode().replace(
        b"1.0 0.0 0.0", b"1.0 \xe9 0.0"))), MeshError, "non-ASCII"),
    ("off binary bytes", lambda p: wio.read_mesh(_put(p, "a.off", b"OFF\n\x00\x01\x02\xff")),
     MeshError, "binary file"),
    ("off non-star polygon", lambda p: wio.read_mesh(_put(p, "a.off", _off(
        [[0.0, 0, 0], [2, 0, 0], [2, 2, 0], [1, 0.2, 0], [0, 2, 0], [1.0, 1.9, 0]],
        [[0, 1, 2, 3, 4, 5]]))), MeshError, "cannot be split"),
    ("off flat polygon", lambda p: wio.read_mesh(_put(p, "a.off", _off(
        [[0.0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]], [[0, 1, 2, 3]]))), MeshError,
     "cannot be split"),
    # ------------------------------------------------------------ read_mesh: OBJ content
    ("obj line element", lambda p: wio.read_mesh(_put(p, "a.obj", "v 0 0 0\nv 1 0 0\nl 1 2\n")),
     MeshError, "not supported"),
    ("obj no faces", lambda p: wio.read_mesh(_put(p, "a.obj", "v 0 0 0\nv 1 0 0\n")),
     MeshError, "no faces"),
    ("obj index 0", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(faces=TET_F))), MeshError,
     "start at 1"),
    ("obj index out of range", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(faces=[[1, 2, 9]]))),
     MeshError, "outside 1..4"),
    ("obj bad vertex", lambda p: wio.read_mesh(_put(p, "a.obj", "v 0 x 0\n")), MeshError,
     "bad vertex"),
    ("obj vertex of 2 coordinates", lambda p: wio.read_mesh(_put(p, "a.obj", "v 0 0\n")),
     MeshError, "3 coordinates"),
    ("obj bad face index", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(extra="f 1 a 2\n"))),
     MeshError, "bad face index"),
    ("obj face of two", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(extra="f 1 2\n"))),
     MeshError, "at least 3"),
    ("obj duplicate face", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(extra="f 1 3 2\n"))),
     MeshError, "repeats simplex"),
    ("obj non-utf8 in data", lambda p: wio.read_mesh(_put(p, "a.obj", b"v 0 0 \xff\n")),
     MeshError, "non-ASCII"),
    ("obj binary", lambda p: wio.read_mesh(_put(p, "a.obj", b"\x00\x00\x00\x00")), MeshError,
     "binary file"),
    ("obj collinear", lambda p: wio.read_mesh(_put(p, "a.obj", _obj(
        [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[1, 2, 3]]))), MeshError,
     "degenerate"),
    # ------------------------------------------------------------ meshio formats (real meshio)
    ("ply meshio cannot read", lambda p: wio.read_mesh(_put(p, "a.ply", b"ply\ngarbage\n")),
     MeshError, "meshio could not read"),
    ("stl meshio cannot read", lambda p: wio.read_mesh(_put(p, "a.stl", b"\x00" * 10)),
     MeshError, "meshio could not read"),
    ("unknown extension", lambda p: wio.read_mesh(_put(p, "a.xyz9", "1 2 3\n")), MeshError,
     "meshio could not read"),
    ("from_meshio of None", lambda p: wio.from_meshio(None), MeshError, "meshio points"),
    ("from_meshio without simplices", lambda p: wio.from_meshio(_FakeMeshio(
        TET_V, [("hexahedron", [[0, 1, 2, 3, 0, 1, 2, 3]])])), MeshError, "no simplicial cells"),
    # ------------------------------------------------------------ write_mesh
    ("write a non-mesh", lambda p: wio.write_mesh(TRI_V, p / "a.off"), MeshError,
     "needs a weylgain Mesh"),
    ("write to a missing directory", lambda p: wio.write_mesh(meshes.sphere(0),
                                                              p / "no" / "a.off"),
     MeshError, "does not exist"),
    ("write onto a directory", lambda p: wio.write_mesh(meshes.sphere(0), p), MeshError,
     "is a directory"),
    ("write under a file", lambda p: wio.write_mesh(meshes.sphere(0),
                                                    _put(p, "f", "x") / "a.off"),
     MeshError, "not a directory"),
    ("write to None", lambda p: wio.write_mesh(meshes.sphere(0), None), MeshError,
     "str or path-like"),
    ("write periodic", lambda p: wio.write_mesh(meshes.torus(2, 4), p / "t.off"), MeshError,
     "periodic"),
    ("write tetrahedra to obj", lambda p: wio.write_mesh(meshes.ball(0), p / "b.obj"),
     MeshError, "triangle surfaces"),
    ("write R^4 surface to off", lambda p: wio.write_mesh(Mesh(np.eye(4)[:3], TRI), p / "a.off"),
     MeshError, "R^4"),
    ("write 4-simplices to vtu", lambda p: wio.write_mesh(
        Mesh(SIMPLEX4_V, [[0, 1, 2, 3, 4]]), p / "a.vtu"), MeshError, "no cell type"),
    ("check_output_path directory", lambda p: wio.check_output_path(p), MeshError,
     "is a directory"),
    # ------------------------------------------------------------ resolution (mesh=), weyl_count
    ("count mesh= a spec string", lambda p: weylgain.count_eigenvalues(
        *laplacian(meshes.sphere(0)), 1.0, mesh="sphere:0"), ParameterError,
     "must be the weylgain.Mesh"),
    ("count mesh= negative edge", lambda p: weylgain.count_eigenvalues(
        *laplacian(meshes.sphere(0)), 1.0, mesh=-0.5), ParameterError, "positive finite"),
    ("count mesh= nan edge", lambda p: weylgain.count_eigenvalues(
        *laplacian(meshes.sphere(0)), 1.0, mesh=np.nan), ParameterError, "positive finite"),
    ("count mesh= an array", lambda p: weylgain.count_eigenvalues(
        *laplacian(meshes.sphere(0)), 1.0, mesh=np.ones(3)), ParameterError,
     "or its mean edge length"),
    ("counting_function mesh= True", lambda p: weylgain.counting_function(
        *laplacian(meshes.sphere(0)), [1.0], mesh=True), ParameterError,
     "must be the weylgain.Mesh"),
    ("counting_function mesh= zero edge", lambda p: weylgain.counting_function(
        *laplacian(meshes.sphere(0)), [1.0], mesh=0.0), ParameterError, "positive finite"),
    ("EigenCounter mesh= vertices", lambda p: weylgain.EigenCounter(
        *laplacian(meshes.sphere(0)), mesh=meshes.sphere(0).vertices), ParameterError,
     "must be the weylgain.Mesh"),
    ("EigenCounter mesh= inf edge", lambda p: weylgain.EigenCounter(
        *laplacian(meshes.sphere(0)), mesh=np.inf), ParameterError, "positive finite"),
    ("weyl_fit mesh= text", lambda p: weylgain.weyl_fit([1.0, 4.0, 9.0], [1, 4, 9],
                                                        mesh="fine"), ParameterError,
     "must be the weylgain.Mesh"),
    ("weyl_fit mesh= negative edge", lambda p: weylgain.weyl_fit([1.0, 4.0, 9.0], [1, 4, 9],
                                                                 mesh=-1), ParameterError,
     "positive finite"),
    ("resolution_at None", lambda p: weylgain.resolution_at(None, 1.0), ParameterError,
     "needs a mesh"),
    ("resolution_at lam nan", lambda p: weylgain.resolution_at(meshes.sphere(0), np.nan),
     ParameterError, "finite real number"),
    ("resolution_at lam text", lambda p: weylgain.resolution_at(0.1, "36"), ParameterError,
     "finite real number"),
    ("weyl_count negative lam", lambda p: weylgain.weyl_count(-1.0, 2, 4 * np.pi),
     ParameterError, "lam must be finite and >= 0"),
    ("weyl_count lam string", lambda p: weylgain.weyl_count("100", 2, 4 * np.pi),
     ParameterError, "got the string"),
    ("weyl_count lam None", lambda p: weylgain.weyl_count(None, 2, 4 * np.pi),
     ParameterError, "lam must be a real number"),
    ("weyl_count lam complex", lambda p: weylgain.weyl_count(100 + 1j, 2, 4 * np.pi),
     ParameterError, "lam must be a real number"),
    ("weyl_count lam ragged", lambda p: weylgain.weyl_count([[1.0], [1.0, 2.0]], 2, 1.0),
     ParameterError, "lam must be a real number"),
    ("weyl_count negative volume", lambda p: weylgain.weyl_count(10.0, 2, -1.0),
     ParameterError, "volume must be a positive"),
    ("weyl_count nan volume", lambda p: weylgain.weyl_count(10.0, 2, np.nan),
     ParameterError, "volume must be a positive"),
    ("weyl_count inf volume", lambda p: weylgain.weyl_count(10.0, 2, np.inf),
     ParameterError, "volume must be a positive"),
    ("weyl_count negative dimension", lambda p: weylgain.weyl_count(10.0, -2, 1.0),
     ParameterError, "dimension must be"),
    ("weyl_count nan dimension", lambda p: weylgain.weyl_count(10.0, np.nan, 1.0),
     ParameterError, "dimension must be"),
    ("weyl_count dimension text", lambda p: weylgain.weyl_count(10.0, "2", 1.0),
     ParameterError, "dimension must be a real number"),
    ("weyl_count huge dimension", lambda p: weylgain.weyl_count(10.0, 1000, 1.0),
     ParameterError, "too large"),
    ("weyl_count nan boundary", lambda p: weylgain.weyl_count(10.0, 2, 1.0, np.nan),
     ParameterError, "boundary_volume must be finite"),
    # ------------------------------------------------------------ resources
    ("mesh spec sphere:40", lambda p: meshes.from_spec("sphere:40"), ResourceError,
     "would need about"),
    ("mesh spec torus:4:100000", lambda p: meshes.from_spec("torus:4:100000"), ResourceError,
     "choose a coarser mesh"),
    ("mesh spec ball:25", lambda p: meshes.from_spec("ball:25"), ResourceError,
     "would need about"),
    ("mesh spec box:3:10000000", lambda p: meshes.from_spec("box:3:10000000"), ResourceError,
     "would need about"),
    ("mesh spec isphere huge", lambda p: meshes.from_spec("isphere:10000000000000:C3"),
     ResourceError, "would need about"),
    ("check_memory of a petabyte", lambda p: res.check_memory(
        res.MemoryEstimate("a test", 1e18), "do less"), ResourceError, "do less"),
    ("mesh_size of an unknown kind", lambda p: res.mesh_size("cube", 3), ParameterError,
     "unknown mesh kind"),
    ("generator sphere(40)", lambda p: meshes.sphere(40), ResourceError,
     "the mesh sphere:40"),
    ("generator sphere(10**6)", lambda p: meshes.sphere(10**6), ResourceError,
     "more than 1e308 bytes"),
    ("generator octahedral sphere(40)", lambda p: meshes.sphere(40, base="octahedron"),
     ResourceError, "would need about"),
    ("generator box(3, 100000)", lambda p: meshes.box(3, 100000), ResourceError,
     "choose a coarser mesh"),
    ("generator torus(4, 100000)", lambda p: meshes.torus(4, 100000), ResourceError,
     "would need about"),
    ("generator ball(30)", lambda p: meshes.ball(30), ResourceError, "would need about"),
    ("generator sphere3(20)", lambda p: meshes.sphere3(20), ResourceError, "would need about"),
    ("generator hemisphere(40)", lambda p: meshes.hemisphere(40), ResourceError,
     "the mesh hemisphere:40"),
    ("generator disk(40)", lambda p: meshes.disk(40), ResourceError, "the mesh disk:40"),
    ("generator interval(10**13)", lambda p: meshes.interval(10**13), ResourceError,
     "would need about"),
    ("generator circle(10**13)", lambda p: meshes.circle(10**13), ResourceError,
     "would need about"),
    ("generator invariant_sphere huge", lambda p: invariant_meshes.invariant_sphere(
        "C5", n_vertices=10**14), ResourceError, "would need about"),
    ("mesh spec torus of dimension 1e9", lambda p: meshes.from_spec("torus:1000000000:3"),
     MeshError, "dim must be 1 to 4"),
    ("check_factorization_memory of a petabyte", lambda p: res.check_factorization_memory(
        res.MemoryEstimate("the factorization of K - sigma M", 1e18)), ResourceError,
     "docs/scale.md"),
    # ------------------------------------------------------------ counts: K, M, lam
    ("count complex Hermitian K", lambda p: weylgain.count_eigenvalues(
        sps.csr_matrix(np.array([[1.0, 1j], [-1j, 1.0]])), sps.identity(2), 0.5), MatrixError,
     "real"),
    ("count K not square", lambda p: weylgain.count_eigenvalues(
        sps.csr_matrix(np.ones((2, 3))), sps.identity(2), 1.0), MatrixError, "square"),
    ("count K and M of other shapes", lambda p: weylgain.count_eigenvalues(
        sps.identity(3), sps.identity(2), 1.0), MatrixError, "same shape"),
    ("count K not symmetric", lambda p: weylgain.count_eigenvalues(
        sps.csr_matrix(np.array([[1.0, 2.0], [0.0, 1.0]])), sps.identity(2), 1.0), MatrixError,
     "symmetric"),
    ("count M not positive", lambda p: weylgain.count_eigenvalues(
        sps.identity(2), -sps.identity(2), 1.0), MatrixError, "positive definite"),
    ("count K with nan", lambda p: weylgain.count_eigenvalues(
        sps.diags([1.0, np.nan]), sps.identity(2), 1.0), MatrixError, "non-finite"),
    ("count K a list of text", lambda p: weylgain.count_eigenvalues([["a"]], sps.identity(1),
                                                                    1.0),
     MatrixError, "must be a real"),
    ("count K None", lambda p: weylgain.count_eigenvalues(None, sps.identity(1), 1.0),
     MatrixError, "matrix"),
    ("count K empty", lambda p: weylgain.count_eigenvalues(
        sps.csr_matrix((0, 0)), sps.csr_matrix((0, 0)), 1.0), MatrixError, "empty"),
    ("count lam text", lambda p: weylgain.count_eigenvalues(*_pencil(), "abc"), CountingError,
     "lam must be"),
    ("EigenCounter.count lam text", lambda p: weylgain.EigenCounter(*_pencil()).count("abc"),
     CountingError, "lam must be"),
    ("EigenCounter.count_result lam None",
     lambda p: weylgain.EigenCounter(*_pencil()).count_result(None), CountingError,
     "lam must be"),
    ("count K ragged lists", lambda p: weylgain.count_eigenvalues([[1.0, 0.0], [1.0]],
                                                                  sps.identity(2), 1.0),
     MatrixError, "rectangular"),
    ("count lam None", lambda p: weylgain.count_eigenvalues(*_pencil(), None), CountingError,
     "lam must be"),
    ("count lam an array", lambda p: weylgain.count_eigenvalues(*_pencil(), np.array([1.0, 2.0])),
     CountingError, "lam must be"),
    ("count lam complex", lambda p: weylgain.count_eigenvalues(*_pencil(), 1 + 2j),
     CountingError, "lam must be"),
    ("count lam nan", lambda p: weylgain.count_eigenvalues(*_pencil(), np.nan), CountingError,
     "finite"),
    ("count unknown backend", lambda p: weylgain.count_eigenvalues(*_pencil(), 1.0,
                                                                   backend="fastest"),
     SpecError, "backend"),
    ("count backend a number", lambda p: weylgain.count_eigenvalues(*_pencil(), 1.0, backend=3),
     SpecError, "backend must be a name"),
    ("counting_function lams empty", lambda p: weylgain.counting_function(*_pencil(), []),
     CountingError, "non-empty"),
    ("counting_function lams 2-d", lambda p: weylgain.counting_function(*_pencil(),
                                                                        [[1.0], [2.0]]),
     CountingError, "1-d"),
    ("counting_function lams inf", lambda p: weylgain.counting_function(*_pencil(), [1, np.inf]),
     CountingError, "finite"),
    ("counting_function lams text", lambda p: weylgain.counting_function(*_pencil(), ["a"]),
     CountingError, "lams must be"),
    ("EigenCounter of arrays", lambda p: weylgain.EigenCounter(np.eye(2), "M"), MatrixError,
     "matrix"),
    ("EigenCounter unknown backend", lambda p: weylgain.EigenCounter(*_pencil(),
                                                                     backend="gpu"),
     SpecError, "backend"),
    ("eigenvalues k 0", lambda p: weylgain.eigenvalues(*_pencil(), 0), EigenvalueError,
     "k must be an integer"),
    ("eigenvalues k too large", lambda p: weylgain.eigenvalues(*_pencil(), 10**6),
     EigenvalueError, "k must be an integer"),
    ("eigenvalues k text", lambda p: weylgain.eigenvalues(*_pencil(), "3"), EigenvalueError,
     "k must be an integer"),
    ("eigenvalues k float", lambda p: weylgain.eigenvalues(*_pencil(), 3.0), EigenvalueError,
     "k must be an integer"),
    ("eigenvalues sigma nan", lambda p: weylgain.eigenvalues(*_big_pencil(), 3, sigma=np.nan),
     EigenvalueError, "sigma"),
    ("eigenvalues sigma inf", lambda p: weylgain.eigenvalues(*_big_pencil(), 3, sigma=np.inf),
     EigenvalueError, "sigma"),
    ("eigenvalues sigma text", lambda p: weylgain.eigenvalues(*_big_pencil(), 3, sigma="low"),
     EigenvalueError, "sigma"),
    # ------------------------------------------------------------ Weyl's law
    ("weyl_fit lengths differ", lambda p: weylgain.weyl_fit([1.0, 2.0, 3.0], [1.0, 2.0]),
     FitError, "differ in length"),
    ("weyl_fit too few points", lambda p: weylgain.weyl_fit([1.0, 2.0], [1.0, 2.0]), FitError,
     "at least 3"),
    ("weyl_fit nan count", lambda p: weylgain.weyl_fit([1.0, 2.0, 3.0], [1.0, np.nan, 3.0]),
     FitError, "finite"),
    ("weyl_fit repeated lam", lambda p: weylgain.weyl_fit([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]),
     FitError, "distinct"),
    ("weyl_fit negative dimension", lambda p: weylgain.weyl_fit([1.0, 2.0, 4.0], [1.0, 2.0, 4.0],
                                                                dimension=-2),
     FitError, "dimension must be a positive finite number"),
    ("weyl_fit text", lambda p: weylgain.weyl_fit(["a", "b", "c"], [1, 2, 3]), FitError,
     "numbers"),
    # ------------------------------------------------------------ groups
    ("AffineMap not orthogonal", lambda p: weylgain.AffineMap(np.diag([2.0, 1, 1]), np.zeros(3)),
     GroupError, "not orthogonal"),
    ("AffineMap nan", lambda p: weylgain.AffineMap(np.eye(2) * np.nan, np.zeros(2)), GroupError,
     "finite"),
    ("AffineMap not square", lambda p: weylgain.AffineMap(np.ones((2, 3)), np.zeros(2)),
     GroupError, "square"),
    ("AffineMap translation of another size", lambda p: weylgain.AffineMap(np.eye(3),
                                                                           np.zeros(2)),
     GroupError, "translation must have shape (3,)"),
    ("AffineMap text", lambda p: weylgain.AffineMap("rotate", np.zeros(3)), GroupError,
     "matrix"),
    ("FiniteGroup of a matrix", lambda p: weylgain.FiniteGroup("G", (np.eye(3),), 3),
     GroupError, "not an AffineMap"),
    ("FiniteGroup of another dimension", lambda p: weylgain.FiniteGroup(
        "G", (weylgain.AffineMap(np.eye(2), np.zeros(2)),), 3), GroupError, "acts on R^2"),
    ("from_generators wrong order", lambda p: weylgain.from_generators(QUARTER_TURN[None],
                                                                       order=3),
     GroupError, "given order 3"),
    ("from_generators order 0", lambda p: weylgain.from_generators(QUARTER_TURN[None], order=0),
     GroupError, "positive integer"),
    ("from_generators not orthogonal", lambda p: weylgain.from_generators(
        np.diag([2.0, 1, 1])[None]), GroupError, "not orthogonal"),
    ("from_generators text", lambda p: weylgain.from_generators("C4"), GroupError, "matri"),
    ("from_generators translations of another shape", lambda p: weylgain.from_generators(
        QUARTER_TURN[None], np.zeros((1, 2))), GroupError, "translation"),
    ("ContinuousGroup unknown family", lambda p: weylgain.ContinuousGroup("G", "spin", 1, 3),
     GroupError, "family"),
    ("lie_group not skew", lambda p: weylgain.lie_group(np.eye(3)[None]), GroupError,
     "skew-symmetric"),
    ("lie_group zero matrix", lambda p: weylgain.lie_group(np.zeros((1, 3, 3))), GroupError,
     "is zero"),
    ("lie_group dependent", lambda p: weylgain.lie_group(np.stack([_SO2_ALGEBRA, 2 * _SO2_ALGEBRA])),
     GroupError, "linearly dependent"),
    ("lie_group wrong shape", lambda p: weylgain.lie_group(np.ones((1, 2, 3))), GroupError,
     "shape (k, D, D)"),
    ("lie_group not closed", lambda p: weylgain.lie_group(np.stack([_SO2_ALGEBRA,
                                                                    _SO2_ALGEBRA_YZ])),
     GroupError, "not in the span"),
    ("lie_group generator not orthogonal", lambda p: weylgain.lie_group(
        _SO2_ALGEBRA[None], generators=np.diag([2.0, 1, 1])[None]), GroupError,
     "not orthogonal"),
    ("lie_group text", lambda p: weylgain.lie_group("so(3)"), GroupError, "shape"),
    ("LieGroup direct, not skew", lambda p: weylgain.LieGroup("G", np.eye(3)[None],
                                                              np.zeros((0, 3, 3))),
     GroupError, "skew-symmetric"),
    ("subtorus non-integer", lambda p: weylgain.subtorus([[0.5, 0.0]]), GroupError,
     "integer vectors"),
    ("subtorus dependent", lambda p: weylgain.subtorus([[1, 0], [2, 0]]), GroupError,
     "linearly dependent"),
    ("subtorus zero", lambda p: weylgain.subtorus([[0, 0]]), GroupError, "linearly dependent"),
    ("subtorus wrong shape", lambda p: weylgain.subtorus([[[1]]]), GroupError, "shape (m, D)"),
    ("subtorus bad generator", lambda p: weylgain.subtorus([[1, 0]], generators=[np.eye(3)]),
     GroupError, "affine generator 0"),
    ("TorusGroup direct, dependent", lambda p: weylgain.TorusGroup("T", np.array([[1, 0], [2, 0]])),
     GroupError, "linearly dependent"),
    ("diagonal copies 0", lambda p: weylgain.diagonal(groups.named("SO(3)", dim=3), 0),
     GroupError, "copies must be a positive integer"),
    ("diagonal copies text", lambda p: weylgain.diagonal(groups.named("SO(3)", dim=3), "two"),
     GroupError, "copies must be"),
    ("diagonal of a number", lambda p: weylgain.diagonal(3, 2), GroupError,
     "expected a weylgain group"),
    ("on_factor index out of range", lambda p: weylgain.on_factor(groups.named("SO(3)", dim=3),
                                                                  5, 2),
     GroupError, "out of range"),
    ("on_factor copies 0", lambda p: weylgain.on_factor(groups.named("SO(3)", dim=3), 0, 0),
     GroupError, "copies"),
    ("on_factor of a spec string", lambda p: weylgain.on_factor("SO(3)", 0, 2), GroupError,
     "expected a weylgain group"),
    ("permute_factors not a permutation", lambda p: weylgain.permute_factors(
        3, 3, generators=[[0, 0, 1]]), GroupError, "not a permutation"),
    ("permute_factors copies 0", lambda p: weylgain.permute_factors(0, 3), GroupError,
     "copies"),
    ("combine different dimensions", lambda p: weylgain.combine(
        weylgain.diagonal(groups.named("SO(3)", dim=3), 2),
        weylgain.diagonal(groups.named("SO(3)", dim=3), 3)), GroupError, "same space"),
    ("combine a number", lambda p: weylgain.combine(3, "SO(3)"), GroupError,
     "expected a weylgain group"),
    ("load_group_file missing", lambda p: weylgain.load_group_file(p / "nope.json"), SpecError,
     "cannot read the group file"),
    ("load_group_file a directory", lambda p: weylgain.load_group_file(p), SpecError,
     "cannot read the group file"),
    ("load_group_file not JSON", lambda p: weylgain.load_group_file(_put(p, "g.json", "{x")),
     SpecError, "not valid JSON"),
    ("load_group_file no manifold", lambda p: weylgain.load_group_file(
        _put(p, "g.json", '{"generators": [[[1, 0], [0, 1]]]}')), SpecError, "'manifold'"),
    ("load_group_file binary", lambda p: weylgain.load_group_file(
        _put(p, "g.json", b"\xff\xfe\x00")), SpecError, "group file"),
    ("load_group_file None", lambda p: weylgain.load_group_file(None), SpecError, "group file"),
    ("named unknown", lambda p: groups.named("C4x"), SpecError, "unknown"),
    ("named dim text", lambda p: groups.named("C4", dim="3"), SpecError, "dim"),
    ("named None", lambda p: groups.named(None), SpecError, "spec"),
    ("resolve unknown", lambda p: groups.resolve("nosuch", "S2"), SpecError, "unknown"),
    ("group_from_dict a list", lambda p: groups.group_from_dict([1]), SpecError,
     "must be a dict"),
    ("group_from_dict unknown kind", lambda p: groups.group_from_dict({"kind": "blob"}),
     SpecError, "unknown kind"),
    ("group_to_dict of a string", lambda p: groups.group_to_dict("C4"), GroupError,
     "not a weylgain group"),
    # ------------------------------------------------------------ quotients
    ("quotient of arrays", lambda p: weylgain.quotient(TRI_V, "C2"), GroupError,
     "needs a weylgain.Mesh"),
    ("quotient by a string", lambda p: weylgain.quotient(meshes.sphere(0), "C2"), GroupError,
     "needs a FiniteGroup or ContinuousGroup (see weylgain.groups.named)"),
    ("quotient by a group that does not map the mesh", lambda p: weylgain.quotient(
        meshes.sphere(0), weylgain.from_generators(_rotation(2 * np.pi / 7)[None])),
     NotInvariantError, "not invariant"),
    ("quotient tol negative", lambda p: weylgain.quotient(meshes.sphere(0), "C2", tol=-1.0),
     ParameterError, "tol"),
    ("quotient tol nan", lambda p: weylgain.quotient(meshes.sphere(0), "C2", tol=np.nan),
     ParameterError, "tol"),
    ("quotient resolution text", lambda p: weylgain.quotient(meshes.sphere(1), "SO(2)",
                                                             resolution="fine"),
     ParameterError, "resolution"),
    ("quotient resolution 0", lambda p: weylgain.quotient(meshes.sphere(1), "SO(2)",
                                                          resolution=0),
     ParameterError, "resolution"),
    # ------------------------------------------------------------ exact counts
    ("exact unknown manifold", lambda p: weylgain.exact_counts("X9", "C4", 10.0), SpecError,
     "manifold"),
    ("exact unknown group", lambda p: weylgain.exact_counts("S2", "C4x", 10.0), SpecError,
     "unknown"),
    ("exact lam text", lambda p: weylgain.exact_counts("S2", "C4", "abc"), SpecError,
     "lam must be a real number"),
    ("exact lam nan", lambda p: weylgain.exact_counts("S2", "C4", np.nan), SpecError,
     "lam must be finite"),
    ("exact count_at beyond the cut-off", lambda p: weylgain.exact_counts(
        "S2", "I", 10.0).count_at(20.0), SpecError, "beyond the computed cut-off"),
    ("exact S2 C4 at 1e30", lambda p: weylgain.exact_counts("S2", "C4", 1e30), ResourceError,
     "would need"),
    ("exact T2 signs2 at 1e12", lambda p: weylgain.exact_counts("T2", "signs2", 1e12),
     ResourceError, "would need"),
    ("exact radius negative", lambda p: weylgain.exact_counts("S2", "C4", 10.0, radius=-1.0),
     SpecError, "radius"),
    ("exact radius nan", lambda p: weylgain.exact_counts("S2", "C4", 10.0, radius=np.nan),
     SpecError, "radius"),
    ("exact length 0", lambda p: weylgain.exact_counts("T2", "signs2", 10.0, length=0.0),
     SpecError, "length"),
    ("exact group of another dimension", lambda p: weylgain.exact_counts(
        "S2", np.eye(2)[None], 10.0), GroupError, "R^"),
    ("exact non-orthogonal matrices", lambda p: weylgain.exact_counts(
        "S2", np.diag([2.0, 1, 1])[None], 10.0), GroupError, "orthogonal"),
    ("sphere_invariant_dimensions negative degree", lambda p: weylgain.sphere_invariant_dimensions(
        "C4", -1), SpecError, "max_degree"),
    ("sphere_invariant_dimensions degree text", lambda p: weylgain.sphere_invariant_dimensions(
        "C4", "ten"), SpecError, "max_degree"),
    ("sphere_invariant_dimensions huge", lambda p: weylgain.sphere_invariant_dimensions(
        "C4", 10**15), ResourceError, "would need"),
    ("sphere_invariant_count lam nan", lambda p: weylgain.sphere_invariant_count("C4", np.nan),
     SpecError, "finite"),
    ("sphere_invariant_count radius 0", lambda p: weylgain.sphere_invariant_count(
        "C4", 10.0, radius=0.0), SpecError, "radius"),
    ("sphere_invariant_count of a spec string", lambda p: weylgain.sphere_invariant_count(
        "I", 10.0), SpecError, "weylgain.groups.named('I', dim=D)"),
    ("sphere_invariant_count max_order 1", lambda p: weylgain.sphere_invariant_count(
        groups.named("I", dim=3), 10.0, max_order=1), GroupError, "order"),
    ("sphere_invariant_spectrum matrices of text", lambda p: weylgain.sphere_invariant_spectrum(
        [[["a"]]], 10.0), GroupError, "real (g, D, D)"),
    ("torus_invariant_count length negative", lambda p: weylgain.torus_invariant_count(
        "signs2", 10.0, -1.0), SpecError, "length"),
    ("torus_invariant_count lam text", lambda p: weylgain.torus_invariant_count("signs2", "x"),
     SpecError, "lam"),
    ("torus_invariant_count of a spec string", lambda p: weylgain.torus_invariant_count(
        "signs2", 1e14), SpecError, "weylgain.groups.named"),
    ("torus_invariant_count huge", lambda p: weylgain.torus_invariant_count(
        -np.eye(2)[None], 1e14), ResourceError, "would need"),
    ("torus_invariant_spectrum rotation", lambda p: weylgain.torus_invariant_spectrum(
        _rotation(2 * np.pi / 3)[:2, :2][None], 10.0), GroupError, "signed permutation"),
    ("torus_invariant_spectrum translations of another shape",
     lambda p: weylgain.torus_invariant_spectrum(-np.eye(2)[None], 10.0,
                                                 translations=np.zeros((1, 3))),
     GroupError, "translation"),
    # ------------------------------------------------------------ gain
    ("predict_gain unknown manifold", lambda p: weylgain.predict_gain("X9", "C4"), SpecError,
     "manifold"),
    ("predict_gain unknown group", lambda p: weylgain.predict_gain("S2", "C4x"), SpecError,
     "unknown"),
    ("predict_gain s below d/2", lambda p: weylgain.predict_gain("S2", "C4", s=0.5), SpecError,
     "must exceed d/2"),
    ("predict_gain s text", lambda p: weylgain.predict_gain("S2", "C4", s="smooth"), SpecError,
     "s must be a positive"),
    ("predict_gain eps negative", lambda p: weylgain.predict_gain("S2", "C4", eps=-1.0),
     SpecError, "eps must be a positive"),
    ("predict_gain n inf", lambda p: weylgain.predict_gain("S2", "C4", n=np.inf), SpecError,
     "n must be a positive"),
    ("predict_gain sigma 0", lambda p: weylgain.predict_gain("S2", "C4", sigma=0.0), SpecError,
     "sigma must be a positive"),
    ("predict_gain group that does not act", lambda p: weylgain.predict_gain("T2", "SO(3)"),
     GroupError, "does not act on it"),
    ("predict_gain manifold None", lambda p: weylgain.predict_gain(None, "C4"), SpecError,
     "manifold"),
    ("measure_gain n_points 3", lambda p: weylgain.measure_gain("S2", "C4", n_points=3),
     SpecError, "n_points must be at least 4"),
    ("measure_gain n_points text", lambda p: weylgain.measure_gain("S2", "C4", n_points="ten"),
     SpecError, "n_points must be an integer"),
    ("measure_gain level negative", lambda p: weylgain.measure_gain("S2", "C4", level=-1),
     SpecError, "level must be at least 0"),
    ("measure_gain level text", lambda p: weylgain.measure_gain("S2", "C4", level="fine"),
     SpecError, "level must be an integer"),
    ("measure_gain lam_max_h2 nan", lambda p: weylgain.measure_gain("S2", "C4",
                                                                    lam_max_h2=np.nan),
     SpecError, "lam_max_h2"),
    ("measure_gain lam_max_h2 negative", lambda p: weylgain.measure_gain("S2", "C4",
                                                                         lam_max_h2=-1),
     SpecError, "lam_max_h2"),
    ("measure_gain min_count 0", lambda p: weylgain.measure_gain("S2", "C4", min_count=0),
     SpecError, "min_count"),
    ("measure_gain target_count text", lambda p: weylgain.measure_gain("S2", "C4",
                                                                       target_count="many"),
     SpecError, "target_count"),
    ("measure_gain unknown group", lambda p: weylgain.measure_gain("S2", "C4x"), SpecError,
     "unknown"),
    # ------------------------------------------------------------ learning
    ("SphereKernel smoothness 0", lambda p: weylgain.SphereKernel(2, 0.0), ParameterError,
     "smoothness"),
    ("SphereKernel dim 0", lambda p: weylgain.SphereKernel(0), WeylgainError,
     "sphere dimension must be a positive integer"),
    ("SphereKernel max_degree text", lambda p: weylgain.SphereKernel(2, 1.5, "x"),
     ParameterError, "max_degree"),
    ("TorusKernel smoothness nan", lambda p: weylgain.TorusKernel(2, np.nan), ParameterError,
     "smoothness"),
    ("TorusKernel period negative", lambda p: weylgain.TorusKernel(2, 2.0, 8, period=-1.0),
     WeylgainError, "period must be positive"),
    ("TorusKernel max_level huge", lambda p: weylgain.TorusKernel(2, 2.0, 10**9),
     ResourceError, "would need"),
    ("MeshKernel of arrays", lambda p: weylgain.MeshKernel(TRI_V), MeshError, "Mesh"),
    ("MeshKernel n_eigenpairs 0", lambda p: weylgain.MeshKernel(meshes.sphere(1),
                                                                n_eigenpairs=0),
     ParameterError, "n_eigenpairs"),
    ("fit_krr X of another length", lambda p: weylgain.fit_krr(np.zeros((5, 2)), np.zeros(4),
                                                               _torus_kernel()),
     WeylgainError, "y shape (n,)"),
    ("fit_krr y nan", lambda p: weylgain.fit_krr(np.zeros((3, 2)), np.array([0.0, np.nan, 1]),
                                                 _torus_kernel()),
     ParameterError, "finite"),
    ("fit_krr ridge negative", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                          ridge=-1.0),
     WeylgainError, "ridge must be positive"),
    ("fit_krr ridge unknown rule", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                              ridge="best"),
     WeylgainError, "ridge must be a positive number or one of"),
    ("fit_krr unknown invariance", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                              invariance="magic"),
     WeylgainError, "invariance"),
    ("fit_krr average without a group", lambda p: weylgain.fit_krr(
        *_torus_data(), _torus_kernel(), invariance="average"), WeylgainError, "group"),
    ("fit_krr X of the wrong dimension", lambda p: weylgain.fit_krr(
        np.zeros((3, 5)), np.zeros(3), _torus_kernel()), WeylgainError, "X must have shape"),
    ("learning_curve one sample size", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", n_values=(8,), seeds=1, show_progress=False),
     WeylgainError, "n_values"),
    ("learning_curve seeds 0", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", n_values=(8, 16), seeds=0, show_progress=False),
     WeylgainError, "seeds"),
    ("learning_curve unknown method", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", methods=("magic",), show_progress=False),
     WeylgainError, "unknown method"),
    ("learning_curve noise negative", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", noise=-1.0, show_progress=False), ParameterError,
     "noise"),
    ("learning_curve n_values text", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", n_values=("a", "b"), show_progress=False),
     WeylgainError, "n_values"),
    # ------------------------------------------------------------ mesh generators
    ("interval n 1", lambda p: meshes.interval(1), MeshError, "at least 2"),
    ("interval length negative", lambda p: meshes.interval(4, -1.0), MeshError, "length"),
    ("circle n 2", lambda p: meshes.circle(2), MeshError, "at least 3"),
    ("circle radius nan", lambda p: meshes.circle(8, np.nan), MeshError, "radius"),
    ("torus dim 5", lambda p: meshes.torus(5, 4), MeshError, "dim must be 1 to 4"),
    ("torus n text", lambda p: meshes.torus(2, "four"), MeshError, "integer"),
    ("torus unknown triangulation", lambda p: meshes.torus(2, 4, triangulation="hex"),
     MeshError, "triangulation"),
    ("box length of another size", lambda p: meshes.box(2, 4, length=[1.0, 2.0, 3.0]),
     MeshError, "length"),
    ("box n 0", lambda p: meshes.box(2, 0), MeshError, "n"),
    ("sphere negative subdivisions", lambda p: meshes.sphere(-1), MeshError, "subdivisions"),
    ("sphere unknown base", lambda p: meshes.sphere(1, base="cube"), MeshError, "base"),
    ("sphere3 radius 0", lambda p: meshes.sphere3(1, 0.0), MeshError, "radius"),
    ("hemisphere bad base", lambda p: meshes.hemisphere(1, base="cube"), MeshError, "base"),
    ("disk subdivisions text", lambda p: meshes.disk("2"), MeshError, "subdivisions"),
    ("from_spec None", lambda p: meshes.from_spec(None), SpecError, "spec"),
    ("invariant_sphere unknown group", lambda p: invariant_meshes.invariant_sphere("C4x"), SpecError,
     "unknown"),
    ("invariant_sphere continuous group", lambda p: invariant_meshes.invariant_sphere("SO(2)"),
     MeshError, "continuous group"),
    ("invariant_sphere too few vertices", lambda p: invariant_meshes.invariant_sphere("C4", 3),
     MeshError, "n_vertices"),
    ("mesh_quality of a tetrahedral mesh", lambda p: invariant_meshes.mesh_quality(meshes.ball(0)),
     MeshError, "triangle"),
    ("mesh_quality of arrays", lambda p: invariant_meshes.mesh_quality(TRI_V), MeshError, "Mesh"),
    # ------------------------------------------------------------ meshio bridges
    ("to_meshio of arrays", lambda p: wio.to_meshio(TRI_V), MeshError, "Mesh"),
    ("to_meshio periodic", lambda p: wio.to_meshio(meshes.torus(2, 4)), MeshError, "periodic"),
    # ------------------------------------------------------------ plotting (path checked first)
    ("plot to a missing folder", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], 2, 1.0, path=p / "no" / "a.png"), SpecError, "does not exist"),
    ("plot onto a directory", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], 2, 1.0, path=p), SpecError, "is a directory"),
    ("plot to an unknown format", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], 2, 1.0, path=p / "a.xyz"), SpecError, "not a picture format"),
    ("plot to a number", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], 2, 1.0, path=3.5), SpecError, "file name"),
    ("plot counts of text", lambda p: plotting.plot_counting_function(
        ["a", "b"], [1, 2], 2, 1.0), SpecError, "real numbers"),
    ("plot counts of another length", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1], 2, 1.0), SpecError, "one length"),
    ("plot counts nan", lambda p: plotting.plot_counting_function(
        [1.0, np.nan], [1, 2], 2, 1.0), SpecError, "finite"),
    ("plot dimension nan", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], np.nan, 1.0), SpecError, "dimension must be"),
    ("plot volume negative", lambda p: plotting.plot_counting_function(
        [1.0, 2.0], [1, 2], 2, -1.0, path=p / "a.png"), ParameterError, "volume"),
    ("plot no panels", lambda p: plotting.plot_counting_functions([], path=p / "a.png"),
     SpecError, "at least one panel"),
    ("plot panels to a directory", lambda p: plotting.plot_counting_functions(
        [dict(lams=[1.0], counts=[1], dimension=2, volume=1.0)], path=p), SpecError,
     "is a directory"),
    ("plot_exact_counts of None", lambda p: plotting.plot_exact_counts(None, path=p / "a.png"),
     SpecError, "an ExactCounts"),
    ("plot_gain of a dict", lambda p: plotting.plot_gain({}, path=p / "a.png"), SpecError,
     "a GainReport"),
    ("plot_gain n_range reversed", lambda p: plotting.plot_gain(
        weylgain.predict_gain("T2", "mirror"), n_range=(1e6, 10), path=p / "a.png"), SpecError,
     "n_range"),
    ("plot_gain n_range text", lambda p: plotting.plot_gain(
        weylgain.predict_gain("T2", "mirror"), n_range="abc", path=p / "a.png"), SpecError,
     "n_range"),
    ("plot_gain eps_range negative", lambda p: plotting.plot_gain(
        weylgain.predict_gain("T2", "mirror"), eps_range=(-1, 1), path=p / "a.png"), SpecError,
     "eps_range"),
    ("plot_learning_curve of None", lambda p: plotting.plot_learning_curve(
        None, path=p / "a.png"), SpecError, "a LearningCurve"),
    ("plot_learning_curve to a directory", lambda p: plotting.plot_learning_curve(
        None, path=p), SpecError, "is a directory"),
    ("plot_quotient_mesh bad color_by", lambda p: plotting.plot_quotient_mesh(
        meshes.sphere(0), "C2", color_by="rainbow"), SpecError, "color_by"),
    ("plot_quotient_mesh without a group", lambda p: plotting.plot_quotient_mesh(
        meshes.sphere(0)), SpecError, "needs a group"),
    ("plot_quotient_mesh continuous group", lambda p: plotting.plot_quotient_mesh(
        meshes.sphere(1), "SO(2)"), GroupError, "continuous"),
    ("plot_quotient_mesh of a ball", lambda p: plotting.plot_quotient_mesh(
        meshes.ball(0), "C2"), MeshError, "at most 3"),
    ("plot_quotient_mesh to a missing folder", lambda p: plotting.plot_quotient_mesh(
        meshes.sphere(0), "C2", path=p / "no" / "q.png"), SpecError, "does not exist"),
    ("orbit_colors wrong length", lambda p: plotting.orbit_colors(meshes.sphere(0), [0, 1]),
     MeshError, "one entry per vertex"),
    ("orbit_color_indices negative", lambda p: plotting.orbit_color_indices(
        meshes.sphere(0), -np.ones(12, int)), MeshError, "non-negative"),
    # ------------------------------------------------------------ sweep: tasks
    ("CountTask empty mesh", lambda p: sweep.CountTask("", (1.0,)), SpecError, "non-empty"),
    ("CountTask lams text", lambda p: sweep.CountTask("sphere:1", "abc"), SpecError,
     "sequence of numbers"),
    ("CountTask lams empty", lambda p: sweep.CountTask("sphere:1", ()), SpecError, "non-empty"),
    ("CountTask lams nan", lambda p: sweep.CountTask("sphere:1", (np.nan,)), SpecError,
     "finite"),
    ("CountTask lumped text", lambda p: sweep.CountTask("sphere:1", (1.0,), lumped="no"),
     SpecError, "True or False"),
    ("ExactTask radius negative", lambda p: sweep.ExactTask("S2", "C4", 10.0, radius=-1.0),
     SpecError, "radius must be a finite positive"),
    ("ExactTask length text", lambda p: sweep.ExactTask("T2", "signs2", 10.0, length="x"),
     SpecError, "length must be a number"),
    ("ExactTask lam inf", lambda p: sweep.ExactTask("S2", "C4", np.inf), SpecError, "finite"),
    ("GainTask level text", lambda p: sweep.GainTask("S2", "C4", level="abc"), SpecError,
     "level must be an integer"),
    ("GainTask n_points 0", lambda p: sweep.GainTask("S2", "C4", n_points=0), SpecError,
     "at least 1"),
    ("GainTask lam_max_h2 nan", lambda p: sweep.GainTask("S2", "C4", lam_max_h2=np.nan),
     SpecError, "lam_max_h2"),
    ("LearnTask seeds 0", lambda p: sweep.LearnTask("T2", "signs2", seeds=0), SpecError,
     "seeds must be at least 1"),
    ("LearnTask n_values text", lambda p: sweep.LearnTask("T2", "signs2", n_values="abc"),
     SpecError, "n_values"),
    ("LearnTask noise negative", lambda p: sweep.LearnTask("T2", "signs2", noise=-1.0),
     SpecError, "noise"),
    ("LearnTask ridge nan", lambda p: sweep.LearnTask("T2", "signs2", ridge=np.nan),
     SpecError, "ridge"),
    ("LearnTask n_test 2.5", lambda p: sweep.LearnTask("T2", "signs2", n_test=2.5), SpecError,
     "n_test must be an integer"),
    ("LearnTask domain None", lambda p: sweep.LearnTask(None, "signs2"), SpecError,
     "non-empty string"),
    ("count_tasks per_task 0", lambda p: sweep.count_tasks("sphere:1", [1.0], per_task=0),
     SpecError, "per_task must be at least 1"),
    ("count_tasks per_task text", lambda p: sweep.count_tasks("sphere:1", [1.0],
                                                              per_task="four"),
     SpecError, "per_task must be an integer"),
    ("count_tasks lams None", lambda p: sweep.count_tasks("sphere:1", None), SpecError,
     "finite"),
    ("learning_seeds of a number", lambda p: sweep.learning_seeds("T2", "signs2", 3),
     SpecError, "iterable"),
    ("task_from_dict no kind", lambda p: sweep.task_from_dict({"mesh": "sphere:1"}), SpecError,
     "'kind'"),
    ("task_from_dict unknown kind", lambda p: sweep.task_from_dict({"kind": "paint"}),
     SpecError, "unknown task kind"),
    ("task_from_dict unknown field", lambda p: sweep.task_from_dict(
        {"kind": "count", "mesh": "sphere:1", "lams": [1], "colour": 1}), SpecError,
     "bad fields"),
    ("task_from_dict bad value", lambda p: sweep.task_from_dict(
        {"kind": "gain", "manifold": "S2", "group": "C4", "level": "x"}), SpecError,
     "level must be an integer"),
    # ------------------------------------------------------------ sweep: run
    ("sweep of a number", lambda p: sweep.run(3, output=None), SpecError, "iterable"),
    ("sweep of a non-task", lambda p: sweep.run([object()], output=None), SpecError,
     "a sweep task must be"),
    ("sweep workers 0", lambda p: sweep.run([], workers=0, output=None), SpecError,
     "workers must be a positive integer"),
    ("sweep workers text", lambda p: sweep.run([], workers="2", output=None), SpecError,
     "workers must be"),
    ("sweep scheduler number", lambda p: sweep.run([], scheduler=8786, output=None), SpecError,
     "scheduler must be"),
    ("sweep retries negative", lambda p: sweep.run([], retries=-1, output=None), SpecError,
     "retries must be at least 0"),
    ("sweep output a directory", lambda p: sweep.run([], output=p), SpecError,
     "is a directory"),
    ("sweep output in a missing folder", lambda p: sweep.run([], output=p / "no" / "r.jsonl"),
     SpecError, "does not exist"),
    ("sweep output under a file", lambda p: sweep.run([], output=_put(p, "f", "x") / "r.jsonl"),
     SpecError, "does not exist"),
    ("sweep output empty", lambda p: sweep.run([], output=""), SpecError, "non-empty"),
    ("sweep output a number", lambda p: sweep.run([], output=3), SpecError, "file name"),
    ("sweep of an unknown mesh", lambda p: sweep.run([sweep.CountTask("nosuch:3", (1.0,))],
                                                     output=None, progress=False),
     SpecError, "unknown mesh kind"),
    # ------------------------------------------------------------ mpi
    ("count_distributed lams text", lambda p: mpi.count_distributed("sphere:1", "abc"),
     SpecError, "finite numbers"),
    ("count_distributed lams empty", lambda p: mpi.count_distributed("sphere:1", []),
     SpecError, "non-empty"),
    ("count_distributed lams nan", lambda p: mpi.count_distributed("sphere:1", [np.nan]),
     SpecError, "finite numbers"),
    ("count_distributed mesh None", lambda p: mpi.count_distributed(None, [1.0]), SpecError,
     "mesh must be a mesh spec"),
    # ------------------------------------------------------------ found by fuzzing every option
    ("weyl_fit dimension text", lambda p: weylgain.weyl_fit([1.0, 2.0, 4.0], [1, 2, 4],
                                                            dimension="two"),
     FitError, "dimension must be a positive finite number"),
    ("weyl_fit dimension inf", lambda p: weylgain.weyl_fit([1.0, 2.0, 4.0], [1, 2, 4],
                                                           dimension=np.inf),
     FitError, "dimension must be a positive finite number"),
    ("exact radius text", lambda p: weylgain.exact_counts("S2", "C4", 10.0, radius="one"),
     SpecError, "radius must be a positive finite number"),
    ("exact radius inf", lambda p: weylgain.exact_counts("S2", "C4", 10.0, radius=np.inf),
     SpecError, "radius must be a positive finite number"),
    ("sphere_invariant_count dim text", lambda p: weylgain.sphere_invariant_count(
        groups.named("C4", dim=3), 10.0, dim="three"), SpecError, "dim must be an integer"),
    ("sphere_invariant_count max_order text", lambda p: weylgain.sphere_invariant_count(
        groups.named("C4", dim=3), 10.0, max_order="many"), SpecError,
     "max_order must be an integer"),
    ("sphere_invariant_count group a number", lambda p: weylgain.sphere_invariant_count(
        3.5, 10.0), GroupError, "generator matrices"),
    ("sphere_invariant_dimensions dim nan", lambda p: weylgain.sphere_invariant_dimensions(
        groups.named("C4", dim=3), 4, dim=np.nan), SpecError, "dim must be an integer"),
    ("torus_invariant_count length text", lambda p: weylgain.torus_invariant_count(
        -np.eye(2)[None], 10.0, "2pi"), SpecError, "length must be a positive finite number"),
    ("torus_invariant_spectrum dim 2.5", lambda p: weylgain.torus_invariant_spectrum(
        -np.eye(2)[None], 10.0, dim=2.5), SpecError, "dim must be an integer"),
    ("on_factor index text", lambda p: weylgain.on_factor(groups.named("SO(3)", dim=3), "first",
                                                          2),
     GroupError, "index must be an integer"),
    ("on_factor copies huge", lambda p: weylgain.on_factor(groups.named("SO(3)", dim=3), 0,
                                                           10**12),
     GroupError, "factors weylgain builds matrices for"),
    ("diagonal copies huge", lambda p: weylgain.diagonal(groups.named("SO(3)", dim=3), 10**12),
     GroupError, "factors weylgain builds matrices for"),
    ("permute_factors generators of text", lambda p: weylgain.permute_factors(
        3, 3, generators=["abc"]), GroupError, "lists of integers"),
    ("permute_factors factor_ambient 0", lambda p: weylgain.permute_factors(3, 0), GroupError,
     "factor_ambient must be a positive integer"),
    ("named dim huge", lambda p: groups.named("C4", dim=10**12), SpecError,
     "ambient dimensions"),
    ("subtorus generators a number", lambda p: weylgain.subtorus([[1, 0]], generators=3),
     GroupError, "generators must be a sequence"),
    ("from_generators translations text", lambda p: weylgain.from_generators(
        QUARTER_TURN[None], "half"), GroupError, "translations must be real numbers"),
    ("weld tol text", lambda p: weld(Mesh(SQ_V, SQ), "small"), ParameterError, "tol"),
    ("sample from None", lambda p: learning.sample(None, 10), ParameterError,
     "needs a domain"),
    ("sample n 0", lambda p: learning.sample(_torus_kernel(), 0), ParameterError,
     "n must be at least 1"),
    ("sample n text", lambda p: learning.sample(_torus_kernel(), "ten"), ParameterError,
     "n must be an integer"),
    ("sample n huge", lambda p: learning.sample(_torus_kernel(), 10**14), ResourceError,
     "would need"),
    ("sample target not callable", lambda p: learning.sample(_torus_kernel(), 5, target=3.0),
     ParameterError, "target must be a function"),
    ("sample target of the wrong shape", lambda p: learning.sample(
        _torus_kernel(), 5, target=lambda x: x), ParameterError, "one value per point"),
    ("sample seed negative", lambda p: learning.sample(_torus_kernel(), 5, seed=-1),
     ParameterError, "seed must be"),
    ("random_target of None", lambda p: learning.random_target(None), ParameterError,
     "needs a kernel"),
    ("random_target smoothness nan", lambda p: learning.random_target(_torus_kernel(), np.nan),
     ParameterError, "smoothness must be a positive finite number"),
    ("random_target norm negative", lambda p: learning.random_target(_torus_kernel(), norm=-1),
     ParameterError, "norm must be a finite number >= 0"),
    ("random_target seed text", lambda p: learning.random_target(_torus_kernel(), seed="x"),
     ParameterError, "seed must be"),
    ("fit_krr ridge text", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                      ridge=[1e-3]),
     WeylgainError, "ridge must be positive"),
    ("fit_krr ridge_grid empty", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                            ridge_grid=[]),
     ParameterError, "ridge_grid must be a non-empty"),
    ("fit_krr ridge_grid negative", lambda p: weylgain.fit_krr(*_torus_data(), _torus_kernel(),
                                                               ridge_grid=[-1.0, 1.0]),
     ParameterError, "ridge_grid must be"),
    ("fit_krr not a kernel", lambda p: weylgain.fit_krr(*_torus_data(), "torus"),
     ParameterError, "needs a kernel"),
    ("SphereKernel smoothness text", lambda p: weylgain.SphereKernel(2, "smooth"),
     ParameterError, "smoothness must be a positive finite number"),
    ("SphereKernel max_degree huge", lambda p: weylgain.SphereKernel(2, 1.5, 10**12),
     ResourceError, "would need"),
    ("TorusKernel max_level text", lambda p: weylgain.TorusKernel(2, 2.0, "eight"),
     ParameterError, "max_level must be an integer"),
    ("MeshKernel cluster_tol 2", lambda p: weylgain.MeshKernel(meshes.sphere(1),
                                                               cluster_tol=2.0),
     ParameterError, "cluster_tol"),
    ("orbit_colors of None", lambda p: plotting.orbit_colors(None, [0]), MeshError,
     "need a weylgain.Mesh"),
    ("orbit_colors labels of text", lambda p: plotting.orbit_colors(meshes.sphere(0),
                                                                    ["a"] * 12),
     MeshError, "integer orbit labels"),
    ("orbit_colors fractional labels", lambda p: plotting.orbit_color_indices(
        meshes.sphere(0), np.full(12, 0.5)), MeshError, "integer orbit labels"),
    ("plot panels of numbers", lambda p: plotting.plot_counting_functions([1, 2]), SpecError,
     "panel 0 must be a dict"),
    ("plot panel missing keys", lambda p: plotting.plot_counting_functions(
        [dict(lams=[1.0], counts=[1])]), SpecError, "missing ['dimension', 'volume']"),
    ("plot panels a number", lambda p: plotting.plot_counting_functions(3), SpecError,
     "sequence of dicts"),
    ("TorusKernel period text", lambda p: weylgain.TorusKernel(2, 2.0, 8, period="2pi"),
     WeylgainError, "torus period must be positive"),
    ("TorusKernel dim huge", lambda p: weylgain.TorusKernel(10**6, 2.0, 8), WeylgainError,
     "beyond the 64 dimensions"),
    ("SphereKernel dim huge", lambda p: weylgain.SphereKernel(10**6), WeylgainError,
     "beyond the 64 dimensions"),
    ("density ragged", lambda p: laplacian(meshes.sphere(0), density=[[1.0], [1.0, 2.0]]),
     MeshError, "one value per simplex"),
    ("subtorus ragged", lambda p: weylgain.subtorus([[1, 0], [1]]), GroupError,
     "integer vectors"),
    ("random_target norm None", lambda p: learning.random_target(_torus_kernel(), norm=None),
     ParameterError, "norm must be a finite number"),
    ("torus_invariant_count dim huge", lambda p: weylgain.torus_invariant_count(
        None, 10.0, dim=10**12), SpecError, "beyond the 10000 dimensions"),
    ("sweep client not a client", lambda p: sweep.run([sweep.CountTask("sphere:1", (1.0,))],
                                                      client="local", output=None),
     SpecError, "client must be a dask.distributed Client"),
    ("sweep workers a million", lambda p: sweep.run([], workers=10**6, output=None), SpecError,
     "far more than this machine's"),
    ("plot into a string ax", lambda p: plotting.plot_counting_function([1.0, 2.0], [1, 2], 2,
                                                                        1.0, ax="left"),
     SpecError, "draws into matplotlib Axes"),
    ("plot_gain into numbers", lambda p: plotting.plot_gain(weylgain.predict_gain("T2", "mirror"),
                                                            axes=[1, 2]),
     SpecError, "draws into matplotlib Axes"),
    ("plot_quotient_mesh into a string", lambda p: plotting.plot_quotient_mesh(
        meshes.sphere(0), "C2", ax="left"), SpecError, "draws into a matplotlib Axes"),
    ("count_distributed comm a string", lambda p: mpi.count_distributed("sphere:1", [1.0],
                                                                        comm="world"),
     SpecError, "comm must be an mpi4py communicator"),
    ("learning_curve methods a number", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", methods=3, show_progress=False), ParameterError,
     "methods must be a sequence"),
    ("learning_curve no methods", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", methods=(), show_progress=False), ParameterError,
     "at least one"),
    ("learning_curve n_test huge", lambda p: weylgain.learning_curve(
        _torus_kernel(), np.cos, "signs2", n_test=10**13, show_progress=False), ResourceError,
     "would need"),
    ("measure_gain n_points huge", lambda p: weylgain.measure_gain("S2", "C4", n_points=10**12),
     SpecError, "far more than a fit needs"),
    ("as_catalogue a spec string", lambda p: groups.as_catalogue("SO(3)"), GroupError,
     "resolve a spec string first"),
    ("effective_regularization negative eigenvalue", lambda p: learning.effective_regularization(
        [-1.0], [1], 10, 1e-3), ParameterError, "eigenvalues must be positive"),
    ("predicted_risk energies of the wrong length", lambda p: learning.predicted_risk(
        [1.0, 0.5], [1, 2], [1.0], 0.3, 10, 1e-3), ParameterError, "target_energy must be 2"),
    ("learning_spectrum of None", lambda p: learning.learning_spectrum(None, "C4"),
     ParameterError, "needs a kernel"),
    ("predict_learning_curve n 0", lambda p: learning.predict_learning_curve(
        "S2", "C4", [0, 10]), ParameterError, "n_values"),
    ("kernel_for RP2", lambda p: learning.kernel_for("RP2"), SpecError, "spectral kernel"),
    ("action_for unknown group", lambda p: learning.action_for(
        "nosuch", learning.kernel_for("S2", max_modes=50)), SpecError, "unknown group spec"),
    ("measure_curves of None", lambda p: learning.measure_curves(None, None, "signs2"),
     ParameterError, "needs a kernel"),
    ("ProductSphereKernel copies 0", lambda p: learning.ProductSphereKernel(2, 0),
     ParameterError, "copies >= 1"),
    ("predict_gain noise without n or eps", lambda p: weylgain.predict_gain(
        "S2", "C4", noise=0.3), SpecError, "need a sample size n or a risk eps"),
]


class _FakeMeshio:  # an object shaped like a meshio.Mesh, for from_meshio's own checks
    def __init__(self, points, cells):
        import types

        self.points = np.asarray(points)
        self.cells = [types.SimpleNamespace(type=t, data=np.asarray(d)) for t, d in cells]


def _put(folder, name, content):
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def _mkdir(path):
    path.mkdir()
    return path


@pytest.mark.parametrize("case", API_CASES, ids=[c[0] for c in API_CASES])
def test_api_bad_input(case, tmp_path):
    _, call, error, fragment = case[:4]  # a 5th element names the row's target (see below)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MeshWarning)  # a refusal, not a warning, is expected
        with pytest.raises(error) as info:
            call(tmp_path)
    assert isinstance(info.value, WeylgainError)
    assert fragment in str(info.value), str(info.value)


# ====================================================================== command line
CLI_CASES = [
    (["count", "--mesh", "sphere:40"], "would need about"),
    (["count", "--mesh", "torus:4:100000", "--lam", "10"], "would need about"),
    (["count", "--mesh", "box:3:100000"], "would need about"),
    (["count", "--mesh", "sphere:1000000"], "more than 1e308 bytes"),
    (["count", "--mesh", "isphere:100000000000000:C5"], "would need about"),
    (["count", "--mesh", "nosuch:3"], "unknown mesh kind"),
    (["count", "--mesh", "sphere:x"], "expected an integer"),
    (["count", "--mesh", "sphere"], "needs 1 integer"),
    (["count", "--mesh", "sphere:2:cube"], "unexpected field"),
    (["count", "--mesh", "sphere:2:-1"], "positive number"),
    (["count", "--mesh", "torus:2:2"], "n >= 3"),
    (["count", "--mesh", "torus:5:4"], "dim must be 1 to 4"),
    (["count", "--mesh", "torus:2:5:mirrored"], "even n"),
    (["count", "--mesh", "box:2:4:mirrored"], "odd n"),
    (["count", "--mesh", "circle:2"], "at least 3"),
    (["count", "--mesh", "interval:1"], "at least 2"),
    (["count", "--mesh", ""], "non-empty"),
    (["count", "--mesh", "sphere:1", "--lam", "-1"], "--lam must be"),
    (["count", "--mesh", "sphere:1", "--lam", "nan"], "--lam must be"),
    (["count", "--mesh", "sphere:1", "--lam", "inf"], "--lam must be"),
    (["count", "--mesh", "file:{tmp}/nope.off"], "does not exist"),
    (["count", "--mesh", "{tmp}/nope.off"], "does not exist"),
    (["count", "--mesh", "file:{tmp}"], "is a directory"),
    (["count", "--mesh", "{tmp}/bad_header.off"], "more data lines"),
    (["count", "--mesh", "{tmp}/twice.off"], "repeats simplex"),
    (["count", "--mesh", "{tmp}/latin1.off"], "non-ASCII"),
    (["count", "--mesh", "{tmp}/collinear.obj"], "degenerate"),
    (["count", "--mesh", "{tmp}/garbage.ply"], "meshio could not read"),
    # count: the other options
    (["count", "--mesh", "sphere:1", "--group", "nosuch"], "unknown"),
    (["count", "--mesh", "sphere:1", "--lam", "1", "--mpi", "--group", "C2"],
     "cannot be combined"),
    (["count", "--mesh", "sphere:1", "--lam", "1", "--mpi", "--backend", "superlu"],
     "cannot be combined"),
    (["count", "--mesh", "sphere:1", "--plot", "{tmp}/a.txt"], "not a picture format"),
    (["count", "--mesh", "sphere:1", "--plot", "{tmp}"], "is a directory"),
    (["count", "--mesh", "sphere:1", "--plot", "{tmp}/no/a.png"], "does not exist"),
    (["count", "--mesh", "sphere:1", "--plot-mesh", "{tmp}/m.png"], "give --group too"),
    (["count", "--mesh", "sphere:1", "--group", "C2", "--plot-mesh", "{tmp}"], "is a directory"),
    (["count", "--mesh", "sphere:1", "--plot", "{tmp}/a.png", "--plot-points", "0"],
     "--plot-points must be at least 1"),
    # exact
    (["exact", "S2", "nosuch", "--lam", "10"], "unknown"),
    (["exact", "X9", "C4", "--lam", "10"], "manifold"),
    (["exact", "S2", "--lam", "10"], "give a manifold and a group"),
    (["exact", "S2", "C4", "--lam", "nan"], "lam must be finite"),
    (["exact", "S2", "C4", "--lam", "1e30"], "would need"),
    (["exact", "T2", "signs2", "--lam", "1e12"], "would need"),
    (["count", "--mesh", "sphere:1", "--group", ""], "--group is empty"),
    (["learn", "--group", " "], "--group is empty"),
    (["exact", "S2", "C4", "--lam", "1e300"], "would need"),
    (["exact", "S2", "C4", "--lam", "10", "--radius", "1e300"], "beyond floating point"),
    (["exact", "S2", "C4", "--lam", "10", "--radius", "-1"], "radius"),
    (["exact", "T2", "signs2", "--lam", "10", "--length", "0"], "length"),
    (["exact", "S2", "C4", "--lam", "10", "--plot", "{tmp}/no/e.png"], "does not exist"),
    (["exact", "--group-file", "{tmp}/nope.json", "--lam", "10"], "nope.json"),
    (["exact", "S2", "C4", "--group-file", "{tmp}/g.json", "--lam", "10"], "not both"),
    # gain (status 3: the group does not act on the manifold)
    (["gain", "S2", "nosuch"], "unknown"),
    (["gain", "X9", "C4"], "manifold"),
    (["gain", "S2", "C4", "--s", "0.5"], "must exceed d/2"),
    (["gain", "S2", "C4", "--s", "nan"], "s must be a positive"),
    (["gain", "S2", "C4", "--eps", "-1"], "eps must be a positive"),
    (["gain", "S2", "C4", "--n", "0"], "n must be a positive"),
    (["gain", "S2", "C4", "--sigma", "inf"], "sigma must be a positive"),
    (["gain", "S2", "C4", "--plot", "{tmp}/a.gif"], "not a picture format"),
    (["gain", "--group-file", "{tmp}/nope.json"], "nope.json"),
    (["gain", "T2", "SO(3)"], "does not act on it", 3),
    (["gain", "T12", "B12", "--measure"], "--measure: measure_gain cannot count", 4),
    (["gain", "T7", "Perm(7)", "--measure", "--route", "mesh"], "no mesh of T7", 2),
    # learn
    (["learn", "--group", "nosuch"], "unknown"),
    (["learn", "--n", "1"], "n_values"),
    (["learn", "--seeds", "0"], "seeds must be"),
    (["learn", "--noise", "-1"], "noise must be"),
    (["learn", "--noise", "nan"], "noise must be"),
    (["learn", "--seed", "-1"], "seed"),
    (["learn", "--ridge", "oracle", "--risk", "noise-averaged"], "runs with --ridge theory"),
    (["learn", "--plot", "{tmp}/no/l.png"], "does not exist"),
    # sweep (the default --output sweep.jsonl would land in the test's folder)
    (["sweep"], "nothing to sweep"),
    (["sweep", "--mesh", "sphere:1"], "needs thresholds"),
    (["sweep", "--lam", "10"], "need --mesh"),
    (["sweep", "--group", "C2"], "need --mesh"),
    (["sweep", "--mesh", "sphere:1", "--lams", "1:2"], "START:STOP:NUM"),
    (["sweep", "--mesh", "sphere:1", "--lams", "1:2:0"], "NUM >= 1"),
    (["sweep", "--mesh", "sphere:1", "--lams", "a:b:c"], "START:STOP:NUM"),
    (["sweep", "--mesh", "sphere:1", "--lam", "nan"], "finite"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--per-task", "0"], "per_task"),
    (["sweep", "--tasks", "{tmp}/nope.json"], "cannot read the task file"),
    (["sweep", "--tasks", "{tmp}/g.json"], "must hold a JSON list"),
    (["sweep", "--tasks", "{tmp}/latin1.off"], "cannot read the task file"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--workers", "0"], "workers must be"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--scheduler", " "], "scheduler must be"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--output", "{tmp}"], "is a directory"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--output", "{tmp}/no/r.jsonl"],
     "does not exist"),
    (["sweep", "--mesh", "nosuch:3", "--lam", "1", "--output", "{tmp}/r.jsonl"],
     "unknown mesh kind"),
    (["learn", "--manifold", "K3"], "K3"),
    (["learn", "--manifold", "RP2", "--group", "C2"], "spectral kernel"),
    (["learn", "--group-file", "{tmp}/nope.json"], "nope.json"),
    (["gain", "S2", "C4", "--n", "100", "--noise", "-1"], "noise must be a finite number"),
    (["gain", "S2", "C4", "--noise", "0.3"], "need a sample size n or a risk eps"),
]


@pytest.fixture
def cli_files(tmp_path):
    _put(tmp_path, "bad_header.off", _off(header=(4, 3)))
    _put(tmp_path, "twice.off", _off(faces=np.vstack([TET_F, TET_F[:1]])))
    _put(tmp_path, "latin1.off", _off().encode().replace(b"0.0 1.0 0.0", b"0.0 1.0 \xe9"))
    _put(tmp_path, "collinear.obj", _obj([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]],
                                         [[1, 2, 3]]))
    _put(tmp_path, "garbage.ply", b"ply\nformat nonsense\n")
    _put(tmp_path, "g.json", '{"manifold": "S2"}')
    return tmp_path


@pytest.mark.parametrize("case", CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_bad_input(case, cli_files, capsys, monkeypatch):
    from weylgain.cli import main

    argv, fragment = case[:2]
    status_expected = case[2] if len(case) > 2 else 2  # 3: a group that does not act
    monkeypatch.chdir(cli_files)  # a default output file (sweep.jsonl) would land here
    argv = [a.replace("{tmp}", str(cli_files)) for a in argv]
    status = main(argv)
    err = capsys.readouterr().err
    assert status == status_expected, err
    assert err.startswith("weylgain: error: ") and fragment in err, err
    assert "Traceback" not in err


# values argparse itself refuses (wrong type, not among the choices): exit status 2 and
# argparse's usage message, before any weylgain code runs
ARGPARSE_CASES = [
    (["count", "--mesh", "sphere:1", "--lam", "abc"], "invalid float value"),
    (["count", "--mesh", "sphere:1", "--backend", "fastest"], "invalid choice"),
    (["count", "--mesh", "sphere:1", "--plot-points", "many"], "invalid int value"),
    (["exact", "S2", "C4"], "--lam"),
    (["exact", "S2", "C4", "--lam", "ten"], "invalid float value"),
    (["exact", "S2", "C4", "--lam", "10", "--radius", "one"], "invalid float value"),
    (["gain", "S2", "C4", "--s", "smooth"], "invalid float value"),
    (["learn", "--ridge", "best"], "invalid choice"),
    (["learn", "--n", "16", "x"], "invalid int value"),
    (["learn", "--seeds", "1.5"], "invalid int value"),
    (["sweep", "--mesh", "sphere:1", "--lam", "x"], "invalid float value"),
    (["sweep", "--mesh", "sphere:1", "--lam", "1", "--workers", "two"], "invalid int value"),
    (["nosuch"], "invalid choice"),
]


@pytest.mark.parametrize("argv, fragment", ARGPARSE_CASES,
                         ids=[" ".join(c[0]) for c in ARGPARSE_CASES])
def test_cli_argparse_refuses(argv, fragment, capsys):
    from weylgain.cli import main

    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and fragment in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, fragment", [
    (["count", "--mesh", "sphere:40"], "would need about"),
    (["count", "--mesh", "{tmp}/latin1.off"], "non-ASCII"),
    (["count", "--mesh", "{tmp}/garbage.ply"], "meshio could not read"),
])
def test_cli_bad_input_in_a_real_process(argv, fragment, cli_files):
    argv = [a.replace("{tmp}", str(cli_files)) for a in argv]
    proc = subprocess.run([sys.executable, "-m", "weylgain", *argv], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr and "Traceback" not in proc.stderr


def test_catalogue_is_large():
    assert len(API_CASES) + len(CLI_CASES) + len(ARGPARSE_CASES) >= 150


# ====================================================================== nothing is modified
def _snapshot(a):
    return a.copy(), a.flags.writeable, a.flags.c_contiguous, a.flags.f_contiguous, a.dtype


def _same(a, snap):
    values, writeable, c, f, dtype = snap
    return (np.array_equal(a, values, equal_nan=True) and a.flags.writeable == writeable
            and a.flags.c_contiguous == c and a.flags.f_contiguous == f and a.dtype == dtype)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_user_arrays_are_never_modified(order, dtype, tmp_path):
    base = meshes.sphere(1)
    v = np.array(base.vertices * (10 if dtype == np.int32 else 1), dtype=dtype, order=order)
    s = np.array(base.simplices, dtype=np.int32, order=order)
    density = np.linspace(1.0, 2.0, base.n_simplices)
    snaps = [_snapshot(x) for x in (v, s, density)]
    if dtype == np.int32:  # integer coordinates: a mesh of the rounded sphere
        v = np.array(np.round(base.vertices * 1000), dtype=dtype, order=order)
        snaps[0] = _snapshot(v)
    m = Mesh(v, s)
    K, M = laplacian(m, density=density)
    laplacian(m, lumped=True, density=lambda x: 1.0 + x[:, 0] ** 2)
    weld(m)
    split_pinched(m)
    m.renumbered(np.arange(m.n_vertices)[::-1].copy())
    K.data[:] = 0.0  # the caller's matrices are its own: the next assembly is unaffected
    K2, _ = laplacian(m, density=density)
    assert abs(K2).sum() > 0
    for x, snap in zip((v, s, density), snaps):
        assert _same(x, snap)
    # bad calls leave their inputs alone as well
    bad = np.array([[0.0, np.nan], [1.0, 0.0], [0.0, 1.0]])
    snap = _snapshot(bad)
    with pytest.raises(MeshError):
        Mesh(bad, TRI)
    assert _same(bad, snap)


def test_reading_does_not_touch_the_file(tmp_path):
    path = _put(tmp_path, "a.off", _off())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    m = wio.read_mesh(path)
    assert m.n_simplices == 4
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_mesh_inputs_to_weld_and_split_are_unchanged():
    v = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]], float)
    m = Mesh(v, [[0, 1, 2], [0, 3, 4]], check=False)
    snap = (m.vertices.copy(), m.simplices.copy())
    split_pinched(m)
    with pytest.warns(MeshWarning, match="pinched"):  # weld keeps the bowtie, and says so
        weld(m)
    assert np.array_equal(m.vertices, snap[0]) and np.array_equal(m.simplices, snap[1])


def test_weylgain_namespace_has_the_error_types():
    assert issubclass(weylgain.errors.ResourceError, MemoryError)
    assert issubclass(SpecError, WeylgainError)


# ====================================================================== the rule, enforced
# "A new public function or option adds its rows": every public callable of the audited
# modules and every option of every subcommand must be the target of at least one row above
# (or be exempted below, with the reason). A row's target is its optional 5th element (a
# callable or a tuple of them); without one, the function its lambda calls outermost (the
# first name the lambda loads, resolved through module attributes and through this file's
# own helpers such as _unchecked).
_AUDITED_MODULES = ("weylgain", "weylgain.groups", "weylgain.meshes", "weylgain.sweep",
                    "weylgain.io", "weylgain.mpi", "weylgain.plotting")

# public callables that take no user input worth refusing, each with its reason
_API_EXEMPT = {
    # results: built by weylgain and handed to the user, never built from user input
    "weylgain.spectrum.CountResult", "weylgain.spectrum.CountingResult",
    "weylgain.spectrum.WeylFit", "weylgain.exact.counts.ExactCounts",
    "weylgain.gain.GainReport", "weylgain.gain.MeasuredGain",
    "weylgain.learning.FittedModel", "weylgain.learning.LearningCurve",
    "weylgain.quotient.Quotient", "weylgain.sweep.SweepResult",
    "weylgain.mpi.DistributedCount", "weylgain.invariant_meshes.MeshQuality",
    "weylgain.resolution.Resolution",
    # the action data a group reduces to on a manifold (built by the groups themselves)
    "weylgain.groups.actions.FactorStructure", "weylgain.groups.actions.LinearAction",
    "weylgain.groups.actions.TorusAction",
    # no arguments: listings and availability probes
    "weylgain.groups.catalogue.catalogue", "weylgain.meshes.available",
    "weylgain.sweep.dask_available", "weylgain.mpi.mpi_available",
    # a typing.Union alias of the four task classes (each has rows of its own)
    "weylgain.sweep.Task",
    # the `python -m weylgain.mpi` entry point: its arguments are the `count --mpi` rows'
    "weylgain.mpi.main",
}


def _qualname(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _public_callables():
    import importlib
    import inspect
    import types

    found = {}
    for module_name in _AUDITED_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if (isinstance(obj, types.ModuleType) or not callable(obj)
                    or (inspect.isclass(obj) and issubclass(obj, (BaseException, Warning)))):
                continue
            named = inspect.isclass(obj) or inspect.isroutine(obj)  # else: an alias
            found.setdefault(_qualname(obj) if named else f"{module_name}.{name}", obj)
    return found


def _outermost_call(function, depth=0):
    """The callable a lambda calls outermost: its first loaded global, through attributes."""
    import builtins
    import dis

    obj = None
    for ins in dis.get_instructions(function):
        if obj is None:
            if ins.opname == "LOAD_GLOBAL":
                obj = function.__globals__.get(ins.argval, getattr(builtins, ins.argval, None))
            elif ins.opname == "LOAD_DEREF":
                obj = None  # a closure variable: no static target
                break
            continue
        if ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and hasattr(obj, ins.argval):
            obj = getattr(obj, ins.argval)
            continue
        break
    if (depth < 3 and callable(obj) and getattr(obj, "__module__", None) == __name__
            and hasattr(obj, "__code__")):
        return _outermost_call(obj, depth + 1)  # a helper of this file: what it calls
    return obj


def _row_targets(row):
    if len(row) > 4:
        targets = row[4] if isinstance(row[4], tuple) else (row[4],)
    else:
        targets = (_outermost_call(row[1]),)
    return {_qualname(t) for t in targets if t is not None}


def test_every_public_callable_has_a_row():
    covered = set().union(*(_row_targets(row) for row in API_CASES))
    public = _public_callables()
    missing = sorted(set(public) - covered - _API_EXEMPT)
    assert not missing, ("public callables without a bad-input row (add rows to API_CASES, "
                         f"or an exemption with its reason): {missing}")
    stale = sorted(_API_EXEMPT - set(public))
    assert not stale, f"exemptions that name no public callable: {stale}"


def test_row_targets_are_inferred():  # the inference the rule relies on, on known rows
    assert _outermost_call(lambda p: laplacian(meshes.sphere(0), lumped="no")) is laplacian
    assert _outermost_call(lambda p: wio.read_mesh(None)) is wio.read_mesh
    assert _outermost_call(lambda p: _unchecked(TRI_V, TRI)) is Mesh
    assert _outermost_call(lambda p: res.check_memory(None, "x")) is res.check_memory


# command-line options that take no value a user could get wrong, each with its reason
_CLI_EXEMPT = {
    # output switches: they change how a correct result is printed, not what is computed
    "count --json", "count --no-progress", "exact --json", "gain --json", "learn --json",
    "learn --no-progress", "sweep --json", "sweep --no-progress",
    # switches of the computation that are valid with every other argument
    "count --lumped", "sweep --lumped", "exact --degrees", "learn --specavg",
    "sweep --no-resume",
    # the version flag of the top-level parser
    "--version",
}


def _cli_options():
    """{"command --option" or "command POSITIONAL": (action, parser)} of every subcommand."""
    import argparse

    from weylgain.cli import build_parser

    parser = build_parser()
    options = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                for a in sub._actions:
                    if isinstance(a, argparse._HelpAction):
                        continue
                    label = a.option_strings[0] if a.option_strings else a.dest.upper()
                    options[f"{command} {label}"] = (a, sub)
        elif not isinstance(action, argparse._HelpAction):
            options[action.option_strings[0]] = (action, parser)
    return options


def _cli_row_covers(argv, options):
    """The options (and positionals) a command-line row gives a value or a switch to."""
    command = argv[0]
    covered = set()
    for key, (action, sub) in options.items():
        if not key.startswith(command + " "):
            continue
        if action.option_strings:
            if any(tok == o or tok.startswith(o + "=") for tok in argv[1:]
                   for o in action.option_strings):
                covered.add(key)
    # positionals: what argparse assigns them (rows that argparse itself refuses give none)
    import contextlib
    import io as _io

    keys = [k for k in options if k.startswith(command + " ")]
    if not keys:  # not a subcommand (a row for argparse's "invalid choice")
        return covered
    sub = options[keys[0]][1]
    with contextlib.redirect_stderr(_io.StringIO()):
        try:
            parsed, _ = sub.parse_known_args(argv[1:])
        except SystemExit:
            parsed = None
    if parsed is not None:
        for key, (action, _) in options.items():
            if (key.startswith(command + " ") and not action.option_strings
                    and getattr(parsed, action.dest, None) not in (None, action.default)):
                covered.add(key)
    return covered


def test_every_cli_option_has_a_row():
    options = _cli_options()
    rows = [row[0] for row in CLI_CASES] + [row[0] for row in ARGPARSE_CASES]
    covered = set().union(*(_cli_row_covers(argv, options) for argv in rows))
    missing = sorted(set(options) - covered - _CLI_EXEMPT)
    assert not missing, ("command-line options without a bad-input row (add rows to "
                         f"CLI_CASES or ARGPARSE_CASES, or an exemption): {missing}")
    stale = sorted(_CLI_EXEMPT - set(options))
    assert not stale, f"exemptions that name no option: {stale}"


# ====================================================================== output paths first
# Every option that writes a file is checked before the work it would save: the long
# computation is replaced by one that fails the test if it is ever reached.
def _unreachable(*args, **kwargs):
    pytest.fail("the long work started before the output path was checked")


@pytest.mark.parametrize("argv, patched, fragment", [
    (["count", "--mesh", "sphere:3", "--plot", "{tmp}/no/such/dir/n.png"],
     "weylgain.cli.count._load_mesh", "does not exist"),
    (["count", "--mesh", "sphere:3", "--plot", "{tmp}"], "weylgain.cli.count._load_mesh",
     "is a directory"),
    (["count", "--mesh", "sphere:3", "--plot", "{tmp}/n.txt"], "weylgain.cli.count._load_mesh",
     "not a picture format"),
    (["count", "--mesh", "sphere:3", "--group", "C2", "--plot-mesh", "{tmp}/no/m.png"],
     "weylgain.cli.count._load_mesh", "does not exist"),
    (["exact", "S2", "C4", "--lam", "1e30", "--plot", "{tmp}/no/e.png"],
     "weylgain.exact.exact_counts", "does not exist"),
    (["gain", "S2", "C4", "--measure", "--plot", "{tmp}"], "weylgain.gain.predict_gain",
     "is a directory"),
    (["learn", "--plot", "{tmp}/no/l.png"], "weylgain.learning.experiment", "does not exist"),
    (["sweep", "--mesh", "sphere:3", "--lams", "1:400:40", "--output", "{tmp}"],
     "weylgain.sweep.execute", "is a directory"),
    (["sweep", "--mesh", "sphere:3", "--lam", "10", "--output", "{tmp}/no/r.jsonl"],
     "weylgain.sweep.execute", "does not exist"),
])
def test_cli_output_paths_are_checked_before_the_work(argv, patched, fragment, tmp_path,
                                                      monkeypatch, capsys):
    from weylgain.cli import main

    monkeypatch.setattr(patched, _unreachable)
    status = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert status == 2 and fragment in err, err


def test_cli_output_path_refused_before_a_huge_request(tmp_path, capsys):
    # sphere:40 alone is refused by the memory guard; a bad --plot must be found first
    from weylgain.cli import main

    assert main(["count", "--mesh", "sphere:40", "--plot", str(tmp_path / "no" / "a.png")]) == 2
    err = capsys.readouterr().err
    assert "--plot" in err and "would need" not in err, err


def test_unwritable_folders_are_refused_first(tmp_path, monkeypatch, capsys):
    # the process runs as root in CI containers, where chmod cannot make a folder
    # unwritable: os.access is made to say "not writable" for that one folder
    import os as _os

    from weylgain import plotting, sweep
    from weylgain.cli import main

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = _os.access
    monkeypatch.setattr(_os, "access", lambda p, mode, *a, **k: (
        False if _os.path.abspath(p) == str(locked) else real_access(p, mode, *a, **k)))
    monkeypatch.setattr("weylgain.sweep.execute", _unreachable)
    monkeypatch.setattr("weylgain.cli.count._load_mesh", _unreachable)
    with pytest.raises(SpecError, match="not writable"):
        sweep.run([sweep.CountTask("sphere:3", (10.0,))], output=locked / "r.jsonl")
    with pytest.raises(SpecError, match="permission denied"):
        plotting.plot_counting_function([1.0, 2.0], [1, 2], 2, 1.0, path=locked / "p.png")
    with pytest.raises(MeshError, match="not writable"):
        wio.write_mesh(meshes.sphere(0), locked / "a.off")
    assert main(["count", "--mesh", "sphere:3", "--plot", str(locked / "a.png")]) == 2
    assert "permission denied" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["{tmp}", "{tmp}/no/p.png", "{tmp}/p.xyz", "{tmp}/p"])
def test_plotting_checks_its_path_before_drawing(bad, tmp_path, monkeypatch):
    from weylgain import plotting

    monkeypatch.setattr(plotting, "_new_figure", _unreachable)
    path = bad.replace("{tmp}", str(tmp_path))
    report = weylgain.predict_gain("T2", "mirror")
    for draw in (lambda: plotting.plot_counting_function([1.0, 2.0], [1, 2], 2, 1.0, path=path),
                 lambda: plotting.plot_counting_functions(
                     [dict(lams=[1.0], counts=[1], dimension=2, volume=1.0)], path=path),
                 lambda: plotting.plot_gain(report, path=path),
                 lambda: plotting.plot_exact_counts(weylgain.exact_counts("S2", "C4", 30.0),
                                                    path=path)):
        with pytest.raises(SpecError):
            draw()


def test_sweep_output_is_checked_before_any_task(tmp_path, monkeypatch):
    from weylgain import sweep

    monkeypatch.setattr(sweep, "execute", _unreachable)
    tasks = sweep.count_tasks("sphere:3", np.linspace(1, 400, 40))
    for bad, fragment in ((tmp_path, "is a directory"),
                          (tmp_path / "no" / "r.jsonl", "does not exist"),
                          (_put(tmp_path, "f", "x") / "r.jsonl", "does not exist"),
                          ("", "non-empty"), (3.5, "file name")):
        with pytest.raises(SpecError, match=fragment):
            sweep.run(tasks, output=bad, progress=False)
    assert not (tmp_path / "no").exists()  # nothing is created on the way


def test_write_mesh_checks_before_converting(tmp_path, monkeypatch):
    monkeypatch.setattr(wio, "to_meshio", _unreachable)
    monkeypatch.setattr(wio, "_write_off", _unreachable)
    for bad, fragment in ((tmp_path, "is a directory"),
                          (tmp_path / "no" / "a.vtu", "does not exist"),
                          (tmp_path / "no" / "a.off", "does not exist")):
        with pytest.raises(MeshError, match=fragment):
            wio.write_mesh(meshes.sphere(0), bad)


# ====================================================================== inputs stay as given
def _fingerprint(x):
    """Everything of an input a call could change: array bytes and flags, sparse data,
    indices and indptr, a mesh's arrays, the items of lists, tuples and dicts."""
    import scipy.sparse as sp

    if isinstance(x, np.ndarray):
        return ("array", x.dtype.str, x.shape, x.tobytes(), x.flags.writeable)
    if sp.issparse(x):
        parts = tuple(_fingerprint(getattr(x, a)) for a in ("data", "indices", "indptr")
                      if hasattr(x, a))
        return ("sparse", x.format, x.shape, parts)
    if isinstance(x, Mesh):
        return ("mesh", _fingerprint(x.vertices), _fingerprint(x.simplices),
                None if x.period is None else _fingerprint(np.asarray(x.period)))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(_fingerprint(v) for v in x))
    if isinstance(x, dict):
        return ("dict", tuple((k, _fingerprint(v)) for k, v in x.items()))
    return ("value", repr(x))


_SHARED_INPUTS = ("TRI_V", "TRI", "SQ_V", "SQ", "TET_V", "TET_F", "SIMPLEX4_V")


def test_catalogue_rows_leave_their_inputs_alone(tmp_path):
    shared = {name: globals()[name] for name in _SHARED_INPUTS}
    shared.update(_shared_objects())
    before = {name: _fingerprint(value) for name, value in shared.items()}
    for i, row in enumerate(API_CASES):
        folder = tmp_path / f"row{i}"
        folder.mkdir()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                row[1](folder)
            except WeylgainError:
                pass
    changed = [name for name, value in shared.items() if _fingerprint(value) != before[name]]
    assert not changed, f"catalogue rows modified the shared inputs {changed}"


def test_valid_calls_leave_their_inputs_alone(tmp_path):
    """The main valid calls, on inputs a user owns: nothing is written into them."""
    import scipy.sparse as sp

    from weylgain import learning, plotting, sweep

    sh = _shared_objects()
    S, K, M = sh["S1"], sh["K"], sh["M"]
    Kc, Mc = K.tocsc(), M.tocsc()
    quarter = sh["QUARTER"]
    algebra = np.array([[[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]])
    directions = [[1, 0, 0]]
    lams, counts = [10.0, 20.0, 40.0, 80.0], [5.0, 11.0, 20.0, 42.0]
    X, y = learning.sample(learning.TorusKernel(2, 2.0, 8), 24, noise=0.1, seed=1)
    labels = np.zeros(S.n_vertices, dtype=np.int64)
    inputs = dict(K=K, M=M, Kc=Kc, Mc=Mc, S=S, quarter=quarter, algebra=algebra,
                  directions=directions, lams=lams, counts=counts, X=X, y=y, labels=labels,
                  lam_array=np.array([1.0, 5.0, 20.0]))
    before = {k: _fingerprint(v) for k, v in inputs.items()}

    weylgain.count_eigenvalues(K, M, 5.0)
    weylgain.count_eigenvalues(Kc, Mc, 5.0, return_info=True)
    weylgain.counting_function(K, M, inputs["lam_array"])
    weylgain.eigenvalues(K, M, 4)
    counter = weylgain.EigenCounter(Kc, Mc)
    counter.count(20.0)
    weylgain.weyl_fit(lams, counts)
    weylgain.weyl_count(inputs["lam_array"], 2, 4 * np.pi)
    group = weylgain.from_generators(quarter[None])
    octahedral = meshes.sphere(1, base="octahedron")  # the quarter turn maps it to itself
    inputs["octahedral"] = octahedral
    before["octahedral"] = _fingerprint(octahedral)
    q = weylgain.quotient(octahedral, group)
    q.laplacian()
    weylgain.exact_counts("S2", quarter[None], 30.0)
    weylgain.lie_group(algebra)
    weylgain.subtorus(directions)
    weylgain.fit_krr(X, y, learning.TorusKernel(2, 2.0, 8), ridge=1e-3)
    sweep.count_tasks("sphere:1", lams)
    plotting.orbit_colors(S, labels)
    plotting.plot_counting_function(inputs["lam_array"], np.array([1, 3, 9]), 2, 4 * np.pi,
                                    path=tmp_path / "p.png")
    wio.write_mesh(S, tmp_path / "s.off")
    assert sp.issparse(K)
    changed = [k for k, v in inputs.items() if _fingerprint(v) != before[k]]
    assert not changed, f"valid calls modified their inputs {changed}"


# ====================================================================== valid but questionable
# (id, call, warning type, message fragment, check of the result against an independent truth)
_BOWTIE_V = np.array([[0.0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]])
_SEAM_V = np.array([[0.0, 0], [1, 0], [0, 1], [1, 0], [0, 1], [1, 1]])  # two unwelded copies
WARN_CASES = [
    ("bowtie vertex", lambda p: Mesh(_BOWTIE_V, [[0, 1, 2], [0, 3, 4]]), MeshWarning, "pinched",
     lambda m: m.n_simplices == 2 and np.isclose(m.volume, 1.0)),
    ("unwelded seam", lambda p: Mesh(_SEAM_V, [[0, 1, 2], [3, 5, 4]]), MeshWarning, "weld",
     lambda m: m.n_vertices == 6 and np.isclose(m.volume, 1.0)),
    ("unwelded seam through the OFF reader", lambda p: wio.read_mesh(_put(p, "s.off", _off(
        np.c_[_SEAM_V, np.zeros(6)], [[0, 1, 2], [3, 5, 4]]))), MeshWarning, "weld",
     lambda m: np.isclose(m.volume, 1.0)),
    ("count far beyond the mesh's resolution", lambda p: weylgain.count_eigenvalues(
        *laplacian(meshes.sphere(1)), 1e6, mesh=meshes.sphere(1)), weylgain.ResolutionWarning,
     "resolve", lambda n: n == 42),  # every eigenvalue of the 42-vertex mesh is below 1e6
]


@pytest.mark.parametrize("case", WARN_CASES, ids=[c[0] for c in WARN_CASES])
def test_questionable_input_warns_and_answers(case, tmp_path):
    _, call, warning, fragment, check = case
    with pytest.warns(warning) as record:
        result = call(tmp_path)
    assert any(fragment in str(w.message) for w in record), [str(w.message) for w in record]
    assert check(result)
