"""A pytest plugin for mutmut's runs (scripts/mutation.sh, docs/testing.md "Mutation testing").

mutmut runs pytest many times in one process and in a fork of it per mutant. The root conftest
removes the run's folder at the end of each session, so each session makes it again; and the
SQLite test database lives beside it, kept from one session to the next (with --reuse-db), so
that a mutant's run does not migrate a new database (3 s each)."""

from __future__ import annotations


def pytest_sessionstart(session):
    from django.conf import settings

    settings.TEST_RUN_DIR.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"] or "spatialite" in database["ENGINE"]:
        kept = settings.VAR_DIR / "mutation"
        kept.mkdir(parents=True, exist_ok=True)
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(kept / "test.sqlite3")}
