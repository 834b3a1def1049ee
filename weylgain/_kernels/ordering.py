"""Numba kernel: a nested-dissection ordering of a sparse symmetric pattern.

Recursive bisection by breadth-first level sets (George's level-structure dissection): from
a pseudo-peripheral vertex of a subdomain, the BFS level that splits it in halves is the
separator; the two sides are ordered first, the separator last. On meshes this gives less
fill and far fewer flops than minimum degree, and it needs no coordinates, so it serves any
pencil (K, M). All work happens in place in one buffer: the positions a subdomain occupies in
the buffer are the positions it takes in the final order.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _bfs(indptr, indices, owner, task, root, level, queue):
    """Levels of a BFS from ``root`` within the vertices owned by ``task``.

    Returns (number reached, last vertex reached, deepest level); ``level`` of reached
    vertices is set, and ``queue[:reached]`` lists them in BFS order.
    """
    level[root] = 0
    queue[0] = root
    head = 0
    tail = 1
    while head < tail:
        v = queue[head]
        head += 1
        lv = level[v] + 1
        for p in range(indptr[v], indptr[v + 1]):
            w = indices[p]
            if owner[w] == task and level[w] < 0:
                level[w] = lv
                queue[tail] = w
                tail += 1
    last = queue[tail - 1]
    return tail, last, level[last]


@njit(cache=True)
def _push(buf, owner, stack_start, stack_end, stack_id, top, start, end, task):
    """Give the vertices buf[start:end] to a new task and put it on the stack."""
    for i in range(start, end):
        owner[buf[i]] = task
    stack_start[top] = start
    stack_end[top] = end
    stack_id[top] = task
    return top + 1


@njit(cache=True)
def nested_dissection(indptr, indices, n, leaf_size):
    """Fill-reducing order of the symmetric pattern (indptr, indices) of an n x n matrix.

    Returns perm (n,) int64: the matrix A[perm][:, perm] is to be factored in natural order.
    """
    buf = np.arange(n, dtype=np.int64)
    owner = np.zeros(n, dtype=np.int64)
    level = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    scratch = np.empty(n, dtype=np.int64)
    # task stack: (start, end, id); the vertices of task id are buf[start:end]
    stack_start = np.empty(2 * n + 2, dtype=np.int64)
    stack_end = np.empty(2 * n + 2, dtype=np.int64)
    stack_id = np.empty(2 * n + 2, dtype=np.int64)
    stack_start[0] = 0
    stack_end[0] = n
    stack_id[0] = 0
    top = 1
    next_id = 1
    while top > 0:
        top -= 1
        start = stack_start[top]
        end = stack_end[top]
        task = stack_id[top]
        size = end - start
        if size <= leaf_size:
            continue
        # pseudo-peripheral root: BFS from the first vertex, restart from the farthest
        root = buf[start]
        reached, far, depth = _bfs(indptr, indices, owner, task, root, level, queue)
        for i in range(reached):
            level[queue[i]] = -1
        if reached == size:
            reached, far, depth = _bfs(indptr, indices, owner, task, far, level, queue)
        else:
            reached, far, depth = _bfs(indptr, indices, owner, task, root, level, queue)
        if reached < size:
            # disconnected: the reached component and the rest are independent, no separator
            nl = 0
            nr = 0
            for i in range(start, end):
                v = buf[i]
                if level[v] >= 0:
                    scratch[nl] = v
                    nl += 1
            for i in range(start, end):
                v = buf[i]
                if level[v] < 0:
                    scratch[reached + nr] = v
                    nr += 1
            for i in range(size):
                buf[start + i] = scratch[i]
            for i in range(reached):
                level[queue[i]] = -1
            top = _push(buf, owner, stack_start, stack_end, stack_id, top, start, start + nl,
                        next_id)
            top = _push(buf, owner, stack_start, stack_end, stack_id, top, start + nl, end,
                        next_id + 1)
            next_id += 2
            continue
        if depth < 2:
            for i in range(reached):
                level[queue[i]] = -1
            continue  # a clique-like piece: nothing to dissect
        # the level where the cumulative count passes half is the separator
        counts = np.zeros(depth + 1, dtype=np.int64)
        for i in range(reached):
            counts[level[queue[i]]] += 1
        cum = 0
        sep_level = depth - 1
        for l in range(depth + 1):
            cum += counts[l]
            if 2 * cum >= size:
                sep_level = l
                break
        if sep_level < 1:
            sep_level = 1
        if sep_level > depth - 1:
            sep_level = depth - 1
        # in BFS order: left (level < sep), right (level > sep), separator (level == sep)
        nl = 0
        for i in range(reached):
            v = queue[i]
            if level[v] < sep_level:
                scratch[nl] = v
                nl += 1
        nr = 0
        for i in range(reached):
            v = queue[i]
            if level[v] > sep_level:
                scratch[nl + nr] = v
                nr += 1
        ns = 0
        for i in range(reached):
            v = queue[i]
            if level[v] == sep_level:
                scratch[nl + nr + ns] = v
                ns += 1
        for i in range(size):
            buf[start + i] = scratch[i]
            level[scratch[i]] = -1
        # the separator keeps its place at the end and leaves every later BFS
        for i in range(start + nl + nr, end):
            owner[buf[i]] = next_id + 2
        top = _push(buf, owner, stack_start, stack_end, stack_id, top, start, start + nl,
                    next_id)
        top = _push(buf, owner, stack_start, stack_end, stack_id, top, start + nl,
                    start + nl + nr, next_id + 1)
        next_id += 3
    return buf
