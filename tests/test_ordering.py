"""The nested-dissection kernel against a plain-Python reference of the same algorithm."""

from collections import deque

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from weylgain import meshes
from weylgain._kernels.ordering import nested_dissection
from weylgain.fem import laplacian


def reference_nested_dissection(indptr, indices, n, leaf):
    """Level-structure dissection, written for clarity: lists, deque, recursion."""
    def bfs(root, members):
        level = {root: 0}
        order = [root]
        queue = deque([root])
        while queue:
            v = queue.popleft()
            for w in indices[indptr[v]:indptr[v + 1]]:
                if w in members and w not in level:
                    level[w] = level[v] + 1
                    order.append(w)
                    queue.append(w)
        return level, order

    def dissect(vertices):
        if len(vertices) <= leaf:
            return list(vertices)
        members = set(vertices)
        level, order = bfs(vertices[0], members)
        if len(order) == len(vertices):
            level, order = bfs(order[-1], members)
        else:
            rest = [v for v in vertices if v not in level]
            return dissect(order) + dissect(rest)
        depth = level[order[-1]]
        if depth < 2:
            return list(vertices)
        counts = np.bincount([level[v] for v in order], minlength=depth + 1)
        sep = int(np.argmax(2 * np.cumsum(counts) >= len(vertices)))
        sep = min(max(sep, 1), depth - 1)
        left = [v for v in order if level[v] < sep]
        right = [v for v in order if level[v] > sep]
        middle = [v for v in order if level[v] == sep]
        return dissect(left) + dissect(right) + middle

    return np.array(dissect(list(range(n))), dtype=np.int64)


@pytest.mark.parametrize("make", [lambda: meshes.sphere(3), lambda: meshes.torus(3, 6),
                                  lambda: meshes.box(2, 12)], ids=["sphere", "torus3", "box2"])
@pytest.mark.parametrize("leaf", [8, 64])
def test_kernel_matches_reference(make, leaf):
    K, _ = laplacian(make())
    G = K.tocsr()
    got = nested_dissection(G.indptr.astype(np.int64), G.indices.astype(np.int64), G.shape[0], leaf)
    want = reference_nested_dissection(G.indptr, G.indices, G.shape[0], leaf)
    assert np.array_equal(got, want)


def test_disconnected_pattern_and_fill():
    # two disjoint spheres: a disconnected pattern is split without a separator
    K, M = laplacian(meshes.sphere(3))
    K2 = sp.block_diag([K, K]).tocsr()
    M2 = sp.block_diag([M, M]).tocsc()
    perm = nested_dissection(K2.indptr.astype(np.int64), K2.indices.astype(np.int64), K2.shape[0], 16)
    assert np.array_equal(np.sort(perm), np.arange(K2.shape[0]))
    want = reference_nested_dissection(K2.indptr, K2.indices, K2.shape[0], 16)
    assert np.array_equal(perm, want)
    # and it reduces fill against the natural order of the generator
    A = (K2 - 10 * M2).tocsc()
    opts = dict(permc_spec="NATURAL", diag_pivot_thresh=0.0,
                options=dict(SymmetricMode=True, Equil=False))
    nd = spla.splu(A[perm][:, perm].tocsc(), **opts).nnz
    natural = spla.splu(A, **opts).nnz
    assert nd < natural
