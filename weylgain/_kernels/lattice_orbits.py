"""Numba kernels for invariant counts on flat tori by the character (Burnside) sum.

A torus isometry ``g: x -> A x + L w/m`` with ``(A x)_i = sigma_i x_(pi(i))`` fixes the
lattice modes ``k`` with ``k_(pi(i)) = sigma_i k_i``. On a cycle of ``pi`` of length ``l``
whose signs multiply to -1 only ``k = 0`` is fixed; on a cycle with sign product +1 the
fixed modes are ``a (e_i, sigma_i e_(pi(i)), ...)``, ``a`` in ``Z``, of squared norm
``l a^2`` and phase ``a s`` (``s`` the signed sum of the cycle's weights, modulo ``m``). The
trace of ``g`` on the shell ``|k|^2 = n`` is therefore the ``q^n`` coefficient of a product
of one series ``sum_a q^(l a^2) zeta_m^(a s)`` per positive cycle, an element of
``Z[x]/(x^m - 1)`` per shell, which the kernels below keep exactly as integers.

* :func:`enumerate_cycle_types`: the closure of the generators (elements as integer keys
  in a hash set), with each element's positive cycles encoded ``l m + s`` (``s`` folded to
  ``min(s, m - s)``, since ``a -> -a`` maps one series to the other), sorted and packed
  into one integer.
* :func:`multiply_cycle`: a graded state ``F[n, r]`` (shell n, phase r modulo m) times the
  series of one cycle, truncated at ``n2max``; zero rows are skipped, so the first factors
  (a few squares) cost little.

Private module: the public entry point is :func:`weylgain.exact.torus.torus_character_shells`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
def _decode(key, d, modulus, perm, sign, weight):
    radix = 2 * d * modulus
    for i in range(d - 1, -1, -1):
        digit = key % radix
        key //= radix
        weight[i] = digit % modulus
        rest = digit // modulus
        sign[i] = -1 if rest % 2 == 1 else 1
        perm[i] = rest // 2


@njit(cache=True)
def _encode(perm, sign, weight, modulus):
    d = perm.shape[0]
    radix = 2 * d * modulus
    key = np.int64(0)
    for i in range(d):
        key = key * radix + (perm[i] * 2 + (1 if sign[i] < 0 else 0)) * modulus + weight[i]
    return key


@njit(cache=True)
def _insert(table, key):
    """Insert key (>= 0) into the open-addressing table (-1 = empty); True if new."""
    mask = table.shape[0] - 1
    h = (key * np.int64(-7046029254386353131)) & mask  # multiplicative hash
    while True:
        v = table[h]
        if v == -1:
            table[h] = key
            return True
        if v == key:
            return False
        h = (h + 1) & mask


@njit(cache=True)
def _signature_key(perm, sign, weight, modulus, radix, seen, codes):
    """The positive cycles of one element, codes ``l m + s``, sorted and packed into one
    integer: digits ``code + 1``, the smallest code least significant."""
    d = perm.shape[0]
    seen[:] = False
    codes[:] = -1
    c = 0
    for start in range(d):
        if seen[start]:
            continue
        length = 0
        eps = np.int64(1)
        phase = np.int64(0)
        prod = np.int64(1)
        i = start
        while not seen[i]:
            seen[i] = True
            length += 1
            phase = (phase + eps * weight[i]) % modulus
            prod *= sign[i]
            eps = eps * sign[i]
            i = perm[i]
        if prod == 1:
            s = phase % modulus
            if modulus - s < s:
                s = modulus - s
            v = length * modulus + s
            b = c - 1
            while b >= 0 and codes[b] > v:  # insertion into the sorted prefix
                codes[b + 1] = codes[b]
                b -= 1
            codes[b + 1] = v
            c += 1
    key = np.int64(0)
    for i in range(d - 1, -1, -1):
        key = key * radix + (codes[i] + 1)
    return key


@njit(cache=True)
def enumerate_cycle_types(gen_perms, gen_signs, gen_weights, modulus, max_order):
    """Breadth-first closure of the generators with one signature key per element.

    Elements are kept only as integer keys (mixed radix over ``(pi_i, sign bit, w_i)``; the
    caller checks that ``(2 D m)^D`` fits in 63 bits) in an open-addressing hash set and a
    queue; each element's positive cycles are packed into one integer
    (:func:`_signature_key`), digits ``code + 1`` in radix ``D m + m + 2``.

    Parameters
    ----------
    gen_perms, gen_signs, gen_weights : int64 arrays of shape (g, D)
    modulus, max_order : int64

    Returns
    -------
    int64 array of shape (|G|,)
        Signature keys, one per element; empty when the group has more than
        ``max_order`` elements.
    """
    n_gen, d = gen_perms.shape
    cap = 1024
    table = np.full(2 * cap, -1, dtype=np.int64)
    queue = np.empty(cap, dtype=np.int64)
    perm = np.arange(d).astype(np.int64)
    sign = np.ones(d, dtype=np.int64)
    weight = np.zeros(d, dtype=np.int64)
    queue[0] = _encode(perm, sign, weight, modulus)
    _insert(table, queue[0])
    size = 1
    head = 0
    sig_radix = d * modulus + modulus + 2
    sigs = np.empty(cap, dtype=np.int64)
    seen = np.zeros(d, dtype=np.bool_)
    codes = np.empty(d, dtype=np.int64)
    new_p = np.empty(d, dtype=np.int64)
    new_s = np.empty(d, dtype=np.int64)
    new_w = np.empty(d, dtype=np.int64)
    while head < size:
        _decode(queue[head], d, modulus, perm, sign, weight)
        sigs[head] = _signature_key(perm, sign, weight, modulus, sig_radix, seen, codes)
        head += 1
        for g in range(n_gen):
            for i in range(d):  # g after the element: pi = pi_h[pi_g], ...
                j = gen_perms[g, i]
                new_p[i] = perm[j]
                new_s[i] = gen_signs[g, i] * sign[j]
                v = (gen_signs[g, i] * weight[j] + gen_weights[g, i]) % modulus
                if v < 0:
                    v += modulus
                new_w[i] = v
            k = _encode(new_p, new_s, new_w, modulus)
            if _insert(table, k):
                if size >= max_order:
                    return np.empty(0, dtype=np.int64)
                if size == queue.shape[0]:
                    bigger = np.empty(2 * queue.shape[0], dtype=np.int64)
                    bigger[:size] = queue[:size]
                    queue = bigger
                    more = np.empty(2 * sigs.shape[0], dtype=np.int64)
                    more[:head] = sigs[:head]
                    sigs = more
                queue[size] = k
                size += 1
                if 2 * size > table.shape[0] // 2:  # keep the load below 1/2
                    new_table = np.full(2 * table.shape[0], -1, dtype=np.int64)
                    for t in range(table.shape[0]):
                        if table[t] != -1:
                            _insert(new_table, table[t])
                    table = new_table
    return sigs[:size]
