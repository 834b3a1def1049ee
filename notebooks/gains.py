# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Linear and exponential gains from invariance
#
# If the target function of a regression problem on a manifold $M$ is invariant under a group
# $G$, kernel ridge regression with the group-averaged kernel reaches the minimax rate of the
# orbit space $M/G$ (Tahmasebi & Jegelka 2023):
#
# $$ R(n) \asymp \left(\frac{\sigma^2 \operatorname{vol}(M/G)}{n}\right)^{s/(s+d_G/2)}. $$
#
# Two kinds of gain follow:
#
# * **finite** $G$: $d_G = d$ and $\operatorname{vol}(M/G) = \operatorname{vol}(M)/|G|$ — the
#   same rate with $|G|$ times the data, a *linear* gain;
# * **positive-dimensional orbits**: $d_G < d$ — a better exponent, and a sample ratio that
#   grows without bound as the target risk $\varepsilon \to 0$, an *exponential* gain.
#
# This notebook computes both with `weylgain.gain.predict_gain`, then checks the two numbers
# the theory rests on — $d_G$ and $\operatorname{vol}(M/G)$ — against eigenvalue counts on
# meshes with `measure_gain`.

# %%
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small dense counts: threads only hurt
import math

import matplotlib.pyplot as plt
import numpy as np

from weylgain.gain import measure_gain, predict_gain

# %% [markdown]
# ## The worked examples

# %%
examples = [
    ("T2", "mirror", "a mirror-symmetric image"),
    ("T2", "Z10", "an image of ten identical parts (period 1/10 along x)"),
    ("S2", "C10", "ten rotated copies on a sphere"),
    ("T7", "Perm(7)", "seven blocks whose order does not matter"),
    ("S2", "SO(2)", "rotations about an axis of the sphere"),
    ("S3", "hopf", "the Hopf circle action on the 3-sphere"),
    ("S2", "SO(3)", "all rotations of the sphere"),
]
reports = {(m, g): predict_gain(m, g, s=4.5, eps=1e-3) for m, g, _ in examples}
print(f"{'M':<4}{'G':<8}{'d':>3}{'d_G':>5}  {'kind':<12}{'factor':>8}{'ratio@1e-3':>12}  story")
for m, g, story in examples:
    r = reports[(m, g)]
    factor = "-" if r.linear_factor is None else f"{r.linear_factor:,}"
    print(f"{m:<4}{g:<8}{r.d:>3}{r.d_G:>5}  {r.kind:<12}{factor:>8}"
          f"{r.sample_ratio_at_eps:>12.4g}  {story}")

assert reports[("T2", "mirror")].linear_factor == 2
assert reports[("T2", "Z10")].linear_factor == 10
assert reports[("S2", "C10")].linear_factor == 10
assert reports[("T7", "Perm(7)")].linear_factor == 5040
assert reports[("S2", "SO(2)")].kind == "exponential"
assert reports[("S2", "SO(3)")].d_G == 0 and reports[("S2", "SO(3)")].kind == "exponential"

# %% [markdown]
# Rotations of $S^2$ about an axis: the exponent goes from $s/(s+1)$ to $s/(s+1/2)$.

# %%
r = predict_gain("S2", "SO(2)", s=2)
print(r.risk_exponent_expr, "->", r.risk_exponent_invariant_expr)
assert (r.risk_exponent_expr, r.risk_exponent_invariant_expr) == ("s/(s + 1)", "s/(s + 1/2)")
print(r.explanation)

# %% [markdown]
# ## Sample ratio against the target risk
#
# The ratio $n_{\text{plain}}(\varepsilon)/n_{\text{invariant}}(\varepsilon) =
# \frac{\operatorname{vol}M}{\operatorname{vol}M/G}\,\varepsilon^{-(d-d_G)/(2s)}$ is flat for a
# finite group and grows without bound for a dimension drop.

# %%
eps = np.logspace(-1, -8, 30)
curves = {
    "S2 / C4 (finite)": ("S2", "C4"),
    "S2 / Ih (finite)": ("S2", "Ih"),
    "S2 / SO(2) (d 2 -> 1)": ("S2", "SO(2)"),
    "S3 / hopf (d 3 -> 2)": ("S3", "hopf"),
    "S2 / SO(3) (d 2 -> 0)": ("S2", "SO(3)"),
}
s = 2.0
fig, ax = plt.subplots(figsize=(6, 4))
ratios = {}
for label, (m, g) in curves.items():
    ratios[label] = np.array([predict_gain(m, g, s=s, eps=e).sample_ratio_at_eps for e in eps])
    ax.loglog(eps, ratios[label], label=label)
ax.invert_xaxis()
ax.set_xlabel("target excess risk eps")
ax.set_ylabel("samples without / with invariance")
ax.set_title(f"linear vs exponential gains (s = {s:g})")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

