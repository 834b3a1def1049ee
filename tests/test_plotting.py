"""The plotting functions draw their data: read back from the Axes, checked against truth.

The truths come from outside the code under test: Weyl's law written out by hand, the Molien
series of the icosahedral group, the risk formulas of the gain with hand-derived volumes,
and vertex orbits found by applying every group element to the coordinates.
"""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import weylgain  # noqa: E402
from weylgain import meshes, plotting  # noqa: E402
from weylgain.errors import GroupError, MeshError, SpecError  # noqa: E402


def _line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return np.asarray(found[0].get_xdata(), float), np.asarray(found[0].get_ydata(), float)


@pytest.fixture(autouse=True)
def _close_all():
    yield
    plt.close("all")


# -- counting staircase -------------------------------------------------------------------

def test_staircase_steps_are_the_counts_given_and_weyl_is_the_formula():
    lams = [30.0, 2.5, 12.0, 6.5]
    counts = [25, 4, 9, 9]  # any non-decreasing data: the plot must show exactly these
    ax = plotting.plot_counting_function(lams, counts, dimension=2, volume=4 * math.pi,
                                         boundary_volume=3.0, label="N")
    x, y = _line(ax, "N")
    assert x.tolist() == sorted(lams)
    assert y.tolist() == [4, 9, 9, 25]
    # the staircase line is drawn as steps held until the next threshold
    assert ax.get_lines()[0].get_drawstyle() == "steps-post"
    gx, gy = _line(ax, "Weyl")
    assert gx[0] == 0 and gx[-1] == pytest.approx(30.0)
    # d = 2: N ~ omega_2 vol lam / (2 pi)^2 = vol lam / (4 pi) = lam on the unit sphere
    np.testing.assert_allclose(gy, gx, rtol=1e-12, atol=1e-12)
    tx, ty = _line(ax, "two-term Weyl")
    # Neumann term omega_1 |dM| lam^(1/2) / (4 (2 pi)) = 2 * 3 * sqrt(lam) / (8 pi)
    np.testing.assert_allclose(ty, tx + 6.0 * np.sqrt(tx) / (8 * math.pi), rtol=1e-12)


def test_sphere_eigenvalue_staircase_meets_weyl_between_clusters():
    # exact S^2 spectrum: l(l+1) with multiplicity 2l+1; N = (L+1)^2 just below (L+1)(L+2)
    eig = np.repeat([l * (l + 1.0) for l in range(10)], [2 * l + 1 for l in range(10)])
    ax = plotting.plot_counting_function(eig, np.arange(1, eig.size + 1), 2, 4 * math.pi)
    x, y = _line(ax, "N(λ), P1 FEM")
    assert y[-1] == 100 and x[-1] == 90.0
    wx, wy = _line(ax, "Weyl")
    assert wy[-1] == pytest.approx(90.0)
    assert [ln.get_label() for ln in ax.get_lines()].count("two-term Weyl") == 0


def test_point_quotient_draws_no_weyl_curve():
    ax = plotting.plot_counting_function([1.0, 5.0], [1, 1], dimension=0, volume=1.0)
    assert "Weyl" not in [ln.get_label() for ln in ax.get_lines()]


def test_side_by_side_panels_keep_their_own_data():
    panels = [dict(lams=[1.0, 2.0], counts=[3, 5], dimension=2, volume=1.0, label="M"),
              dict(lams=[1.0, 2.0], counts=[1, 2], dimension=1, volume=2.0, label="M/G")]
    axes = plotting.plot_counting_functions(panels)
    assert axes.shape == (2,) and axes[0].figure is axes[1].figure
    assert _line(axes[0], "M")[1].tolist() == [3, 5]
    assert _line(axes[1], "M/G")[1].tolist() == [1, 2]
    # d = 1: N ~ 2 vol lam^(1/2) / (2 pi)
    wx, wy = _line(axes[1], "Weyl")
    np.testing.assert_allclose(wy, 2 * 2.0 * np.sqrt(wx) / (2 * math.pi), rtol=1e-12)


@pytest.mark.parametrize("lams, counts", [([], []), ([1.0, 2.0], [1]), ([np.nan], [1])])
def test_bad_counting_data_is_rejected(lams, counts):
    with pytest.raises(SpecError):
        plotting.plot_counting_function(lams, counts, 2, 1.0)


# -- exact invariant counts ---------------------------------------------------------------

