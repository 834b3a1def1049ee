"""One pencil on MPI: ``mpiexec -n 2 python -m weylgain.mpi`` counts equal the serial ones.

Truth: the serial counter (:func:`weylgain.counting_function`) on the same mesh, and the
sphere's exact counts N((L+1)^2) = (L+1)^2 between its eigenvalue clusters.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from weylgain import counting_function, laplacian, meshes
from weylgain import mpi as wmpi

needs_mpi = pytest.mark.skipif(
    shutil.which("mpiexec") is None or not wmpi.mpi_available(),
    reason="needs mpiexec, mpi4py and pymumps (apt-get install openmpi-bin libopenmpi-dev "
           "libmumps-dev; pip install 'weylgain[mpi]')")


def _mpiexec(n, args, timeout=300, module="weylgain.mpi"):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1")
    cmd = ["mpiexec", "-n", str(n)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd += ["--oversubscribe", sys.executable, "-m", *module.split(), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _serial(spec, lams, lumped=False):
    K, M = laplacian(meshes.from_spec(spec), lumped=lumped)
    return counting_function(K, M, lams).tolist()


@needs_mpi
@pytest.mark.parametrize("spec, lams, lumped", [
    ("sphere:4", [0.0, 4.0, 36.0, 100.0], False),  # 0: the constants (a null pivot at lam)
    ("box:3:12", [5.0, 20.0, 60.0], False),
    ("box:3:12", [20.0, 60.0], True),
])
def test_two_ranks_count_what_the_serial_counter_counts(spec, lams, lumped):
    args = ["--mesh", spec, "--json"] + [a for lam in lams for a in ("--lam", str(lam))]
    if lumped:
        args.append("--lumped")
    proc = _mpiexec(2, args)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "{" in x)
    # past any terminal escapes before it, and anything another rank wrote after it
    out, _ = json.JSONDecoder().raw_decode(line[line.index("{"):])
    assert out["n_ranks"] == 2 and len(out["peak_rss_mb"]) == 2
    assert out["counts"] == _serial(spec, lams, lumped)
    if spec.startswith("sphere"):
        assert out["counts"] == [1, 4, 36, 100]
    assert out["factor_entries"] > 0 and out["flops"] > 0


@needs_mpi
def test_one_rank_in_process_equals_serial():
    res = wmpi.count_distributed("box:3:10", [8.0, 40.0])
    assert res.n_ranks == 1
    assert list(res.counts) == _serial("box:3:10", [8.0, 40.0])
    assert res.to_dict()["counts"] == list(res.counts)


@needs_mpi
def test_bad_lam_is_refused():
    proc = _mpiexec(1, ["--mesh", "sphere:2", "--lam", "-1"])
    assert proc.returncode == 2 and "--lam must be" in proc.stderr


def test_missing_stack_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "mumps", None)
    assert not wmpi.mpi_available()
    with pytest.raises(wmpi.MPIUnavailableError, match="libmumps-dev"):
        wmpi.count_distributed("sphere:2", [4.0])
    with pytest.raises(ImportError):  # also an ImportError for generic handlers
        wmpi.count_distributed("sphere:2", [4.0])


@needs_mpi
def test_count_command_with_mpi_flag_equals_serial():
    # the entry the issue names: mpiexec -n P python -m weylgain count --mpi ...
    lams = [5.0, 20.0, 60.0]
    args = ["--mesh", "box:3:12", "--json"] + [a for lam in lams for a in ("--lam", str(lam))]
    proc = _mpiexec(2, ["--mpi"] + args, module="weylgain count")
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if "{" in x)
    out, _ = json.JSONDecoder().raw_decode(line[line.index("{"):])
    assert out["n_ranks"] == 2 and out["counts"] == _serial("box:3:12", lams)


def test_count_mpi_flag_refuses_group():
    from weylgain.cli import main

    assert main(["count", "--mesh", "sphere:2", "--group", "C4", "--mpi"]) == 2
