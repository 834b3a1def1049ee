"""Exact-count requests that cannot fit in memory are refused before any allocation."""

from __future__ import annotations

import pytest

from weylgain import ResourceError
from weylgain.cli import main
from weylgain.exact import exact_counts, lattice_shell_counts, sphere_invariant_dimensions


@pytest.mark.parametrize("manifold, group, lam", [
    ("T2", "signs2", 1e12),   # a shell table of 1e12 int64 (8 TB)
    ("S2", "C4", 1e30),       # a Molien series of 1e15 long doubles
])
def test_huge_exact_requests_are_refused(manifold, group, lam):
    with pytest.raises(ResourceError, match="would need about .* lower lam"):
        exact_counts(manifold, group, lam)


def test_guards_at_the_table_builders():
    with pytest.raises(ResourceError):
        lattice_shell_counts(2, 10 ** 13)
    with pytest.raises(ResourceError):
        sphere_invariant_dimensions(None, 10 ** 15, dim=3)
    # sizes that fit still give the classical values: r_2(n) for n = 0..5, and 2l+1
    assert lattice_shell_counts(2, 5).tolist() == [1, 4, 4, 0, 4, 8]
    assert sphere_invariant_dimensions(None, 3, dim=3).tolist() == [1, 3, 5, 7]


def test_cli_refuses_with_exit_2(capsys):
    assert main(["exact", "T2", "signs2", "--lam", "1e12"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("weylgain: error:") and "TiB" in err and "Traceback" not in err
