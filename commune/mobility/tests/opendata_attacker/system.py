"""The attacker's linear system: published figures as equations over the underlying cells, the
cells below k as targets, and the null-space test (by SVD, per connected block) that says which
targets the equations determine."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Leak:
    source: str
    truth: float
    recovered: float

    def __str__(self) -> str:
        return f"{self.source}: true {self.truth:g}, recovered {self.recovered:g}"


@dataclass
class System:
    """Equations (published figures) and targets (cells below k) over the underlying cells."""

    n: int
    truth_values: np.ndarray
    equations: list[tuple[np.ndarray, np.ndarray, float, str]] = field(default_factory=list)
    targets: list[tuple[np.ndarray, np.ndarray, float, str]] = field(default_factory=list)

    def equation(self, vector: dict[int, float], value: float, source: str) -> None:
        if vector:
            idx = np.fromiter(vector.keys(), int)
            self.equations.append((idx, np.fromiter(vector.values(), float), value, source))

    def target(self, vector: dict[int, float], truth: float, source: str) -> None:
        if vector:
            idx = np.fromiter(vector.keys(), int)
            self.targets.append((idx, np.fromiter(vector.values(), float), truth, source))

    def inconsistent(self, tolerance: float = 1e-6) -> list[str]:
        """Equations the true cells do not satisfy (a misread figure)."""
        bad = []
        for idx, coef, value, source in self.equations:
            got = float(coef @ self.truth_values[idx])
            if abs(got - value) > tolerance * max(1.0, abs(value)):
                bad.append(f"{source}: published {value}, true {got}")
        return bad

    def leaks(self, *, tolerance: float = 1e-8) -> list[Leak]:
        """Every target (cell below k) that the equations determine, with its recovered value.

        The system is solved block by block (variables linked by some equation); a target is
        determined when its part in every block it touches lies in that block's row space."""
        parent = np.arange(self.n)

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for idx, _coef, _value, _source in self.equations:
            root = find(idx[0])
            for other in idx[1:]:
                parent[find(other)] = root
        members = defaultdict(list)
        for idx, *_rest in self.equations:
            for i in idx:
                members[find(i)].append(i)
        by_root = defaultdict(list)
        for e in self.equations:
            by_root[find(e[0][0])].append(e)
        blocks = {
            root: Block(sorted(set(variables)), by_root[root])
            for root, variables in members.items()
        }
        found = []
        for idx, coef, truth, source in self.targets:
            recovered = 0.0
            for root in {find(i) for i in idx}:
                block = blocks.get(root)
                part = [(i, w) for i, w in zip(idx, coef, strict=True) if find(i) == root]
                value = None if block is None else block.determined(part, tolerance)
                if value is None:
                    break
                recovered += value
            else:
                found.append(Leak(source, truth, recovered))
        return found


class Block:
    """The equations of one connected block: an orthonormal basis of their row space and a
    solution (any: a determined cell has the same value in every solution)."""

    def __init__(self, variables: list[int], equations):
        self.position = {v: i for i, v in enumerate(variables)}
        rows, rhs, seen = [], [], set()
        for idx, coef, value, _source in equations:
            row = np.zeros(len(variables))
            for i, c in zip(idx, coef, strict=True):
                row[self.position[i]] += c
            key = (np.append(row, value) / (np.abs(row).max() or 1)).round(10).tobytes()
            if key not in seen:
                seen.add(key)
                rows.append(row)
                rhs.append(value)
        a, b = np.array(rows), np.array(rhs)
        _, s, vt = np.linalg.svd(a, full_matrices=False)
        self.basis = vt[: int((s > 1e-9 * s.max()).sum())]
        self.reach = (self.basis**2).sum(axis=0)  # 1 where a single cell is determined
        self.solution = np.linalg.lstsq(a, b, rcond=None)[0]

    def determined(self, part, tolerance) -> float | None:
        """The value of sum(w x_i) over `part` when the block determines it, else None."""
        if len(part) == 1:
            i, w = part[0]
            if 1 - self.reach[self.position[i]] > tolerance:
                return None
            return float(w * self.solution[self.position[i]])
        c = np.zeros(len(self.position))
        for i, w in part:
            c[self.position[i]] += w
        residual = c - self.basis.T @ (self.basis @ c)
        if np.linalg.norm(residual) > tolerance * np.linalg.norm(c):
            return None
        return float(c @ self.solution)
