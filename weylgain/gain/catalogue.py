"""The (manifold, group) pairs the calculator answers, and the worked examples of the docs."""

from __future__ import annotations

from typing import Any


def catalogue_pairs() -> list[tuple[str, str]]:
    """Representative (manifold, group) spec pairs, finite and continuous, that the calculator
    answers (used by the benchmark and the docs)."""
    return [
        ("S2", "mirror"), ("S2", "C4"), ("S2", "D3"), ("S2", "T"), ("S2", "O"), ("S2", "Oh"),
        ("S2", "I"), ("S2", "Ih"), ("S2", "antipodal"), ("S3", "Perm(3)"), ("S6", "Perm(7)"),
        ("T2", "mirror"), ("T2", "signs2"), ("T2", "Perm(2)"), ("T2", "SignedPerm(2)"),
        ("T2", "Z10"), ("T2", "C4"), ("T3", "Perm(3)"), ("T7", "Perm(7)"), ("T7", "signs7"),
        ("T7", "SignedPerm(7)"), ("RP2", "antipodal"), ("RP2", "Oh"), ("B3", "Oh"),
        ("H2", "C4"), ("Q2", "SignedPerm(2)"), ("S1", "C4h"), ("S2xT1", "C4"),
        ("S2", "SO(2)"), ("S2", "SO(3)"), ("S3", "SO(3)"), ("S4", "SO(4)"), ("S3", "hopf"),
        ("RP3", "hopf"), ("T2", "Trans(1)"), ("T3", "Trans(2)"), ("B3", "SO(2)"),
        ("S2xT1", "Trans(1)"),
    ]


def worked_examples() -> list[dict[str, Any]]:
    """The worked examples of the docs: (manifold, group, story, expected gain)."""
    return [
        {"manifold": "T2", "group": "mirror", "story": "a mirror-symmetric image",
         "gain": 2},
        {"manifold": "T2", "group": "Z10", "story": "an image made of ten identical parts "
         "(a periodic image repeating ten times along one axis)", "gain": 10},
        {"manifold": "T7", "group": "Perm(7)", "story": "seven coloured blocks whose order "
         "does not matter", "gain": 5040},
        {"manifold": "S2", "group": "SO(2)", "story": "rotations of the sphere about an axis",
         "gain": "exponential"},
        {"manifold": "S2", "group": "SO(3)", "story": "all rotations of the sphere (transitive)",
         "gain": "exponential"},
    ]