def _icosahedral_harmonic_dims(lmax):
    """Coefficients of (1 + t^15) / ((1 - t^6)(1 - t^10)): I-invariant harmonics per degree."""
    c = np.zeros(lmax + 1, dtype=int)
    for a in range(0, lmax + 1, 6):
        for b in range(0, lmax + 1 - a, 10):
            c[a + b] += 1
            if a + b + 15 <= lmax:
                c[a + b + 15] += 1
    return c


def test_exact_counts_plot_shows_the_molien_dimensions():
    result = weylgain.exact_counts("S2", "I", 600.0)
    axes = plotting.plot_exact_counts(result)
    left, right = axes
    x, y = _line(left, "invariant")
    lmax = int((-1 + math.sqrt(1 + 4 * 600)) / 2)
    truth = _icosahedral_harmonic_dims(lmax)
    np.testing.assert_array_equal(x, [l * (l + 1.0) for l in range(lmax + 1)])
    np.testing.assert_array_equal(y, truth)
    shares = [ln for ln in left.get_lines() if ln.get_label().startswith("multiplicity / |G|")]
    np.testing.assert_allclose(shares[0].get_ydata(), [(2 * l + 1) / 60 for l in range(lmax + 1)])
    sx, sy = _line(right, "N_G(λ)")
    assert sy[-1] == truth.sum() and sx[-1] == 600.0
    np.testing.assert_array_equal(sy[1:-1], np.cumsum(truth))
    wx, wy = _line(right, "Weyl")
    np.testing.assert_allclose(wy, (4 * math.pi / 60) * wx / (4 * math.pi), rtol=1e-9)


# -- predicted gain -----------------------------------------------------------------------

def test_gain_plot_exponential_gain_curves_are_the_formulas():
    report = weylgain.predict_gain("S2", "SO(2)", s=2, eps=1e-3, n=1000)
    left, right = plotting.plot_gain(report, n_range=(10, 1e5))
    n, plain = _line(left, "plain: n^-0.667")
    _, inv = _line(left, "invariant: n^-0.8")
    assert n[0] == pytest.approx(10) and n[-1] == pytest.approx(1e5)
    # sigma = 1, vol S^2 = 4 pi, vol S^2/SO(2) = pi; exponents s/(s + d/2) = 2/3, 4/5
    np.testing.assert_allclose(plain, (4 * math.pi / n) ** (2 / 3), rtol=1e-12)
    np.testing.assert_allclose(inv, (math.pi / n) ** 0.8, rtol=1e-12)
    eps, ratio = _line(right, "sample ratio")
    # n_plain / n_inv = (vol ratio 4) * eps^(-(d - d_G)/(2 s)) = 4 eps^(-1/4)
    np.testing.assert_allclose(ratio, 4 * eps ** -0.25, rtol=1e-12)
    # by default the eps axis spans the invariant risks of the left panel
    assert eps.min() == pytest.approx(inv.min()) and eps.max() == pytest.approx(inv.max())
    mx, my = _line(right, "ε = 0.001: ×22.49")
    assert my[0] == pytest.approx(4 * 1e-3 ** -0.25)


def test_gain_plot_linear_gain_is_flat_at_the_group_order():
    report = weylgain.predict_gain("T7", "S7")
    left, right = plotting.plot_gain(report, eps_range=(1e-4, 1e-1))
    eps, ratio = _line(right, "linear gain: ×5,040")
    np.testing.assert_allclose(ratio, 5040.0, rtol=1e-12)
    assert eps.min() == pytest.approx(1e-4)


def test_gain_plot_rejects_bad_ranges():
    report = weylgain.predict_gain("T2", "mirror")
    with pytest.raises(SpecError):
        plotting.plot_gain(report, n_range=(100, 10))


# -- quotient meshes ----------------------------------------------------------------------

