"""How long does predict_gain take for each new kind of group? Side by side with a finite peer.

Run: ``python benchmarks/bench_gain_kinds.py`` (``--quick``: warm timings only, no fresh
processes; ``--repeat r``: best of r warm calls).

Each case builds its group (a Lie algebra basis with finite generators, a subtorus, or a
spec resolved on a product manifold such as ``S2^3 "SO(3) x Sym(3)"``) and calls
:func:`weylgain.gain.predict_gain`, which derives d_G (the rank of the infinitesimal
action), vol(M/G) (closed form, or a seeded Monte Carlo coarea integral with its standard
error) and the effective order of the finite part. The peer, run side by side, is the same
call for a finite catalogue group, ``predict_gain("S2", "I")`` (Molien-free: the order of
the group and a closed-form volume): the ratio says what the generality costs.

* **cold**: the first call in a fresh Python process (``weylgain.gain`` and sympy already
  imported, not timed): sympy rank and integral caches empty, numba kernels loaded from
  their cache. The peer's cold time comes from its own fresh process.
* **warm**: best of ``--repeat`` calls in this process after a first one.

The machine is shared and noisy: read the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Table, add_common_args, best_of, fmt_ratio, fmt_time, log, machine_line  # noqa: E402

# Each case: (label, python source of a function ``case()`` that returns predict_gain's report).
# The group is built inside the call: constructing and validating it is part of the work.
_PRELUDE = """
import numpy as np
from weylgain.gain import predict_gain
from weylgain.groups import lie_group, subtorus
J = np.array([[0.0, -1.0], [1.0, 0.0]])
"""

CASES = [
    ("circle (1, 2) on S3 (Lie algebra)", """
def case():
    X = np.zeros((1, 4, 4)); X[0, :2, :2] = J; X[0, 2:, 2:] = 2 * J
    return predict_gain("S3", lie_group(X, name="U(1)_(1,2)"), s=2.5)
"""),
    ("O(2) on S2 (SO(2) + 2-fold about x)", """
def case():
    Lz = np.zeros((1, 3, 3)); Lz[0, :2, :2] = J
    return predict_gain("S2", lie_group(Lz, [np.diag([1.0, -1.0, -1.0])], name="O(2)"), s=2)
"""),
    ("S2^2 SO(3) (diagonal)", """
def case():
    return predict_gain("S2^2", "SO(3)", s=3)
"""),
    ("S2^3 SO(3) x Sym(3)", """
def case():
    return predict_gain("S2^3", "SO(3) x Sym(3)", s=4)
"""),
    ("T3^2 T3 (diagonal)", """
def case():
    return predict_gain("T3^2", "T3", s=4)
"""),
    ("T3^4 T3 x Sym(4)", """
def case():
    return predict_gain("T3^4", "T3 x Sym(4)", s=7)
"""),
    ("subtorus (1, 1) on T2", """
def case():
    return predict_gain("T2", subtorus([[1, 1]], name="diag"), s=2)
"""),
]
PEER = ("peer: S2 I (finite catalogue)", """
def case():
    return predict_gain("S2", "I", s=2)
""")

_CHILD = r"""
import json, sys, time
import weylgain.manifolds, weylgain.geometry, weylgain.gain  # imported before the clock starts
ns = {}
exec(sys.argv[1], ns)
exec(sys.argv[2], ns)
t = time.perf_counter()
rep = ns["case"]()
print(json.dumps({"seconds": time.perf_counter() - t, "kind": rep.kind, "d_G": rep.d_G}))
"""


def _case_function(source: str):
    ns: dict = {}
    exec(_PRELUDE, ns)
    exec(source, ns)
    return ns["case"]


def cold_time(source: str) -> float:
    """Seconds of the first call of ``case()`` in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                      env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-c", _CHILD, _PRELUDE, source],
                          capture_output=True, text=True, env=env, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"cold run failed:\n{proc.stderr[-3000:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, default_repeat=3)
    args = parser.parse_args()
    print(machine_line())

    peer_fn = _case_function(PEER[1])
    peer_fn()
    peer_warm, _ = best_of(peer_fn, args.repeat)
    peer_cold = None if args.quick else cold_time(PEER[1])

    table = Table(["case", "kind", "d_G", "vol(M/G)", "± (MC)", "cold", "peer cold",
                   "cold ratio", "warm", "peer warm", "warm ratio"])
    for label, source in CASES:
        log(f"  {label}")
        fn = _case_function(source)
        cold = None if args.quick else cold_time(source)
        rep = fn()
        warm, _ = best_of(fn, args.repeat)
        # the peer again, right next to the case, so that both see the same machine load
        peer_warm = min(peer_warm, best_of(peer_fn, args.repeat)[0])
        err = f"{rep.vol_quotient_error:.1g}" if rep.vol_quotient_error else "0 (closed)"
        table.add(label, rep.kind, rep.d_G, f"{rep.vol_quotient:.6g}", err, fmt_time(cold),
                  fmt_time(peer_cold), fmt_ratio(cold / peer_cold) if cold else "—",
                  fmt_time(warm), fmt_time(peer_warm), fmt_ratio(warm / peer_warm))
    table.print()
    print("ratio = case time / peer time (predict_gain('S2', 'I')), same process for warm, "
          "fresh processes for cold")


if __name__ == "__main__":
    main()
