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
# # What rotation and permutation invariance buy for a point cloud / a small molecule in a periodic box
#
# A configuration of k directions is a point of S2^k (a point cloud on the sphere, the bond
# directions of a small molecule); k atoms in a periodic box are a point of T3^k. A target
# that does not change when the whole configuration is rotated (or translated), or when
# identical parts are relabelled, is invariant under `SO(3)`, `Sym(k)` or both. This
# notebook computes what each buys: the exact invariant counts, their Weyl fits against the
# predicted quotient dimension d_G and volume vol(M/G), the predicted gain, and a learning
# curve on S2 x S2 for a target that depends only on the angle between two directions.

# %%
import itertools
import time

import numpy as np
import matplotlib.pyplot as plt

from weylgain.exact import exact_counts
from weylgain.gain import predict_gain
from weylgain.spectrum import weyl_fit

t_start = time.perf_counter()


def counting_function(res):
    """Thresholds midway between eigenvalues of M, and N_G below each."""
    ev = np.asarray(res.eigenvalues)
    mult = np.asarray(res.multiplicities)
    return (ev[1:] + ev[:-1]) / 2, np.cumsum(mult)[:-1]


def gain_table(manifold, groups, lam, eps_values=(1e-2, 1e-3), s=None):
    """Exact counts, Weyl fit at the predicted d_G, and the predicted gain, per group."""
    rows = []
    for group in groups:
        res = exact_counts(manifold, group, lam)
        report = predict_gain(manifold, group, s=s)
        lams, counts = counting_function(res)
        window = lams > lam / 10  # a decade of lambda
        fit = weyl_fit(lams[window], counts[window], dimension=report.d_G)
        ratios = [predict_gain(manifold, group, s=s, eps=e).sample_ratio_at_eps
                  for e in eps_values]
        rows.append(dict(group=group, action=report.action, count=res.count, d=report.d,
                         d_G=report.d_G, vol=report.vol_quotient,
                         vol_err=report.vol_quotient_error, vol_fit=fit.volume,
                         kind=report.kind, exps=(report.risk_exponent,
                                                 report.risk_exponent_invariant),
                         ratios=ratios, res=res))
    print(f"{manifold}, N_G({lam:g}); risk exponents s/(s+d/2) -> s/(s+d_G/2) at s = "
          f"{report.s:g}; sample ratio at eps = {', '.join(f'{e:g}' for e in eps_values)}")
    for r in rows:
        err = f" +- {r['vol_err']:.1g}" if r["vol_err"] else ""
        print(f"  {r['group']:16s} N_G = {r['count']:7d}  d_G = {r['d_G']}  "
              f"vol(M/G) = {r['vol']:10.5g}{err:9s} Weyl fit {r['vol_fit']:10.5g}  "
              f"{r['kind']:11s} {r['exps'][0]:.3f} -> {r['exps'][1]:.3f}  ratio "
              + "  ".join(f"{x:9.4g}" for x in r["ratios"]))
        print(f"  {'':16s} action: {r['action']}")
    return rows


# %% [markdown]
# ## Brute force: invariant multiplicities from the Lie algebra, independently
#
# The exact counts come from characters on a maximal torus and the cycle index of the
# permutation group. As an independent check, at small λ, count the invariants of each
# eigenspace of S2^k directly: the eigenspace of eigenvalue l₁(l₁+1) + … + l_k(l_k+1) is
# the sum of the tensor products V_{l₁} ⊗ … ⊗ V_{l_k} over the degree tuples with that sum.
# A function is SO(3)-invariant when the three angular momentum operators J_z, J₊, J₋
# (acting on every factor, the diagonal action) annihilate it; Sym(k) permutes the tuples,
# so its invariants in the orbit of a tuple t are the invariants of the stabilizer of t,
# which permutes the tensor factors of equal degree.

# %%
def spin_operators(l):
    """J_z, J_+, J_- on V_l in the basis |l, m>, m = -l..l (all real)."""
    m = np.arange(-l, l + 1, dtype=float)
    Jp = np.zeros((2 * l + 1, 2 * l + 1))
    Jp[np.arange(1, 2 * l + 1), np.arange(2 * l)] = np.sqrt(l * (l + 1) - m[:-1] * (m[:-1] + 1))
    return [np.diag(m), Jp, Jp.T.copy()]


