"""The mutation scores per rule module, from mutmut's results in mutants/ (scripts/mutation.sh;
docs/testing.md, "Mutation testing").

Score: mutants killed (a test failed, or the tests ran past the mutant's time limit) out of
all the module's mutants; a mutant that no selected test reaches counts against it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: The modules of issue 11 as reported; a package is one line, its files summed.
MODULES = {
    "commune/permits/workflow.py": ["commune/permits/workflow.py"],
    "commune/permits/deadlines.py": ["commune/permits/deadlines.py"],
    "commune/permits/services/fees.py": ["commune/permits/services/fees.py"],
    "commune/permits/services/checks.py": ["commune/permits/services/checks.py"],
    "analytics/privacy/": ["analytics/privacy/table.py", "analytics/privacy/linked.py"],
    "analytics/evaluation/": [
        "analytics/evaluation/__init__.py",
        "analytics/evaluation/analysis.py",
        "analytics/evaluation/controls.py",
        "analytics/evaluation/core.py",
        "analytics/evaluation/diagnostics.py",
        "analytics/evaluation/effect.py",
        "analytics/evaluation/panel.py",
        "analytics/evaluation/results.py",
        "analytics/evaluation/stats.py",
        "analytics/evaluation/text.py",
    ],
    "commune/core/schedule.py": ["commune/core/schedule.py"],
}
TARGET = 85.0
#: mutmut's exit codes (mutmut/stats.py): 1 tests failed, 3 pytest's internal error (a kill
#: too), 0 survived, 33 no test reaches it, None not run yet; the others are timeouts.
KIND = {1: "killed", 3: "killed", 0: "survived", 33: "no tests", 5: "no tests", None: "not run"}
TIMEOUTS = {36, -24, 24, 152, 255}
COLUMNS = ["killed", "survived", "timeout", "no tests", "not run", "total"]


def tally(paths: list[str], root: Path) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for path in paths:
        meta = json.loads((root / "mutants" / f"{path}.meta").read_text())
        for code in meta["exit_code_by_key"].values():
            kind = "timeout" if code in TIMEOUTS else KIND.get(code, "survived")
            counts[kind] += 1
            counts["total"] += 1
    return counts


def main(root: Path) -> int:
    print(f"{'module':36}" + "".join(f"{c:>10}" for c in COLUMNS) + f"{'score':>8}")
    below = []
    for name, paths in MODULES.items():
        counts = tally(paths, root)
        killed = counts["killed"] + counts["timeout"]
        score = 100.0 * killed / counts["total"] if counts["total"] else 0.0
        if score < TARGET:
            below.append(name)
        cells = "".join(f"{counts[c]:>10}" for c in COLUMNS)
        print(f"{name:36}{cells}{score:>7.1f}%")
    if below:
        print(f"below {TARGET:.0f} %: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
