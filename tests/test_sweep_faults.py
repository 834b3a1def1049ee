"""Sweeps under faults: forged, corrupt and foreign lines in a resumed file, an output that is
not a results file, and tasks that fail (serially and on a real Dask cluster).

Truth: the unit sphere's exact counts N((L+1)^2) = (L+1)^2 between its eigenvalue clusters
l(l+1) (P1 on sphere:3 is still exact at lam = 4, 9, 16), so a wrong number read back from a
file is told apart from a recomputed one; and the bytes of the files before and after.
"""

import hashlib
import json
import logging
import os
import subprocess
import sys
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from weylgain import meshes, sweep
from weylgain.errors import ResourceError, SpecError, WeylgainError, WeylgainWarning
from weylgain.io import write_mesh

SPEC = "sphere:3"
LAMS = (4.0, 9.0, 16.0)
TRUE = {4.0: 4, 9.0: 9, 16.0: 16}  # (L+1)^2 eigenvalues of S^2 below (L+1)^2


def _tasks():
    return sweep.count_tasks(SPEC, LAMS, per_task=1)


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


@pytest.fixture(scope="module")
def done_file(tmp_path_factory):
    """A results file of the three tasks, computed once (the truth checked on it)."""
    path = tmp_path_factory.mktemp("sweep") / "done.jsonl"
    res = sweep.run(_tasks(), output=path, progress=False)
    assert dict(zip(*[a.tolist() for a in res.counts()])) == TRUE
    return path


def _forge(done_file, tmp_path, edit, extra_lines=()):
    """A copy of ``done_file`` whose first record is changed by ``edit`` (in place)."""
    records = _lines(done_file)
    edit(records[0])
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records)
                    + "".join(x + "\n" for x in extra_lines))
    return path, records


def _resume(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sweep.run(_tasks(), output=path, progress=False)
    notes = [str(w.message) for w in caught if issubclass(w.category, WeylgainWarning)
             and "not valid sweep records" in str(w.message)]
    return res, notes


def _set(path, value):
    def edit(rec):
        target = rec
        for k in path[:-1]:
            target = target[k]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value(target[path[-1]]) if callable(value) else value
    return edit


_DELETE = object()

# (what, edit of the first record, a fragment of the note)
FORGERIES = [
    ("counts as text", _set(("result", "counts"), lambda c: [str(x) for x in c]),
     "non-negative integers"),
    ("no counts", _set(("result", "counts"), _DELETE), "no list of counts"),
    ("counts as booleans", _set(("result", "counts"), [True]), "non-negative integers"),
    ("a negative count", _set(("result", "counts"), [-4]), "non-negative integers"),
    ("two counts for one threshold", _set(("result", "counts"), [4, 4]), "one per threshold"),
    ("more counts than unknowns", _set(("result", "counts"), [10**6]), "exceed"),
    ("another mesh under the key", _set(("task", "mesh"), "sphere:2"), "is not its task's"),
    ("another threshold under the key", _set(("task", "lams"), [5.0]), "is not its task's"),
    ("thresholds that are not the task's", _set(("result", "lams"), [5.0]), "thresholds"),
    ("an unknown kind", _set(("kind",), "paint"), "kind"),
    ("a task that is not a task", _set(("task",), {"mesh": ""}), "not a valid count task"),
    ("a result that is a list", _set(("result",), [4]), "not an object"),
    ("resolved flags as text", _set(("result", "resolved"), ["yes"]), "resolved"),
    ("lam_h2 missing", _set(("result", "lam_h2"), _DELETE), "lam_h2"),
    ("mean_edge as text", _set(("result", "mean_edge"), "0.1"), "mean_edge"),
    ("no result", _set(("result",), _DELETE), "no 'result'"),
]


@pytest.mark.parametrize("what, edit, fragment", FORGERIES, ids=[f[0] for f in FORGERIES])
def test_a_forged_line_is_named_and_recomputed_never_trusted(what, edit, fragment, done_file,
                                                             tmp_path):
    path, records = _forge(done_file, tmp_path, edit)
    res, notes = _resume(path)
    assert len(notes) == 1 and "line 1" in notes[0] and fragment in notes[0], notes
    assert (res.computed, res.skipped) == (1, 2)
    lams, counts = res.counts()
    assert dict(zip(lams.tolist(), counts.tolist())) == TRUE


def test_a_key_that_matches_but_wrong_counts_of_another_mesh_are_not_used(done_file, tmp_path):
    """The finding: the key of a sphere:3 task on a record of another mesh's counts."""
    def edit(rec):
        rec["task"]["mesh"] = "sphere:2"
        rec["result"]["counts"] = [rec["result"]["counts"][0] + 1]
    path, _ = _forge(done_file, tmp_path, edit)
    res, notes = _resume(path)
    assert notes and "line 1" in notes[0]
    assert {r["task"]["mesh"] for r in res.records} == {SPEC}
    lams, counts = res.counts()
    assert dict(zip(lams.tolist(), counts.tolist())) == TRUE


def test_garbage_and_torn_lines_are_named_by_number_and_the_rest_kept(done_file, tmp_path):
    records = _lines(done_file)
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(records[0]) + "\n" + "OFF\n" + json.dumps(records[1]) + "\n"
                    + "[1, 2]\n" + '{"key": "count-torn", "res\n' + json.dumps(records[2])[:40])
    res, notes = _resume(path)
    assert len(notes) == 1
    note = notes[0]
    assert "4 line(s)" in note
    assert "line 2 is not JSON" in note and "line 4: a JSON list" in note
    assert "line 5 is a cut-off record" in note and "line 6 is a cut-off record" in note
    assert (res.computed, res.skipped) == (1, 2)
    lams, counts = res.counts()
    assert dict(zip(lams.tolist(), counts.tolist())) == TRUE
    # the recomputed record went onto a line of its own, after the torn one
    assert json.loads(path.read_text().splitlines()[-1])["key"] == records[2]["key"]