def tensor_invariants(degrees, rotations, permutations):
    """dim of the invariants in V_{l_1} x ... x V_{l_k} of diagonal SO(3) and factor perms."""
    dims = [2 * l + 1 for l in degrees]
    size = int(np.prod(dims))
    rows = []
    if rotations:
        ops = [spin_operators(l) for l in degrees]
        for a in range(3):
            total = np.zeros((size, size))
            for i in range(len(degrees)):
                factors = [np.eye(n) for n in dims]
                factors[i] = ops[i][a]
                term = factors[0]
                for f in factors[1:]:
                    term = np.kron(term, f)
                total += term
            rows.append(total)
    index = np.arange(size).reshape(dims)
    for perm in permutations:
        P = np.zeros((size, size))
        P[index.transpose(perm).ravel(), index.ravel()] = 1.0
        rows.append(P - np.eye(size))
    if not rows:
        return size
    A = np.vstack(rows)
    return size - np.linalg.matrix_rank(A, tol=1e-8)


def brute_force_sphere_counts(k, lam, rotations, permute):
    """{eigenvalue: invariant multiplicity} on S2^k up to lam, by brute force."""
    lmax = int(np.floor((-1 + np.sqrt(1 + 4 * lam)) / 2))
    out = {}
    for t in itertools.product(range(lmax + 1), repeat=k):
        E = sum(l * (l + 1) for l in t)
        if E > lam or (permute and list(t) != sorted(t)):
            continue
        stab = [p for p in itertools.permutations(range(k))
                if permute and p != tuple(range(k)) and all(t[p[i]] == t[i] for i in range(k))]
        out[E] = out.get(E, 0) + tensor_invariants(t, rotations, stab)
    return out


def check_against_brute_force(manifold, k, group, lam, rotations, permute):
    res = exact_counts(manifold, group, lam)
    exact = {e: m for e, m in zip(res.eigenvalues, res.multiplicities) if m}
    brute = {e: m for e, m in brute_force_sphere_counts(k, lam, rotations, permute).items() if m}
    assert {round(e, 9): m for e, m in exact.items()} == {float(e): m for e, m in brute.items()}, (
        manifold, group, exact, brute)
    assert all(isinstance(m, (int, np.integer)) for m in res.multiplicities)
    return res.count


for k, lam in ((2, 30), (3, 14)):
    for group, rot, perm in (("SO(3)", True, False), (f"Sym({k})", False, True),
                             (f"SO(3) x Sym({k})", True, True)):
        n = check_against_brute_force(f"S2^{k}", k, group, lam, rot, perm)
        print(f"S2^{k} {group:14s} N_G({lam}) = {n:5d}  equals the brute-force projection")

# %% [markdown]
# ## (a) k points on the sphere: S2^2 and S2^3
#
# On S2^2 the diagonal rotations leave only the angle between the two points: d_G = 1 and
# vol(M/G) = π/√2 (the angle θ ∈ [0, π] with the quotient metric, in which the distance
# between the two points moves at speed √2). The swap of the two points then buys nothing:
# the angle is symmetric already, every SO(3)-invariant function is automatically
# swap-invariant, and `SO(3) x Sym(2)` has the same counts and volume as `SO(3)` (the
# effective order of the finite part on M/SO(3) is 1). Alone, without rotations, the swap
# halves the volume of S2^2: a linear gain of 2.
#
# For three points d_G = 6 - 3 = 3 and the permutations of the three points act
# effectively on the triangle shapes: `Sym(3)` divides vol(M/SO(3)) by 6. That volume is a
# Monte Carlo coarea integral (its standard error is printed); the Weyl fit of the exact
# counts is a check on it independent of the sampling.

# %%
rows2 = gain_table("S2^2", ["SO(3)", "Sym(2)", "SO(3) x Sym(2)"], lam=2000.0, s=3)
rows3 = gain_table("S2^3", ["SO(3)", "Sym(3)", "SO(3) x Sym(3)"], lam=1000.0, s=4)

