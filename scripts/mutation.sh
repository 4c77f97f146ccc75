#!/usr/bin/env bash
# scripts/mutation.sh — mutation testing of the rule modules (docs/testing.md, "Mutation
# testing"). mutmut ([tool.mutmut] in pyproject.toml) mutates the rule modules in a copy of the
# code (mutants/) and, for each mutant, runs the selected tests that reach the mutated function,
# in one process. Not part of ./test: the whole pass takes about 25 minutes on one core.
#
#   scripts/mutation.sh                    every module, from a fresh copy; then the scores
#   scripts/mutation.sh analytics/privacy/ one module (or several), the others' results kept
#   scripts/mutation.sh --scores           the scores of the last pass only
#
# Prints the surviving mutants (`.venv/bin/mutmut show NAME` shows one) and the scores per module
# (killed, survived, timeout, no tests, total); exits 1 if a module is below 85 %.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export DJANGO_SETTINGS_MODULE=config.settings.test

if [ "${1:-}" != "--scores" ]; then
  if [ $# -eq 0 ]; then
    rm -rf mutants  # a fresh pass: mutmut would not test again a survivor of an earlier one
    "$VENV/bin/mutmut" run --max-children 1
  else
    # A module's path as mutmut names its mutants: commune/permits/workflow.py ->
    # commune.permits.workflow.*; analytics/privacy/ -> analytics.privacy.*
    names=()
    for path in "$@"; do
      module="${path%/}"
      module="${module%.py}"
      names+=("${module//\//.}.*")
    done
    "$VENV/bin/mutmut" run --max-children 1 "${names[@]}"
  fi
  echo
fi
echo "Surviving mutants:"
"$VENV/bin/mutmut" results
echo
"$VENV/bin/python" scripts/mutation_scores.py