def test_two_valid_records_of_one_key_that_disagree_are_both_dropped(done_file, tmp_path):
    records = _lines(done_file)
    twin = json.loads(json.dumps(records[0]))
    twin["result"]["counts"] = [3]  # still an integer, still <= n: only the twin contradicts
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records + [twin]))
    res, notes = _resume(path)
    assert notes and "line 4 counts [3] where line 1 has [4]" in notes[0]
    assert (res.computed, res.skipped) == (1, 2)
    assert dict(zip(*[a.tolist() for a in res.counts()])) == TRUE


def test_another_sweeps_valid_records_are_kept_silently(done_file, tmp_path):
    """Two sweeps sharing a file: records of tasks not in this sweep are no fault."""
    other = sweep.run([sweep.ExactTask("S2", "I", 400.0)], output=None, progress=False)
    path = tmp_path / "r.jsonl"
    path.write_text(done_file.read_text() + json.dumps(other.records[0]) + "\n")
    res, notes = _resume(path)
    assert notes == [] and (res.computed, res.skipped) == (0, 3)


def test_a_forged_exact_record_is_not_trusted(tmp_path):
    task = sweep.ExactTask("S2", "I", 400.0)
    good = sweep.run([task], output=None, progress=False).records[0]
    forged = json.loads(json.dumps(good))
    forged["result"]["count"] = "7"
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(forged) + "\n")
    with pytest.warns(WeylgainWarning, match="line 1: its count '7'"):
        res = sweep.run([task], output=path, progress=False)
    assert res.records[0]["result"]["count"] == good["result"]["count"] == 7


# ------------------------------------------------------------------ output that is not ours
def _never(*args, **kwargs):
    raise AssertionError("a task ran although the output should have been refused first")