so3, swap, both = rows2
assert so3["d_G"] == 1 and abs(so3["vol"] - np.pi / np.sqrt(2)) < 1e-12
assert both["count"] == so3["count"] and abs(both["vol"] - so3["vol"]) < 1e-12
assert swap["kind"] == "linear" and abs(swap["vol"] - 16 * np.pi ** 2 / 2) < 1e-9
assert so3["res"].count == int(np.floor((-1 + np.sqrt(1 + 2 * 2000)) / 2)) + 1  # l = l', 2l(l+1) <= lam
so3_3, sym3, both3 = rows3
assert so3_3["d_G"] == 3 and both3["d_G"] == 3 and sym3["d_G"] == 6
assert abs(so3_3["vol"] / both3["vol"] - 6) < 1e-9
assert abs(so3_3["count"] / both3["count"] - 6) < 0.25  # about 6 times fewer invariants
# Weyl fits of the exact counts at the predicted d_G: 2 % where the quotient is an
# interval or a flat orbifold, 10 % for S2^3/SO(3) (curved, with singular strata: the
# lower-order terms are still large at lambda = 1000)
for r, tol in ((so3, 0.02), (both, 0.02), (swap, 0.02), (so3_3, 0.10), (both3, 0.10),
               (sym3, 0.02)):
    assert abs(r["vol_fit"] / r["vol"] - 1) < tol, (r["group"], r["vol_fit"], r["vol"])

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for ax, rows, name in ((axes[0], rows2, "S2^2"), (axes[1], rows3, "S2^3")):
    for r in rows:
        lams, counts = counting_function(r["res"])
        ax.loglog(lams, counts, label=f"{r['group']} (d_G = {r['d_G']})")
        C = r["vol"] * {1: 2, 3: 4 * np.pi / 3, 4: np.pi ** 2 / 2, 6: np.pi ** 3 / 6}[r["d_G"]]
        ax.loglog(lams, C * lams ** (r["d_G"] / 2) / (2 * np.pi) ** r["d_G"], "k:", lw=0.8)
    ax.set_xlabel("λ")
    ax.set_ylabel("N_G(λ)")
    ax.set_title(f"{name}: exact invariant counts, Weyl law dotted")
    ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## (b) Atoms in a periodic box: T3^k with `Trans(3) x Sym(k)`
#
# Translating the whole box (Trans(3), the translations of T3, acting diagonally on every
# atom) removes three dimensions: the invariant modes are the lattice modes (k₁, …, k_k)
# with k₁ + … + k_k = 0.
# Permuting identical atoms divides the volume by k! (no permutation fixes a generic
# configuration of relative positions). On T3^2 the quotient is the relative position
# x₂ - x₁ with volume (2π)³/2^{3/2}, halved by the swap x₂ - x₁ ↦ x₁ - x₂. Brute force:
# enumerate lattice modes and count their orbits.

# %%
def brute_force_torus_count(k, lam, permute):
    """Invariant modes of Trans(3) x Sym(k) (or Trans(3) alone) on T3^k with |k|^2 <= lam."""
    r = int(np.floor(np.sqrt(lam)))
    axis = np.arange(-r, r + 1)
    modes = np.array(list(itertools.product(axis, repeat=3)))
    modes = modes[(modes ** 2).sum(1) <= lam]
    found = set()
    for combo in itertools.product(range(len(modes)), repeat=k - 1):
        block = modes[list(combo)]
        last = -block.sum(0)
        if (block ** 2).sum() + (last ** 2).sum() > lam:
            continue
        atoms = [tuple(b) for b in block] + [tuple(last)]
        found.add(tuple(sorted(atoms)) if permute else tuple(atoms))
    return len(found)


for k, lam in ((2, 20.0), (3, 8.0)):
    for group, perm in (("Trans(3)", False), (f"Trans(3) x Sym({k})", True)):
        n = exact_counts(f"T3^{k}", group, lam).count
        assert n == brute_force_torus_count(k, lam, perm), (k, group)
        print(f"T3^{k} {group:18s} N_G({lam:g}) = {n:5d}  equals the brute-force mode count")

# %%
rowsT2 = gain_table("T3^2", ["Trans(3)", "Sym(2)", "Trans(3) x Sym(2)"], lam=100.0)
rowsT3 = gain_table("T3^3", ["Trans(3)", "Trans(3) x Sym(3)"], lam=40.0)
assert abs(rowsT2[0]["vol"] - (2 * np.pi) ** 3 / 2 ** 1.5) < 1e-9
assert abs(rowsT2[0]["vol"] / rowsT2[2]["vol"] - 2) < 1e-12
assert abs(rowsT3[0]["vol"] / rowsT3[1]["vol"] - 6) < 1e-12
assert all(r["d_G"] == 3 * (k - 1) for rows, k in ((rowsT2, 2), (rowsT3, 3)) for r in rows
           if r["group"].startswith("Trans(3)"))
