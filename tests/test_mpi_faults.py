"""MPI counts under faults: ranks that read different files, or none, stop together.

Each case starts two real ranks with ``mpiexec`` in MPMD form, each rank in its own working
folder (``-wdir``), so one relative path names different files on the two ranks (as on nodes
that do not share a folder). Before, the ranks assembled shares of different meshes and rank
0 printed a count, or rank 0 waited forever in a collective when rank 1's file was missing or
corrupt. Truth: the serial counter on the mesh itself, the folders' contents, and a time
bound (a hang is a failure, not a wait).
"""

import os
import shutil
import subprocess
import sys

import pytest

from weylgain import counting_function, laplacian, meshes
from weylgain import mpi as wmpi
from weylgain.errors import MeshError, ResourceError, SpecError
from weylgain.io import write_mesh

needs_mpi = pytest.mark.skipif(
    shutil.which("mpiexec") is None or not wmpi.mpi_available(),
    reason="needs mpiexec, mpi4py and pymumps (the 'mpi' extra)")

HANG_LIMIT = 120  # seconds; each run takes a few


def _mpmd(folders, args, module=("weylgain.mpi",)):
    """``mpiexec -n 1 -wdir A python -m ... : -n 1 -wdir B python -m ...``, bounded."""
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1")
    cmd = ["mpiexec"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd.append("--oversubscribe")
    for i, folder in enumerate(folders):
        if i:
            cmd.append(":")
        cmd += ["-n", "1", "-wdir", str(folder), sys.executable, "-m", *module, *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=HANG_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # mpiexec and the ranks it started (our own session only)
        proc.communicate()
        pytest.fail(f"the ranks hung (> {HANG_LIMIT} s) instead of stopping with an error")
    return proc.returncode, out, err


@pytest.fixture
def folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write_mesh(meshes.from_spec("sphere:2"), a / "m.off")
    return a, b


def _errors(err):
    return [line for line in err.splitlines() if line.startswith("weylgain: error:")]


@needs_mpi
def test_ranks_that_read_different_meshes_stop_instead_of_counting(folders):
    a, b = folders
    write_mesh(meshes.from_spec("sphere:3"), b / "m.off")  # same name, another mesh
    status, out, err = _mpmd([a, b], ["--mesh", "m.off", "--lam", "4", "--json"])
    assert status != 0 and "{" not in out, out  # no count printed
    errors = _errors(err)
    assert len(errors) == 1, err  # said once, not once per rank
    assert "built different meshes" in errors[0]
    assert "rank 0: 162 vertices" in errors[0] and "rank 1: 642 vertices" in errors[0]
    assert "Traceback" not in err


@needs_mpi
@pytest.mark.slow  # a real mpiexec run (~7 s)
def test_same_size_different_coordinates_are_told_apart(folders):
    a, b = folders
    write_mesh(meshes.from_spec("sphere:2:1.5"), b / "m.off")  # radius 1.5: one topology
    status, out, err = _mpmd([a, b], ["--mesh", "m.off", "--lam", "4"])
    assert status != 0 and "built different meshes" in err and "N(lam)" not in out


@needs_mpi
@pytest.mark.slow  # a real mpiexec run (~7 s)
def test_ranks_given_different_thresholds_stop_instead_of_hanging(tmp_path):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1")
    one = [sys.executable, "-m", "weylgain.mpi", "--mesh", "sphere:2"]
    cmd = (["mpiexec"] + ["--allow-run-as-root"] * (os.geteuid() == 0) + ["--oversubscribe"]
           + ["-n", "1", *one, "--lam", "4", ":", "-n", "1", *one, "--lam", "4", "--lam", "9"])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True, cwd=tmp_path)
    try:
        out, err = proc.communicate(timeout=HANG_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        pytest.fail("the ranks hung instead of stopping with an error")
    assert proc.returncode != 0 and "different thresholds" in err and "N(lam)" not in out


@needs_mpi
def test_a_file_missing_on_one_rank_stops_every_rank(folders):
    a, b = folders
    status, out, err = _mpmd([a, b], ["--mesh", "m.off", "--lam", "4"])
    assert status != 0
    errors = _errors(err)
    assert len(errors) == 1 and "on MPI rank 1 of 2" in errors[0]
    assert "does not exist" in errors[0] and str(b) in errors[0]


@needs_mpi
def test_a_corrupt_file_on_one_rank_stops_every_rank_through_the_cli(folders):
    a, b = folders
    (b / "m.off").write_text("OFF\n3 1 0\n0 0 0\n")  # truncated
    status, out, err = _mpmd([a, b], ["count", "--mpi", "--mesh", "m.off", "--lam", "4"],
                             module=("weylgain",))
    assert status != 0
    errors = _errors(err)
    assert len(errors) == 1 and "on MPI rank 1 of 2" in errors[0] and "m.off" in errors[0]
    assert "Traceback" not in err


@needs_mpi
@pytest.mark.slow  # a real mpiexec run (~7 s)
def test_the_same_file_in_both_folders_counts_what_the_serial_counter_counts(folders):
    a, b = folders
    shutil.copy(a / "m.off", b / "m.off")
    status, out, err = _mpmd([a, b], ["--mesh", "m.off", "--lam", "4", "--lam", "10"])
    assert status == 0, err
    K, M = laplacian(meshes.from_spec("sphere:2"))
    serial = counting_function(K, M, [4.0, 10.0]).tolist()
    assert serial == [4, 9]  # sphere:2: N(4) = 4 exactly; (9 below 10: l <= 2)
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [int(r[1]) for r in rows] == serial


# ------------------------------------------------------------------ in this process (1 rank)
@needs_mpi
def test_one_rank_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        wmpi.count_distributed(str(tmp_path / "nope.off"), [4.0])


@needs_mpi
def test_one_rank_corrupt_file_is_a_mesh_error(tmp_path):
    bad = tmp_path / "bad.off"
    bad.write_text("OFF\n3 1 0\n0 0 0\n")
    with pytest.raises(MeshError, match="bad.off"):
        wmpi.count_distributed(str(bad), [4.0])


class _FakeComm:
    """Stands for two ranks: ``allgather`` returns this rank's item and the other's."""

    size = 2

    def __init__(self, rank, other):
        self.rank, self.other = rank, other

    def allgather(self, item):
        return [item, self.other] if self.rank == 0 else [self.other, item]


def test_agreement_raises_on_every_rank_the_failed_ranks_error():
    ok = ("ok", None)
    failed = ("error", "MeshError", "m.off: truncated")
    # rank 0 succeeded, rank 1 failed: rank 0 raises rank 1's error
    with pytest.raises(MeshError, match="on MPI rank 1 of 2: m.off: truncated"):
        wmpi._on_all_ranks(_FakeComm(0, failed), lambda: 1)
    # rank 1 itself raises the same
    with pytest.raises(MeshError, match="on MPI rank 1 of 2: m.off: truncated"):
        wmpi._on_all_ranks(_FakeComm(1, ok), lambda: (_ for _ in ()).throw(
            MeshError("m.off: truncated")))
    # a raw exception on a rank is still a weylgain error, its type named
    with pytest.raises(ResourceError, match="on MPI rank 1 of 2: MemoryError: "):
        wmpi._on_all_ranks(_FakeComm(0, ("error", "MemoryError", "")), lambda: 1)
    with pytest.raises(wmpi.CountingError, match="on every MPI rank: KeyError: 'x'"):
        wmpi._on_all_ranks(_FakeComm(0, ("error", "KeyError", "'x'")),
                           lambda: {}["x"])
    value, public = wmpi._on_all_ranks(_FakeComm(0, ("ok", 7)), lambda: 3, lambda v: v * 2)
    assert value == 3 and public == [6, 7]


def test_fingerprints_tell_meshes_apart_and_agree_on_one():
    a = wmpi._fingerprint(meshes.from_spec("sphere:2"), False)
    assert wmpi._same_fingerprint(a, wmpi._fingerprint(meshes.from_spec("sphere:2"), False))
    for other in (wmpi._fingerprint(meshes.from_spec("sphere:2:1.5"), False),
                  wmpi._fingerprint(meshes.from_spec("sphere:2:octahedron"), False),
                  wmpi._fingerprint(meshes.from_spec("sphere:2"), True)):
        assert not wmpi._same_fingerprint(a, other)
    with pytest.raises(SpecError, match="different thresholds"):
        wmpi._check_same_pencil([a | {"lams": [4.0]}, a | {"lams": [4.0, 9.0]}], "m.off")
    with pytest.raises(SpecError, match="different meshes"):
        wmpi._check_same_pencil([a, wmpi._fingerprint(meshes.from_spec("sphere:3"), False)],
                                "m.off")