@pytest.fixture
def mesh_file(tmp_path):
    path = tmp_path / "m.off"
    write_mesh(meshes.from_spec("sphere:1"), path)
    return path


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("resume", [True, False])
def test_an_existing_mesh_file_as_output_is_refused_before_any_work(mesh_file, resume,
                                                                    monkeypatch):
    before = _digest(mesh_file)
    monkeypatch.setattr(sweep, "execute", _never)
    with pytest.raises(SpecError, match="not a sweep results file.*'OFF'"):
        sweep.run(_tasks(), output=mesh_file, resume=resume, progress=False)
    assert _digest(mesh_file) == before


@pytest.mark.parametrize("content", [
    '[{"kind": "count", "mesh": "sphere:1", "lams": [1]}]\n',  # a task list
    "# a note\n{\"key\": \"count-x\"}\n",
    b"\x89PNG\r\n\x1a\n\x00\x00",
    "v 0 0 0\nv 1 0 0\nf 1 2 3\n",
])
def test_other_files_as_output_are_refused_and_left_alone(content, tmp_path, monkeypatch):
    path = tmp_path / "x.jsonl"
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    before = _digest(path)
    monkeypatch.setattr(sweep, "execute", _never)
    with pytest.raises(SpecError, match="not a sweep results file"):
        sweep.run(_tasks(), output=path, progress=False)
    assert _digest(path) == before


