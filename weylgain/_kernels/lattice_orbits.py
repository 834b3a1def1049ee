"""Numba kernels for invariant counts on flat tori by the character (Burnside) sum.

A torus isometry ``g: x -> A x + L w/m`` with ``(A x)_i = sigma_i x_(pi(i))`` fixes the
lattice modes ``k`` with ``k_(pi(i)) = sigma_i k_i``. On a cycle of ``pi`` of length ``l``
whose signs multiply to -1 only ``k = 0`` is fixed; on a cycle with sign product +1 the
fixed modes are ``a (e_i, sigma_i e_(pi(i)), ...)``, ``a`` in ``Z``, of squared norm
``l a^2`` and phase ``a s`` (``s`` the signed sum of the cycle's weights, modulo ``m``). The
trace of ``g`` on the shell ``|k|^2 = n`` is therefore the ``q^n`` coefficient of a product
of one series ``sum_a q^(l a^2) zeta_m^(a s)`` per positive cycle, an element of
``Z[x]/(x^m - 1)`` per shell, which the kernels below keep exactly as integers.

* :func:`cycle_signatures`: for each element, its positive cycles encoded ``l m + s``
  (``s`` folded to ``min(s, m - s)``, since ``a -> -a`` maps one series to the other),
  sorted, padded with -1.
* :func:`multiply_cycle`: a graded state ``F[n, r]`` (shell n, phase r modulo m) times the
  series of one cycle, truncated at ``n2max``; zero rows are skipped, so the first factors
  (a few squares) cost little.

Private module: the public entry point is :func:`weylgain.exact.torus.torus_character_shells`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def cycle_signatures(perms, signs, weights, modulus):
    """Positive cycles of each element, encoded ``l * modulus + s`` and sorted.

    Parameters
    ----------
    perms : int64 array of shape (n, D)
        ``pi`` of each element.
    signs : int64 array of shape (n, D)
        ``sigma`` (+1 or -1).
    weights : int64 array of shape (n, D)
        Translation numerators modulo ``modulus``.
    modulus : int64

    Returns
    -------
    int64 array of shape (n, D)
        Codes of the positive cycles, ascending, then -1.
    """
    n, d = perms.shape
    out = np.full((n, d), -1, dtype=np.int64)
    seen = np.zeros(d, dtype=np.bool_)
    for e in range(n):
        seen[:] = False
        c = 0
        for start in range(d):
            if seen[start]:
                continue
            length = 0
            eps = np.int64(1)  # the fixed mode's entry at the current index, in units of a
            phase = np.int64(0)
            prod = np.int64(1)
            i = start
            while not seen[i]:
                seen[i] = True
                length += 1
                phase = (phase + eps * weights[e, i]) % modulus
                prod *= signs[e, i]
                eps = eps * signs[e, i]  # k_(pi(i)) = sigma_i k_i
                i = perms[e, i]
            if prod == 1:
                s = phase % modulus
                if modulus - s < s:
                    s = modulus - s
                out[e, c] = length * modulus + s
                c += 1
        # insertion sort of the c codes
        for a in range(1, c):
            v = out[e, a]
            b = a - 1
            while b >= 0 and out[e, b] > v:
                out[e, b + 1] = out[e, b]
                b -= 1
            out[e, b + 1] = v
    return out


@njit(cache=True)
def multiply_cycle(state, length, shift, modulus, out):
    """``out = state * sum_a q^(length a^2) x^(a shift)``, truncated at the last shell.

    Parameters
    ----------
    state : int64 array of shape (n2max + 1, modulus)
    length, shift, modulus : int64
    out : int64 array of shape (n2max + 1, modulus), overwritten
    """
    n_rows, m = state.shape
    out[:, :] = 0
    rows = np.empty(n_rows, dtype=np.int64)
    n_nz = 0
    for n in range(n_rows):
        for r in range(m):
            if state[n, r] != 0:
                rows[n_nz] = n
                n_nz += 1
                break
    amax = 0
    while length * (amax + 1) * (amax + 1) < n_rows:
        amax += 1
    for a in range(-amax, amax + 1):
        step = length * a * a
        rot = (a * shift) % modulus
        if rot < 0:
            rot += modulus
        for j in range(n_nz):
            n = rows[j]
            if n + step >= n_rows:
                break
            for r in range(m):
                v = state[n, r]
                if v != 0:
                    t = r + rot
                    if t >= m:
                        t -= m
                    out[n + step, t] += v
    return out


@njit(cache=True)
def compose_elements(p1, s1, w1, p2, s2, w2, modulus):
    """The products ``g h`` (h applied first) of paired elements, as signed permutations
    with translation numerators: ``pi = pi_h[pi_g]``, ``sigma = sigma_g sigma_h[pi_g]``,
    ``w = sigma_g w_h[pi_g] + w_g (mod m)``.

    Parameters
    ----------
    p1, s1, w1 : int64 arrays of shape (n, D)
        ``g`` (the generator, repeated or not).
    p2, s2, w2 : int64 arrays of shape (n, D)
        ``h``.
    modulus : int64

    Returns
    -------
    perms, signs, weights : int64 arrays of shape (n, D)
    """
    n, d = p2.shape
    po = np.empty((n, d), dtype=np.int64)
    so = np.empty((n, d), dtype=np.int64)
    wo = np.empty((n, d), dtype=np.int64)
    for e in range(n):
        for i in range(d):
            j = p1[e, i]
            po[e, i] = p2[e, j]
            so[e, i] = s1[e, i] * s2[e, j]
            v = (s1[e, i] * w2[e, j] + w1[e, i]) % modulus
            if v < 0:
                v += modulus
            wo[e, i] = v
    return po, so, wo


@njit(cache=True)
def element_keys(perms, signs, weights, modulus):
    """One integer per element: mixed radix over the entries ``pi_i``, sign bits and
    weights (the caller checks that ``(2 D m)^D`` fits in 63 bits)."""
    n, d = perms.shape
    out = np.empty(n, dtype=np.int64)
    radix = 2 * d * modulus
    for e in range(n):
        key = np.int64(0)
        for i in range(d):
            digit = (perms[e, i] * 2 + (1 if signs[e, i] < 0 else 0)) * modulus + weights[e, i]
            key = key * radix + digit
        out[e] = key
    return out