for r, tol in [(r, 0.02) for r in rowsT2] + [(r, 0.05) for r in rowsT3]:
    assert abs(r["vol_fit"] / r["vol"] - 1) < tol, (r["group"], r["vol_fit"], r["vol"])

# %% [markdown]
# ## (c) A learning curve: a function of the angle between two directions
#
# On M = S2 x S2 take a target f(x₁, x₂) = g(x₁·x₂). The plain kernel is the Sobolev kernel
# of M, a sum over degrees of Legendre terms on each factor:
#
# K((x₁,x₂),(y₁,y₂)) = Σ_{l₁,l₂} c_{l₁l₂} P_{l₁}(x₁·y₁) P_{l₂}(x₂·y₂),
# c_{l₁l₂} = (1 + l₁(l₁+1) + l₂(l₂+1))^{-s} (2l₁+1)(2l₂+1)/(16π²),
#
# whose Mercer eigenvalues are (1 + λ)^{-s} on the eigenfunctions Y_{l₁m₁}(x₁)Y_{l₂m₂}(x₂).
# **The SO(3)-averaged kernel.** By the addition theorem
# P_l(x·y) = 4π/(2l+1) Σ_m Y_{lm}(x)Y_{lm}(y), and with Y_{lm}(gy) = Σ_a D^l_{ma}(g) Y_{la}(y)
# and Schur orthogonality ∫ D^{l₁}_{m₁a}(g) D^{l₂}_{m₂b}(g) dg = δ_{l₁l₂} δ_{m₁m₂} δ_{ab}/(2l+1)
# (Haar probability measure, real orthogonal D), the average over g of K((x₁,x₂),(gy₁,gy₂))
# keeps only l₁ = l₂ = l and collapses the sums over m and a into two more addition theorems:
#
# K^G((x₁,x₂),(y₁,y₂)) = Σ_l c_{ll}/(2l+1) · P_l(x₁·x₂) P_l(y₁·y₂).
#
# (For a product kernel c_{l₁l₂} = c_{l₁}c_{l₂} this is Σ_l c_l²/(2l+1) P_l P_l.) It is a
# kernel on the angle alone, with one eigenfunction P_l(x₁·x₂) per degree: d_G = 1. First a
# numerical check against a Monte Carlo average over random rotations.

# %%
from scipy.spatial.transform import Rotation

S_KERNEL = 3.0   # Sobolev order of the kernel and of the target (critical smoothness)
L_MAX = 24       # truncation degree of the kernel sums


def legendre_stack(t, L):
    """P_0..P_L at t, shape (L+1,) + t.shape (three-term recurrence)."""
    P = np.empty((L + 1,) + t.shape)
    P[0] = 1.0
    if L > 0:
        P[1] = t
    for l in range(1, L):
        P[l + 1] = ((2 * l + 1) * t * P[l] - l * P[l - 1]) / (l + 1)
    return P


degrees = np.arange(L_MAX + 1)
lam_deg = degrees * (degrees + 1.0)
coef = ((1 + lam_deg[:, None] + lam_deg[None, :]) ** -S_KERNEL
        * np.outer(2 * degrees + 1, 2 * degrees + 1) / (16 * np.pi ** 2))


def plain_kernel(X1, X2, Y1, Y2):
    """K on S2 x S2 between points (X1, X2) of shape (n, 3) and (Y1, Y2) of shape (m, 3)."""
    A = legendre_stack(np.clip(X1 @ Y1.T, -1, 1), L_MAX)
    B = legendre_stack(np.clip(X2 @ Y2.T, -1, 1), L_MAX)
    inner = np.tensordot(coef, B, axes=(1, 0))  # sum over l2
    return np.einsum("lij,lij->ij", A, inner)


def invariant_kernel(X1, X2, Y1, Y2):
    """K^G = sum_l c_ll/(2l+1) P_l(x1.x2) P_l(y1.y2)."""
    px = legendre_stack(np.clip((X1 * X2).sum(1), -1, 1), L_MAX)
    py = legendre_stack(np.clip((Y1 * Y2).sum(1), -1, 1), L_MAX)
    w = np.diag(coef) / (2 * degrees + 1)
    return (px * w[:, None]).T @ py