assert np.allclose(ratios["S2 / C4 (finite)"], 4)
assert np.allclose(ratios["S2 / Ih (finite)"], 120)
for label in ("S2 / SO(2) (d 2 -> 1)", "S3 / hopf (d 3 -> 2)", "S2 / SO(3) (d 2 -> 0)"):
    assert np.all(np.diff(ratios[label]) > 0), label
# eventually any dimension drop beats any finite group
assert ratios["S2 / SO(2) (d 2 -> 1)"][-1] > 120 > ratios["S2 / SO(2) (d 2 -> 1)"][0]

# %% [markdown]
# ## Learning curves (leading order)
#
# $R(n) = (\sigma^2 \operatorname{vol}/n)^{\beta}$: a finite group shifts the curve (same slope),
# a dimension drop makes it steeper.

# %%
n = np.logspace(1, 7, 40)
fig, ax = plt.subplots(figsize=(6, 4))
# slopes by hand at s = 2: C4 keeps s/(s+1) = 2/3, SO(2) reaches s/(s+1/2) = 4/5
hand_slopes = {"C4": 2 / 3, "SO(2)": 4 / 5}
for m, g in (("S2", "C4"), ("S2", "SO(2)")):
    r0 = predict_gain(m, g, s=s)
    plain = (4 * math.pi / n) ** r0.risk_exponent
    inv = (r0.vol_quotient / n) ** r0.risk_exponent_invariant
    ax.loglog(n, inv, label=f"{m}/{g}: invariant, slope -{r0.risk_exponent_invariant:.3f}")
    slope = np.polyfit(np.log(n), np.log(inv), 1)[0]
    assert abs(slope + r0.risk_exponent_invariant) < 1e-9
    assert abs(slope + hand_slopes[g]) < 1e-9, (g, slope)
ax.loglog(n, plain, "k--", label=f"plain on S2, slope -{r0.risk_exponent:.3f}")
ax.set_xlabel("n")
ax.set_ylabel("excess risk (leading order)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Checking d_G and vol(M/G) on meshes
#
# `measure_gain` meshes $M$, builds $M/G$ (vertex orbits for finite groups, a weighted
# orbit-space mesh for continuous ones), counts eigenvalues by inertia at gap midpoints of
# the exact spectrum and fits Weyl's law — the dimension free, then the volume with a second
# (boundary) term. Tolerances: sphere counts at gap midpoints are exact at these resolutions,
# so what remains is the Weyl remainder (2%); flat tori carry lattice-count fluctuations (3%).

# %%
pairs = [("S2", "mirror", 0.02), ("T1", "mirror", 0.01), ("RP2", "mirror", 0.03),
         ("S2", "SO(2)", 0.01), ("T2", "Trans(1)", 0.01), ("S3", "hopf", 0.02),
         ("S3", "SO(3)", 0.01)]
measured = {}
print(f"{'M/G':<12}{'d_G pred':>9}{'meas':>8}{'vol pred':>10}{'meas':>9}{'rel err':>9}{'s':>6}")
for m, g, tol in pairs:
    mg = measure_gain(m, g)
    measured[(m, g)] = mg
    print(f"{m + '/' + g:<12}{mg.d_G_predicted:>9}{mg.d_G:>8.3f}{mg.vol_quotient_predicted:>10.4f}"
          f"{mg.vol_quotient:>9.4f}{mg.vol_quotient_rel_error:>9.2%}{mg.seconds:>6.1f}")
    assert abs(mg.d_G - mg.d_G_predicted) < 0.06, (m, g, mg.d_G)
    assert mg.vol_quotient_rel_error < tol, (m, g, mg.vol_quotient_rel_error)

# %% [markdown]
# The invariant counts against the Weyl curves of the predicted quotients:

# %%
from weylgain.geometry import quotient_geometry  # noqa: E402
from weylgain.manifolds import weyl_law, LAMBDA  # noqa: E402
import sympy as sp  # noqa: E402

fig, ax = plt.subplots(figsize=(6, 4))
for (m, g), mg in measured.items():
    lam = np.array(mg.lams_quotient)
    geo = quotient_geometry(m, g)
    law = sp.lambdify(LAMBDA, weyl_law(geo.quotient_dim, geo.quotient_volume), "numpy")
    line, = ax.loglog(lam, mg.counts_quotient, "o", ms=3, label=f"{m}/{g}")
    ax.loglog(lam, np.broadcast_to(law(lam), lam.shape), "-", color=line.get_color(), lw=0.8)
ax.set_xlabel("lambda")
ax.set_ylabel("invariant eigenvalues N_G(lambda)")
ax.set_title("counts (dots) and one-term Weyl law of M/G (lines)")
ax.legend(fontsize=7)
fig.tight_layout()
plt.show()
# slopes d_G/2: 1/2 for the circle quotients, 1 for the surfaces
assert measured[("S2", "SO(2)")].d_G < 1.1 < measured[("S2", "mirror")].d_G
