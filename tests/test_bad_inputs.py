"""The bad-input catalogue: every row is an input a user could give, the weylgain error type it
must raise and a fragment of the message. Run through the API and, for the command line,
through ``weylgain.cli.main`` (exit status 2, the message on stderr, no traceback) and a real
subprocess.

Rule: a new public function or option adds its rows here.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import weylgain
from weylgain import Mesh, meshes
from weylgain import io as wio
from weylgain import resources as res
from weylgain.errors import (MeshError, MeshWarning, ParameterError, ResourceError, SpecError,
                             WeylgainError)
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
    ("generator invariant_sphere huge", lambda p: meshes.invariant_sphere(
        "C5", n_vertices=10**14), ResourceError, "would need about"),
    ("mesh spec torus of dimension 1e9", lambda p: meshes.from_spec("torus:1000000000:3"),
     MeshError, "dim must be 1 to 4"),
    ("check_factorization_memory of a petabyte", lambda p: res.check_factorization_memory(
        res.MemoryEstimate("the factorization of K - sigma M", 1e18)), ResourceError,
     "docs/scale.md"),
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
    _, call, error, fragment = case
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
]


@pytest.fixture
def cli_files(tmp_path):
    _put(tmp_path, "bad_header.off", _off(header=(4, 3)))
    _put(tmp_path, "twice.off", _off(faces=np.vstack([TET_F, TET_F[:1]])))
    _put(tmp_path, "latin1.off", _off().encode().replace(b"0.0 1.0 0.0", b"0.0 1.0 \xe9"))
    _put(tmp_path, "collinear.obj", _obj([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]],
                                         [[1, 2, 3]]))
    _put(tmp_path, "garbage.ply", b"ply\nformat nonsense\n")
    return tmp_path


@pytest.mark.parametrize("argv, fragment", CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_cli_bad_input(argv, fragment, cli_files, capsys):
    from weylgain.cli import main

    argv = [a.replace("{tmp}", str(cli_files)) for a in argv]
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("weylgain: error: ") and fragment in err, err
    assert "Traceback" not in err


def test_cli_unparsable_lam_is_an_argparse_error(capsys):
    from weylgain.cli import main

    with pytest.raises(SystemExit) as info:
        main(["count", "--mesh", "sphere:1", "--lam", "abc"])
    assert info.value.code == 2 and "invalid float value" in capsys.readouterr().err


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
    assert len(API_CASES) + len(CLI_CASES) >= 150


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