def sphere_points(n, rng):
    v = rng.standard_normal((n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


rng = np.random.default_rng(0)
x1, x2, y1, y2 = (sphere_points(3, rng) for _ in range(4))
n_rot = 40000
rotations = Rotation.random(n_rot, random_state=1).as_matrix()  # Haar on SO(3)
# K(x, g y) for every rotation g at once: the rotated copies of y stacked, shape (3, n_rot, 3)
gy1 = np.einsum("rab,jb->jra", rotations, y1).reshape(-1, 3)
gy2 = np.einsum("rab,jb->jra", rotations, y2).reshape(-1, 3)
samples = plain_kernel(x1, x2, gy1, gy2).reshape(3, 3, n_rot)
constant = coef[0, 0]  # the l1 = l2 = 0 term, the same in both: compare the rest
mc_mean = samples.mean(2) - constant
mc_err = samples.std(2) / np.sqrt(n_rot)
closed = invariant_kernel(x1, x2, y1, y2) - constant
unaveraged = plain_kernel(x1, x2, y1, y2) - constant
print(f"K^G - c_00, Monte Carlo average over {n_rot} rotations\n", mc_mean.round(7))
print("closed form\n", closed.round(7))
print("|difference| / standard error:", (np.abs(mc_mean - closed) / mc_err).max().round(2),
      "  (the unaveraged kernel is", (np.abs(unaveraged - closed) / mc_err).min().round(0),
      "standard errors away or more)")
assert np.all(np.abs(mc_mean - closed) < 5 * mc_err)
assert np.all(np.abs(unaveraged - closed) > 10 * mc_err)  # the check can tell them apart

# %% [markdown]
# **The learning curve.** The target g(t) = Σ_l a_l P_l(t) has coefficients at the
# critical smoothness s: its energy in degree l is l^{-2s-1} (so its energy above degree L
# decays like L^{-2s}), plus noise σ. Kernel ridge regression with each kernel, the ridge
# chosen on the held-out set (the oracle ridge: it isolates the rate), risks averaged over
# seeds, for n up to 512. At such n the plain estimator is still learning the first degree
# of the target (16 eigenfunctions of S2 x S2 lie at or below it) and its curve is steeper
# than its asymptotic rate; the asymptotic exponents come from the spectral risk
#
# R(n) = min_η Σ_j (η/(μ_j+η))² f_j² + σ²/n Σ_j μ_j²/(μ_j+η)²
#
# over the Mercer eigenvalues μ_j of each kernel (all eigenfunctions Y_{l₁m₁}Y_{l₂m₂} for the
# plain kernel, one P_l(x₁·x₂) per degree for the averaged one) and the target's energies
# f_j², which the sampled curves follow. Predicted exponents: s/(s + d/2) = 3/5 with the
# plain kernel (d = 4) and s/(s + d_G/2) = 6/7 with the averaged one (d_G = 1), the values
# `predict_gain("S2^2", "SO(3)", s=3)` reports.

# %%
def target(X1, X2):
    t = np.clip((X1 * X2).sum(1), -1, 1)
    l = np.arange(1, L_MAX + 1)
    # energy a_l^2 E[P_l(x1.x2)^2] = l^(-2s-1) (uniform probability: E[P_l^2] = 1/(2l+1))
    a = np.sqrt(l ** (-2 * S_KERNEL - 1.0) * (2 * l + 1))
    return a @ legendre_stack(t, L_MAX)[1:]


n_values = np.array([16, 32, 64, 128, 256, 512])
n_test, noise, n_seeds = 400, 0.3, 4
ridges = np.logspace(-10, 0, 21)
kernels = {"plain": plain_kernel, "SO(3)-averaged": invariant_kernel}
risks = {name: np.zeros((n_seeds, len(n_values))) for name in kernels}
for seed in range(n_seeds):
    rng = np.random.default_rng(100 + seed)
    N = n_values[-1]
    P1, P2 = sphere_points(N + n_test, rng), sphere_points(N + n_test, rng)
    f_all = target(P1, P2)
    y = f_all[:N] + noise * rng.standard_normal(N)
    for name, kern in kernels.items():
        K_all = kern(P1[:N], P2[:N], P1, P2)  # (N, N + n_test): train-train and train-test
        for j, n in enumerate(n_values):
            evals, evecs = np.linalg.eigh(K_all[:n, :n])
            proj = evecs.T @ y[:n]
            cross = evecs.T @ K_all[:n, N:]
            best = np.inf
            for eta in ridges:
                pred = (proj / (np.maximum(evals, 0) + n * eta)) @ cross
                best = min(best, np.mean((pred - f_all[N:]) ** 2))
            risks[name][seed, j] = best

# the spectral risk, with the kernels' sums carried to high degree
L_SPEC = 400
l_all = np.arange(L_SPEC + 1)
lam_all = l_all * (l_all + 1.0)
energy = np.r_[0.0, l_all[1:] ** (-2 * S_KERNEL - 1.0)]  # of the target, per degree l = l'
spectra = {
    # plain: eigenspaces (l1, l2), multiplicity (2l1+1)(2l2+1); the target lives on l1 = l2
    "plain": ((1 + lam_all[:, None] + lam_all[None, :]) ** -S_KERNEL / (16 * np.pi ** 2),
              np.outer(2 * l_all + 1, 2 * l_all + 1), np.diag(energy)),
    # averaged: one eigenfunction per degree, eigenvalue c_ll / (2l+1)^2
    "SO(3)-averaged": ((1 + 2 * lam_all) ** -S_KERNEL / (16 * np.pi ** 2),
                       np.ones(L_SPEC + 1), energy),
}


def spectral_risk(name, n):
    mu, mult, f2 = spectra[name]
    best = np.inf
    for eta in np.logspace(-16, 0, 161):
        bias = np.sum((eta / (mu + eta)) ** 2 * f2)
        variance = noise ** 2 / n * np.sum(mult * (mu / (mu + eta)) ** 2)
        best = min(best, bias + variance)
    return best


n_spec = np.logspace(1, 9, 33)
spec = {name: np.array([spectral_risk(name, n) for n in n_spec]) for name in kernels}

report = predict_gain("S2^2", "SO(3)", s=S_KERNEL)
predicted = {"plain": report.risk_exponent, "SO(3)-averaged": report.risk_exponent_invariant}
tail = n_spec >= 1e6
fitted = {name: -np.polyfit(np.log(n_spec[tail]), np.log(r[tail]), 1)[0]
          for name, r in spec.items()}
sampled = {name: -np.polyfit(np.log(n_values), np.log(r.mean(0)), 1)[0]
           for name, r in risks.items()}
fig, ax = plt.subplots(figsize=(6.5, 4.2))
for (name, r), color in zip(risks.items(), ("C0", "C1")):
    ax.loglog(n_values, r.mean(0), "o", color=color, label=f"{name}: KRR, held-out risk")
    ax.loglog(n_spec, spec[name], "-", color=color,
              label=f"{name}: spectral risk, exponent {fitted[name]:.3f} "
                    f"(predicted {predicted[name]:.3f})")
ax.set_xlabel("n (samples)")
ax.set_ylabel("excess risk")
ax.set_xlim(n_spec[0], n_spec[-1])
ax.set_title("S2 x S2, target g(x1·x2): plain against SO(3)-averaged KRR")
ax.legend(fontsize=7)
plt.tight_layout()
plt.show()
print("exponents fitted for n >= 1e6:", {k: round(v, 3) for k, v in fitted.items()},
      " predicted:", {k: round(v, 3) for k, v in predicted.items()})
print("slopes of the sampled curves (n = 16..512):", {k: round(v, 3) for k, v in sampled.items()})
assert report.d_G == 1 and abs(predicted["plain"] - 0.6) < 1e-12
assert abs(predicted["SO(3)-averaged"] - 6 / 7) < 1e-12
assert fitted["SO(3)-averaged"] > fitted["plain"] + 0.15
for name in fitted:
    assert abs(fitted[name] - predicted[name]) < 0.06, (name, fitted[name], predicted[name])
# from n = 64 on the sampled risks follow the spectral risk (within a factor 2.5; at the
# smallest n the plain estimator is worse than its spectral equivalent), and the averaged
# kernel is better at every n
for name, r in risks.items():
    ratio = r.mean(0) / np.array([spectral_risk(name, n) for n in n_values])
    print(f"{name}: sampled / spectral risk at n = {n_values.tolist()}:", ratio.round(2))
    assert np.all((ratio[2:] > 1 / 2.5) & (ratio[2:] < 2.5)), (name, ratio)
assert np.all(risks["SO(3)-averaged"].mean(0) < risks["plain"].mean(0))

# %%
elapsed = time.perf_counter() - t_start
print(f"notebook run time {elapsed:.1f} s")
