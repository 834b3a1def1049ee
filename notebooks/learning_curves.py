# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Watching the gain from invariance happen
#
# Kernel ridge regression with a Sobolev kernel on a manifold, plain and with the
# group-averaged kernel, on a random G-invariant target at the critical smoothness
# ({ref}`theory page <minimax-risk>`). A finite group saves a constant factor |G| of samples; rotations about an
# axis of the sphere improve the rate exponent itself.

# %%
import numpy as np
import matplotlib.pyplot as plt

from weylgain.learning import (SphereKernel, TorusKernel, fit_krr, learning_curve,
                               random_target, sample)
from weylgain.plotting import plot_learning_curve

# %% [markdown]
# ## Every way of imposing invariance, and how invariant it really is
#
# The discrepancy sup |f(x) - f(gx)| over random points and group elements: round-off for
# the exact methods, visible for plain KRR and for augmentation with one random element.

# %%
kernel = TorusKernel(2, smoothness=2.0, max_level=30)
f = random_target(kernel, group="signs2", seed=1)
X, y = sample(kernel.domain, 100, f, noise=0.3, seed=2)
Xt, _ = sample(kernel.domain, 1000, seed=3)
rows = []
for method, extra in [("none", {}), ("average", {}), ("augment", {}),
                      ("augment", {"n_augment": 1}), ("canonical", {}), ("specavg", {})]:
    model = fit_krr(X, y, kernel, "loocv", method, "signs2", **extra)
    risk = np.mean((model.predict(Xt) - f(Xt)) ** 2)
    rows.append((method + (" (1 random g)" if extra else ""), model.invariance_discrepancy(), risk))
for name, disc, risk in rows:
    print(f"{name:22s} discrepancy {disc:9.2e}   risk {risk:.4f}")
exact = {name: disc for name, disc, _ in rows}
assert all(exact[m] < 1e-10 for m in ("average", "augment", "canonical", "specavg"))
assert exact["none"] > 1e-3 and exact["augment (1 random g)"] > 1e-6

# %% [markdown]
# ## A finite group: T² with sign flips, |G| = 4
#
# The invariant estimator with n samples matches the plain one with about 4n. At moderate n
# the ratio is a bit lower: the reflections give T²/G a boundary, whose extra invariant modes
# (3149/819 = 3.84 at λ = 1000, fewer still at smaller λ) cost variance. The "spectral"
# prediction counts the kernel's degrees of freedom with exact invariant multiplicities at
# the chosen ridge.

# %%
torus = TorusKernel(2, smoothness=2.0, max_level=80)
f_t = random_target(torus, group="signs2", seed=3)
lc_t = learning_curve(torus, f_t, "signs2", methods=("none", "average"),
                      n_values=(32, 64, 128, 256, 512, 1024, 2048), seeds=12, noise=0.3,
                      ridge="oracle", seed=2, show_progress=False)
print("fitted exponents", lc_t.exponents.round(3), "predicted", lc_t.predicted_exponents)
print("samples saved (common-slope fit):", round(lc_t.fitted_gain["average"], 2),
      " interpolated:", round(lc_t.gain["average"], 2),
      " predicted |G| =", lc_t.predicted_gain["order"],
      " spectral:", round(lc_t.predicted_gain["spectral"], 2))
assert 2.0 < lc_t.fitted_gain["average"] < 6.0

# %% [markdown]
# ## A positive-dimensional group: S² with rotations about the z axis
#
# Invariant functions live on [0, π] (d_G = 1): the risk decays like n^{-s/(s+1/2)}
# instead of n^{-s/(s+1)} (0.75 against 0.6 at s = 1.5), so the sample ratio grows without
# bound as the risk goes to zero.

# %%
sphere = SphereKernel(2, smoothness=1.5, max_degree=20)
f_s = random_target(sphere, group="SO(2)", seed=3)
lc_s = learning_curve(sphere, f_s, "SO(2)", methods=("none", "average"),
                      n_values=(32, 64, 128, 256, 512, 1024, 2048), seeds=12, noise=0.3,
                      ridge="oracle", seed=2, show_progress=False)
print("fitted exponents", lc_s.exponents.round(3), "+-", lc_s.exponent_errors.round(3),
      "predicted", lc_s.predicted_exponents)
assert lc_s.exponents[1] > lc_s.exponents[0] + 0.05

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
plot_learning_curve(lc_t, ax=axes[0])
plot_learning_curve(lc_s, ax=axes[1])
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Measured against the predicted finite-n curve
#
# The eigenlearning prediction (docs: "Learning curves that confirm the theory") uses only the
# kernel's eigenvalues, the exact invariant multiplicities and the target's energy per
# eigenspace. The primal route measures both estimators on streams of samples with the
# ridge the theory prescribes and with generalized cross-validation. The theory ridge's risk
# is by default the exact expectation over the label noise given the samples
# ("noise-averaged", a Rao-Blackwellization of the sampled risk: the same expectation, less
# variance); the sampled risk of the same samples is kept for comparison.

# %%
from weylgain.learning.scale import measure_curves

torus_p = TorusKernel(2, smoothness=2.0, max_level=40)
f_p = random_target(torus_p, group="signs2", seed=np.random.SeedSequence([0, 7]))
sc = measure_curves(torus_p, f_p, "signs2", n_values=[400, 800, 1600, 3200, 6400],
                    seeds=8, show_progress=False)
summary = sc.summary()
print("saving measured (theory ridge):", summary["saving_measured"]["average"]["theory"])
print("saving predicted (finite n):", round(summary["saving_predicted"]["average"], 3),
      " asymptotic:", summary["saving_asymptotic"]["average"])
print("exponents measured:", {m: round(v["theory"]["value"], 3)
                              for m, v in summary["exponent_measured"].items()},
      " predicted:", {m: round(v, 3) for m, v in summary["exponent_predicted"].items()})
by = sc.by_estimator()
for est, v in by.items():
    sv = v["saving"]
    print(f"saving with the {est} risk: {sv['value']:.3f} [{sv['low']:.3f}, {sv['high']:.3f}]")
width = {est: v["saving"]["high"] - v["saving"]["low"] for est, v in by.items()}
assert width["noise-averaged"] < 0.5 * width["sampled"]
meas = summary["saving_measured"]["average"]["theory"]
assert meas["low"] * 0.95 <= summary["saving_predicted"]["average"] <= meas["high"] * 1.05
for i, m in enumerate(("none", "average")):
    assert np.all(np.abs(sc.mean_risk(m) / sc.predicted[i] - 1) < 0.2)

fig, ax = plt.subplots(figsize=(6, 4.2))
for i, (m, label) in enumerate((("none", "plain"), ("average", "group-averaged"))):
    line, = ax.loglog(sc.n_values, sc.mean_risk(m), "o", label=f"{label}, measured")
    ax.loglog(sc.n_values, sc.predicted[i], "-", color=line.get_color(),
              label=f"{label}, predicted")
ax.set_xlabel("n")
ax.set_ylabel("excess risk")
ax.set_title("T² / signs2: measured against the predicted finite-n curves", fontsize=9)
ax.legend(fontsize=8)
plt.show()
