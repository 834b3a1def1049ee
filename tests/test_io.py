"""Tests of OFF/OBJ reading and writing and of the meshio adapters (meshio itself is faked)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from weylgain import Mesh, MeshError
from weylgain import io as wio
from weylgain import meshes

TETRA_V = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
TETRA_F = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])


@pytest.mark.parametrize("ext", ["off", "obj"])
def test_round_trip_exact(tmp_path, ext):
    m = meshes.sphere(2, radius=1.0 / 3.0)  # coordinates with full 17-digit expansions
    path = tmp_path / f"s.{ext}"
    wio.write_mesh(m, path)
    back = wio.read_mesh(path)
    np.testing.assert_array_equal(back.vertices, m.vertices)
    np.testing.assert_array_equal(back.simplices, m.simplices)
    assert back.name == f"s.{ext}"


@pytest.mark.parametrize("ext", ["off", "obj"])
def test_planar_mesh_round_trip(tmp_path, ext):
    m = meshes.disk(1)
    path = tmp_path / f"d.{ext}"
    wio.write_mesh(m, path)
    back3 = wio.read_mesh(path)
    assert back3.ambient_dim == 3 and np.all(back3.vertices[:, 2] == 0)
    back = wio.read_mesh(path, ambient_dim=2)
    np.testing.assert_array_equal(back.vertices, m.vertices)
    with pytest.raises(MeshError, match="not all zero"):
        wio.read_mesh(_write(tmp_path / "t.off", _off_text()), ambient_dim=2)


def _write(path, text):
    path.write_text(text)
    return path


def _off_text(header="OFF"):
    return (
        f"{header}\n# a tetrahedron\n\n4 4 6\n"
        + "".join(f"{x} {y} {z}\n" for x, y, z in TETRA_V)
        + "".join(f"3 {a} {b} {c}  # face\n" for a, b, c in TETRA_F)
    )


def test_read_off_with_comments_blank_lines_and_colours(tmp_path):
    text = _off_text().replace("3 1 2 3", "3 1 2 3 255 0 0")
    m = wio.read_mesh(_write(tmp_path / "t.off", text))
    np.testing.assert_array_equal(m.vertices, TETRA_V)
    np.testing.assert_array_equal(m.simplices, TETRA_F)
    assert m.is_closed and m.volume == pytest.approx(1.5 + np.sqrt(3) / 2)
    # counts on the header line
    m2 = wio.read_mesh(_write(tmp_path / "u.off", _off_text().replace("OFF\n", "OFF 4 4 6\n", 1)
                              .replace("\n4 4 6\n", "\n")))
    np.testing.assert_array_equal(m2.simplices, TETRA_F)


def test_read_obj_face_forms(tmp_path):
    text = (
        "# exported\nmtllib x.mtl\no thing\n"
        + "".join(f"v {x} {y} {z}\n" for x, y, z in TETRA_V)
        + "v 9 9 9\n"  # unused vertex: dropped
        + "vt 0 0\nvn 0 0 1\n\ns off\n"
        + "f 1/1/1 3/1/1 2/1/1\nf 1//1 2//1 4//1\nf 1/1 4/1 3/1\nf -4 -3 -2\n"
    )
    m = wio.read_mesh(_write(tmp_path / "t.obj", text))
    np.testing.assert_array_equal(m.vertices, TETRA_V)
    np.testing.assert_array_equal(m.simplices, TETRA_F)


@pytest.mark.parametrize(
    "name,text,match",
    [
        ("a.off", "", "empty"),
        ("b.off", "PLY\n1 1 0\n", "OFF"),
        ("c.off", "OFF\n4 4\n0 0 0\n", "truncated"),
        # a quad over a tetrahedron's faces: split into two triangles, one repeats a face
        ("d.off", _off_text().replace("3 0 2 1", "4 0 2 1 3"), "repeats simplex"),
        ("e.off", _off_text().replace("3 0 2 1", "3 0 2 7"), "outside"),
        ("f.off", _off_text().replace("0.0 1.0 0.0", "0.0 one 0.0"), "line"),
        ("g.off", "OFF\nfour four 0\n", "n_vertices"),
        ("h.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\nf 1 2 4 3 2\n", "cannot be split"),
        ("i.obj", "v 0 0 0\nv 1 0 0\nl 1 2\n", "not supported"),
        ("j.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\n", "has no faces"),
        ("k.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 5\n", "outside"),
        ("l.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n", "start at 1"),
        ("m.obj", "v 0 0\nf 1 1 1\n", "3 coordinates"),
    ],
)
def test_bad_files(tmp_path, name, text, match):
    with pytest.raises(MeshError, match=match):
        wio.read_mesh(_write(tmp_path / name, text))


def test_missing_file(tmp_path):
    with pytest.raises(MeshError, match="does not exist"):
        wio.read_mesh(tmp_path / "nope.off")


def test_write_errors(tmp_path):
    with pytest.raises(MeshError, match="periodic"):
        wio.write_mesh(meshes.torus(2, 4), tmp_path / "t.off")
    with pytest.raises(MeshError, match="triangle surfaces"):
        wio.write_mesh(meshes.ball(0), tmp_path / "b.obj")
    with pytest.raises(MeshError, match="R\\^4"):
        wio.write_mesh(Mesh(np.eye(4)[:3], [[0, 1, 2]]), tmp_path / "x.off")
    with pytest.raises(MeshError, match="periodic"):
        wio.to_meshio(meshes.torus(2, 4))


def _block_meshes_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "meshio", None)  # makes `import meshio` raise ImportError


def test_meshio_missing_message(tmp_path, monkeypatch):
    _block_meshes_missing(monkeypatch)
    path = _write(tmp_path / "x.vtk", "whatever")
    with pytest.raises(MeshError, match=r"pip install weylgain\[meshio\]"):
        wio.read_mesh(path)
    with pytest.raises(MeshError, match=r"pip install weylgain\[meshio\]"):
        wio.write_mesh(meshes.sphere(0), tmp_path / "y.vtu")


class _FakeMeshioMesh:
    def __init__(self, points, cells):
        self.points = np.asarray(points)
        self.cells = [types.SimpleNamespace(type=t, data=np.asarray(d)) for t, d in cells]


def _fake_meshio(store: dict) -> types.ModuleType:
    mod = types.ModuleType("meshio")
    mod.Mesh = _FakeMeshioMesh

    def write(path, mesh):
        store[path] = mesh

    def read(path):
        if path not in store:
            raise OSError("no such file")
        return store[path]

    mod.write, mod.read = write, read
    return mod


def test_meshio_adapters_with_fake_module(tmp_path, monkeypatch):
    store: dict = {}
    monkeypatch.setitem(sys.modules, "meshio", _fake_meshio(store))
    m = meshes.ball(0)
    mm = wio.to_meshio(m)
    assert mm.cells[0].type == "tetra"
    back = wio.from_meshio(mm)
    np.testing.assert_array_equal(back.vertices, m.vertices)
    np.testing.assert_array_equal(back.simplices, m.simplices)
    # through read/write with a non-native extension
    path = tmp_path / "b.vtu"
    path.write_text("")  # read_mesh checks that the file exists
    wio.write_mesh(m, path)
    again = wio.read_mesh(path)
    np.testing.assert_array_equal(again.simplices, m.simplices)
    assert again.name == "b.vtu"


def test_from_meshio_keeps_top_dimension_and_drops_unused_points():
    pts = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [5, 5, 0]])
    fake = _FakeMeshioMesh(pts, [("vertex", [[3]]), ("line", [[0, 1]]), ("triangle", [[0, 1, 2]])])
    m = wio.from_meshio(fake, ambient_dim=2)
    assert m.dim == 2 and m.n_vertices == 3 and m.ambient_dim == 2
    with pytest.raises(MeshError, match="no simplicial cells"):
        wio.from_meshio(_FakeMeshioMesh(pts, [("hexahedron", [[0, 1, 3, 2, 0, 1, 3, 2]])]))
    # quads are split into two triangles: the unit square has area 1
    sq = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]])
    m = wio.from_meshio(_FakeMeshioMesh(sq, [("quad", [[0, 1, 2, 3]])]))
    assert m.n_simplices == 2 and m.volume == pytest.approx(1.0)


# ====================================================================== polygons, bytes, paths
_CUBE_V = np.array([[x, y, z] for x in (0.0, 1.0) for y in (0.0, 1.0) for z in (0.0, 1.0)])
_CUBE_QUADS = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4],
               [1, 5, 7, 3]]


@pytest.mark.parametrize("ext", ["off", "obj"])
def test_quad_faces_are_split_into_triangles(tmp_path, ext):
    if ext == "off":
        text = (f"OFF\n8 6 0\n" + "".join(f"{x} {y} {z}\n" for x, y, z in _CUBE_V)
                + "".join("4 " + " ".join(map(str, q)) + "\n" for q in _CUBE_QUADS))
    else:
        text = ("".join(f"v {x} {y} {z}\n" for x, y, z in _CUBE_V)
                + "".join("f " + " ".join(str(i + 1) for i in q) + "\n" for q in _CUBE_QUADS))
    m = wio.read_mesh(_write(tmp_path / f"cube.{ext}", text))
    assert m.n_simplices == 12 and m.is_closed
    assert m.volume == pytest.approx(6.0, rel=1e-15)
    assert m.boundary_volume() == 0.0


def test_non_convex_quad_is_split_from_its_reflex_corner(tmp_path):
    # a dart: the fan from corner 0 would cover area outside the polygon; area 0.5 exactly
    v = [[0.0, 0, 0], [2, 1, 0], [0, 2, 0], [0.5, 1, 0]]
    text = "OFF\n4 1 0\n" + "".join(f"{x} {y} {z}\n" for x, y, z in v) + "4 0 1 2 3\n"
    m = wio.read_mesh(_write(tmp_path / "dart.off", text))
    assert m.n_simplices == 2
    assert m.volume == pytest.approx(1.5, rel=1e-15)  # shoelace: |(4 - 1) / 2|


def test_latin1_comment_is_ignored(tmp_path):
    raw = _off_text().encode().replace(b"# a tetrahedron", b"# t\xe9tra\xe8dre")
    path = tmp_path / "t.off"
    path.write_bytes(raw)
    m = wio.read_mesh(path)
    np.testing.assert_array_equal(m.simplices, TETRA_F)


@pytest.mark.parametrize("ext", ["ply", "vtu", "vtk"])
def test_real_meshio_round_trip(tmp_path, ext):
    pytest.importorskip("meshio")
    m = meshes.sphere(1)
    path = tmp_path / f"s.{ext}"
    wio.write_mesh(m, path)
    back = wio.read_mesh(path)
    np.testing.assert_allclose(back.vertices, m.vertices, rtol=0, atol=1e-6)  # ply: float32
    assert back.n_simplices == m.n_simplices


def test_meshio_giving_up_is_a_mesh_error_not_an_exit(tmp_path):
    pytest.importorskip("meshio")
    path = tmp_path / "scan.ply"
    path.write_bytes(b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\n"
                     b"end_header\n0\n1\n")
    with pytest.raises(MeshError, match="meshio could not read"):
        wio.read_mesh(path)


def test_output_path_checks(tmp_path):
    assert wio.check_output_path(tmp_path / "x.off") == tmp_path / "x.off"
    with pytest.raises(MeshError, match="does not exist"):
        wio.check_output_path(tmp_path / "missing" / "x.off")
    with pytest.raises(MeshError, match="is a directory"):
        wio.write_mesh(meshes.sphere(0), tmp_path)