def _brute_force_orbits(mesh, group):
    """Vertex orbits by applying every element of the group to the coordinates."""
    v = np.asarray(mesh.vertices)
    keys = {tuple(np.round(p, 8)): i for i, p in enumerate(v)}
    parent = list(range(len(v)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for g in group.element_maps():
        for i, p in enumerate(g.apply(v)):
            j = keys[tuple(np.round(p, 8))]
            parent[find(i)] = find(j)
    roots = np.array([find(i) for i in range(len(v))])
    return np.unique(roots, return_inverse=True)[1]


def _vertex_colors(ax):
    """Per-vertex RGBA of the vertex scatter, from its data array and colormap.

    (A 3-D scatter's get_facecolors() is depth-sorted at draw time; the data array is not.)
    """
    pts = [c for c in ax.collections if c.get_gid() == "vertices"]
    assert len(pts) == 1
    return np.asarray(pts[0].cmap(pts[0].norm(pts[0].get_array())))


def test_mesh_colours_are_constant_on_orbits_and_differ_across_edges():
    mesh = meshes.sphere(2, base="octahedron")
    group = weylgain.groups.named("C4")
    truth = _brute_force_orbits(mesh, group)
    ax = plotting.plot_quotient_mesh(mesh, group)
    colors = _vertex_colors(ax)
    assert colors.shape == (mesh.n_vertices, 4)
    for k in range(truth.max() + 1):
        assert (colors[truth == k] == colors[truth == k][0]).all()
    e = mesh.edges()
    between = truth[e[:, 0]] != truth[e[:, 1]]
    assert between.any()
    assert (np.abs(colors[e[between, 0]] - colors[e[between, 1]]).sum(axis=1) > 0).all()
    # the colour array is exactly the orbit-label mapping of orbit_colors
    q = weylgain.quotient(mesh, group)
    np.testing.assert_array_equal(colors, plotting.orbit_colors(mesh, q.orbits))
    faces = [c for c in ax.collections if c.get_gid() == "faces"]
    assert len(faces) == 1 and len(faces[0].get_facecolors()) == 3 * mesh.n_simplices


def test_fundamental_domain_holds_every_orbit():
    mesh = meshes.sphere(3)
    group = weylgain.groups.named("I")
    q = weylgain.quotient(mesh, group)
    colors = _vertex_colors(plotting.plot_quotient_mesh(q, color_by="domain"))
    coloured = ~np.all(np.isclose(colors, [0.85, 0.85, 0.85, 1.0]), axis=1)
    labels = np.asarray(q.orbits)
    assert set(labels[coloured]) == set(range(q.n_orbits))
    # about one vertex of each orbit (ties on the domain's walls aside), not the whole mesh
    assert coloured.sum() <= 2 * q.n_orbits < mesh.n_vertices


def test_planar_torus_quotient_is_drawn_in_2d():
    mesh = meshes.torus(2, 8, triangulation="mirrored")
    ax = plotting.plot_quotient_mesh(mesh, "signs2")
    assert ax.name == "rectilinear"
    colors = _vertex_colors(ax)
    q = weylgain.quotient(mesh, weylgain.groups.named("signs2", dim=2))
    labels = np.asarray(q.orbits)
    for k in range(q.n_orbits):
        assert (colors[labels == k] == colors[labels == k][0]).all()


def test_mesh_viewer_errors():
    with pytest.raises(MeshError, match="at most 3"):
        plotting.plot_quotient_mesh(meshes.sphere3(1), "antipodal")
    with pytest.raises(GroupError, match="continuous"):
        plotting.plot_quotient_mesh(meshes.sphere(2), "SO(2)")
    with pytest.raises(SpecError, match="color_by"):
        plotting.plot_quotient_mesh(meshes.sphere(1), "mirror", color_by="nonsense")


# -- files and figures --------------------------------------------------------------------

def test_saving_writes_the_file_and_leaves_no_open_figure(tmp_path):
    before = plt.get_fignums()
    png, svg = tmp_path / "a.png", tmp_path / "b.svg"
    ax = plotting.plot_counting_function([1.0, 2.0], [1, 3], 2, 1.0, path=png)
    plotting.plot_gain(weylgain.predict_gain("T2", "mirror"), path=svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert plt.get_fignums() == before
    assert _line(ax, "N(λ), P1 FEM")[1].tolist() == [1, 3]  # the Axes is still returned


def test_drawing_into_given_axes_leaves_the_figure_to_the_caller():
    fig, ax = plt.subplots()
    assert plotting.plot_counting_function([1.0], [1], 1, 1.0, ax=ax) is ax
    assert fig.number in plt.get_fignums()


def test_learning_curve_lines_are_the_mean_risks(tmp_path):
    from weylgain.learning import experiment

    curve = experiment("T2", "signs2", n_values=[16, 32, 64], seeds=2, methods=("none",
                       "average"), seed=0, show_progress=False)
    before = plt.get_fignums()
    ax = plotting.plot_learning_curve(curve, path=tmp_path / "lc.png")
    assert plt.get_fignums() == before
    means = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert len(means) == 2
    for line, method in zip(means, curve.methods):
        np.testing.assert_array_equal(line.get_xdata(), [16, 32, 64])
        # the geometric mean over seeds of the per-seed risks the curve holds
        i = list(curve.methods).index(method)
        r = np.asarray(curve.risks[i])
        np.testing.assert_allclose(line.get_ydata(), np.prod(r, axis=0) ** (1 / r.shape[0]))