def test_an_empty_existing_file_is_a_fine_output(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("\n")
    res = sweep.run(_tasks()[:1], output=path, progress=False)
    assert res.computed == 1 and len(_lines(path)) == 1


def test_cli_refuses_a_mesh_file_as_output(mesh_file, capsys, monkeypatch):
    from weylgain.cli import main

    before = _digest(mesh_file)
    monkeypatch.setattr(sweep, "execute", _never)
    status = main(["sweep", "--mesh", SPEC, "--lam", "4", "--output", str(mesh_file)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("weylgain: error: ") and "not a sweep results" in err
    assert _digest(mesh_file) == before


def test_cli_names_the_bad_lines_and_shows_only_true_counts(done_file, tmp_path, capsys):
    from weylgain.cli import main

    path, _ = _forge(done_file, tmp_path, _set(("result", "counts"), lambda c: [str(c[0] + 1)]))
    status = main(["sweep", "--mesh", SPEC, "--lam", "4", "--lam", "9", "--lam", "16",
                   "--per-task", "1",
                   "--output", str(path), "--json"])
    captured = capsys.readouterr()
    assert status == 0
    assert "weylgain: note:" in captured.err and "line 1" in captured.err
    out = json.loads(captured.out)
    assert (out["computed"], out["skipped"], out["failed"]) == (1, 2, 0)
    assert out["counts"][0]["lams"] == list(LAMS)
    assert out["counts"][0]["counts"] == [TRUE[x] for x in LAMS]


# ------------------------------------------------------------------ tasks that fail
def test_a_failing_task_is_named_and_the_others_are_kept(tmp_path):
    out = tmp_path / "r.jsonl"
    good = _tasks()
    bad = sweep.CountTask("nosuch:3", (4.0,))
    with pytest.raises(SpecError) as info:
        sweep.run([good[0], bad, good[1]], output=out, progress=False)
    msg = str(info.value)
    assert "1 of 3 sweep task(s) failed" in msg and "nosuch:3" in msg
    assert "unknown mesh kind" in msg and str(out) in msg
    res = info.value.sweep_result
    assert [r["key"] for r in res.records] == [good[0].key, good[1].key]  # after the failure too
    assert [r["task"]["mesh"] for r in res.failed] == ["nosuch:3"]
    assert res.failed[0]["error"]["type"] == "SpecError"
    assert (res.computed, res.skipped) == (2, 0)
    assert [r["key"] for r in _lines(out)] == [good[0].key, good[1].key]
    assert dict(zip(*[a.tolist() for a in res.counts()])) == {4.0: 4, 9.0: 9}
    # a rerun computes the failed task only (and fails on it again, deterministically)
    with pytest.raises(SpecError) as again:
        sweep.run([good[0], bad, good[1]], output=out, progress=False)
    assert (again.value.sweep_result.computed, again.value.sweep_result.skipped) == (0, 2)


def test_a_raw_exception_in_a_task_becomes_a_weylgain_error(monkeypatch):
    def broken(task):
        raise ZeroDivisionError("a bug")
    monkeypatch.setitem(sweep._RUNNERS, "exact", broken)
    with pytest.raises(WeylgainError, match="ZeroDivisionError: a bug") as info:
        sweep.run([sweep.ExactTask("S2", "I", 10.0)], output=None, progress=False)
    assert type(info.value) is WeylgainError


def test_dask_failures_become_error_records():
    distributed = pytest.importorskip("distributed")
    from distributed.scheduler import KilledWorker

    task = _tasks()[0]
    rec = sweep._dask_failure(task, KilledWorker("weylgain-x", SimpleNamespace(address="tcp://w:1"), 3))
    assert rec["error"]["type"] == "ResourceError" and "died" in rec["error"]["message"]
    res = sweep.SweepResult((), 0, 0, "client", None, 0.0, failed=(rec,))
    assert isinstance(sweep._failure(res), ResourceError)
    assert sweep._dask_failure(task, OSError("gone"))["error"]["type"] == "WeylgainError"
    del distributed


def test_on_a_dask_cluster_a_failing_task_runs_once_logs_nothing_and_others_are_kept(
        tmp_path, monkeypatch, caplog):
    distributed = pytest.importorskip("distributed", reason="needs dask.distributed")
    ledger = tmp_path / "calls.txt"
    real = sweep.execute

    def counting(task):  # one line per run, in a file: whatever Dask copies, it is seen here
        with open(ledger, "a") as fh:
            fh.write(task.key + "\n")
        return real(task)

    # in-process workers (threads) run this module's functions: the patch applies there
    monkeypatch.setattr(sweep, "execute", counting)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    good = _tasks()
    bad = sweep.CountTask("nosuch:3", (4.0,))
    out = tmp_path / "r.jsonl"
    try:
        with caplog.at_level(logging.INFO):
            with pytest.raises(SpecError, match="nosuch:3") as info:
                sweep.run(good + [bad], client=client, output=out, progress=False, retries=2)
    finally:
        client.close()
        cluster.close()
    calls = ledger.read_text().split()
    assert calls.count(bad.key) == 1  # deterministic: not retried
    assert "Compute Failed" not in caplog.text and "Traceback" not in caplog.text
    res = info.value.sweep_result
    assert sorted(r["key"] for r in _lines(out)) == sorted(t.key for t in good)
    assert dict(zip(*[a.tolist() for a in res.counts()])) == TRUE


@pytest.mark.slow  # two worker processes started by the CLI (~10 s)
def test_cli_on_worker_processes_reports_a_failing_task_without_tracebacks(tmp_path):
    pytest.importorskip("distributed", reason="needs dask.distributed")
    out = tmp_path / "r.jsonl"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-m", "weylgain", "sweep", "--mesh", SPEC, "--mesh", "nosuch:3",
         "--lam", "4", "--lam", "9", "--workers", "2", "--output", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Compute Failed" not in proc.stderr and "Traceback" not in proc.stderr
    errors = [x for x in proc.stderr.splitlines() if x.startswith("weylgain: error:")]
    assert len(errors) == 1 and "mesh='nosuch:3'" in errors[0]
    assert "N(4) = 4, N(9) = 9" in proc.stdout  # the other pencil, counted and shown
    assert [r["task"]["mesh"] for r in _lines(out)] == [SPEC]
    assert np.array_equal(_lines(out)[0]["result"]["counts"], [4, 9])


def test_cli_refuses_a_threshold_range_too_long_to_sweep_before_allocating_it(tmp_path):
    # 1e9 thresholds would be a 7.5 GiB list before any work (and 1e9 factorizations);
    # refused in a fresh process held to 2 GiB of address space, within seconds
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30));"
            "from weylgain.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, "sweep", "--mesh", "sphere:1", "--lams",
                           "1:2:1000000000", "--output", str(tmp_path / "r.jsonl")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "1000000000 thresholds" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "r.jsonl").exists()
