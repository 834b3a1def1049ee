"""The learning curve carries the orbit space's d_G and vol(M/G) from weylgain.geometry (the
layer below learning), checked against closed forms; learning imports nothing from gain."""

import ast
import math
import pathlib

from weylgain.learning import TorusKernel, learning_curve, random_target

LEARNING = pathlib.Path(__file__).resolve().parents[1] / "weylgain" / "learning"


def test_curve_reports_the_quotient_geometry_in_closed_form():
    kernel = TorusKernel(2, 2.0, 12)
    f = random_target(kernel, group="signs2", seed=0)
    curve = learning_curve(kernel, f, "signs2", methods=("none", "average"), n_values=(16, 32),
                           seeds=2, noise=0.3, ridge="oracle", seed=1, show_progress=False)
    q = curve.predicted_gain["quotient"]
    # T^2 = (R/2piZ)^2 under the four sign flips: a square of side pi, d_G = 2
    assert q["quotient_dim"] == 2
    assert math.isclose(q["quotient_volume"], math.pi ** 2, rel_tol=1e-12)
    assert q["effective_order"] == 4


def test_learning_never_imports_the_gain_layer():
    for path in sorted(LEARNING.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
                upward = (node.level >= 2 and (node.module or "").split(".")[0] == "gain") or \
                         (node.level >= 2 and not node.module and "gain" in names) or \
                         (node.module or "").startswith("weylgain.gain")
                assert not upward, f"{path.name}:{node.lineno} imports weylgain.gain (a layer above)"
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("weylgain.gain") for a in node.names), path.name


def test_small_n_curves_run_on_a_mixed_product():
    # S2 x T1 (period 2 pi) under the quarter turn about the sphere's axis: the sample drawing
    # takes any domain that samples itself; vol(M/G) = 4 pi * 2 pi / 4 = 2 pi^2
    from weylgain.learning.domains import kernel_for

    kernel = kernel_for("S2xT1", max_modes=120)
    f = random_target(kernel, group="C4", seed=0)
    curve = learning_curve(kernel, f, "C4", methods=("none", "average"), n_values=(32, 64),
                           seeds=2, noise=0.3, ridge="oracle", seed=1, show_progress=False)
    assert curve.risks.shape == (2, 2, 2) and (curve.risks > 0).all()
    q = curve.predicted_gain["quotient"]
    assert q["quotient_dim"] == 3
    assert math.isclose(q["quotient_volume"], 2 * math.pi ** 2, rel_tol=1e-12)
