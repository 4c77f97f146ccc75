"""Production installs production dependencies only (requirements.lock); tests and tooling
(requirements-dev.lock) and the Spark engine (requirements-spark.lock) are extras. The locks
must also be complete: what production code imports is in the production lock, and together
the locks pin exactly what the suite runs on."""

import json
import os
import re
import subprocess
import sys
import textwrap
import venv
from importlib import metadata
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
#: The tools issue 11 names as development only, and the Spark engine.
NEVER_IN_PRODUCTION = {
    "playwright",
    "axe-playwright-python",
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "pytest-cov",
    "ruff",
    "aiosmtpd",
    "schemathesis",
    "mutmut",
    "import-linter",
    "coverage",
    "factory-boy",
    "polib",
    "owslib",
    "recurring-ical-events",
    "time-machine",
    "hypothesis",
    "pyspark",
    "py4j",
}
#: Modules outside tests/ that only tests import (they need aiosmtpd, Playwright...).
TEST_SUPPORT = ("commune.core.testing", "commune.core.testing_http", "commune.core.browser")


def normal(name: str) -> str:
    """A distribution's name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(name: str) -> dict[str, str]:
    """{normalised name: version} pinned by one lock file, without the files it includes."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if line.strip() and not line.startswith(("#", "-")):
            dist, _, version = line.partition("==")
            pins[normal(dist)] = version.strip()
    return pins


def production_environment(tmp_path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="k3Y-" + "x9QvT2mLp8Rw4Zs7Nc1Hb6Jd0Fg5Ka3Ye" * 2,
        DJANGO_ALLOWED_HOSTS="e-services.commune.example.ch",
        COMMUNE_BASE_URL="https://e-services.commune.example.ch",
        COMMUNE_VAR_DIR=str(tmp_path),
    )
    return environment


def test_installing_the_production_lock_brings_no_test_tool_and_nothing_unpinned(tmp_path):
    # given: an empty virtualenv, as on a production server
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    report = tmp_path / "report.json"
    # when: pip resolves `pip install -r requirements.lock` there (nothing is installed)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh / "bin" / "python"), "install"]
        + ["--quiet", "--dry-run", "--ignore-installed", "--report", str(report)]
        + ["-r", str(ROOT / "requirements.lock")],
        check=True,
        capture_output=True,
        timeout=600,
    )
    installed = {
        normal(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    # then: exactly the pins of the production lock, none of the extras
    assert installed == lock_pins("requirements.lock")
    assert not installed.keys() & NEVER_IN_PRODUCTION
    assert not installed.keys() & lock_pins("requirements-dev.lock").keys()
    assert not installed.keys() & lock_pins("requirements-spark.lock").keys()


def test_the_extras_hold_the_test_tools_and_spark_and_pin_nothing_twice():
    production = lock_pins("requirements.lock")
    dev, spark = lock_pins("requirements-dev.lock"), lock_pins("requirements-spark.lock")
    assert NEVER_IN_PRODUCTION - {"pyspark", "py4j"} <= dev.keys()
    assert {"pyspark", "py4j"} == spark.keys()
    assert not production.keys() & dev.keys() and not production.keys() & spark.keys()
    for extra in ("requirements-dev.lock", "requirements-spark.lock"):
        assert (ROOT / extra).read_text().splitlines()[1] == "-r requirements.lock"


def test_the_locks_pin_exactly_what_the_suite_runs_on():
    """A package installed by hand, or one that only an old lock had, fails here: production
    would not get it."""
    locked = {
        **lock_pins("requirements.lock"),
        **lock_pins("requirements-dev.lock"),
        **lock_pins("requirements-spark.lock"),
    }
    installed = {
        normal(d.metadata["Name"]): d.version
        for d in metadata.distributions(path=sys.path)
        if normal(d.metadata["Name"]) not in {"pip", "setuptools", "wheel"}
    }
    assert installed == locked


SWEEP = textwrap.dedent(
    """
    import importlib, importlib.abc, importlib.metadata as md, pkgutil, re, sys

    def normal(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    allowed = set(sys.argv[1].split(","))
    test_support = tuple(sys.argv[2].split(","))
    blocked = {
        module
        for module, dists in md.packages_distributions().items()
        if not {normal(d) for d in dists} & allowed
    }

    class NotInProduction(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in blocked:
                raise ModuleNotFoundError(f"{name} is not in requirements.lock", name=name)
            return None

    sys.meta_path.insert(0, NotInProduction())
    import django
    django.setup()
    failures = []
    for package in ("config", "commune", "analytics", "untrusted"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            name = info.name
            if ".tests" in name or name.startswith(test_support) or (
                name.startswith("config.settings.") and name != "config.settings.prod"
            ):
                continue
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                failures.append(f"{name}: {exc}")
    print("\\n".join(failures))
    sys.exit(1 if failures else 0)
    """
)


def test_production_code_imports_only_what_the_production_lock_installs(tmp_path):
    """Every module that is not a test is imported with every package outside
    requirements.lock made missing, as on a server that installed that lock alone."""
    allowed = ",".join(lock_pins("requirements.lock"))
    result = subprocess.run(
        [sys.executable, "-c", SWEEP, allowed, ",".join(TEST_SUPPORT)],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def test_the_sweep_sees_a_module_that_needs_a_test_tool(tmp_path):
    # given: test support that imports aiosmtpd, swept as if it were production code
    allowed = ",".join(lock_pins("requirements.lock"))
    # when
    result = subprocess.run(
        [sys.executable, "-c", SWEEP, allowed, "commune.core.browser"],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then
    assert result.returncode == 1
    assert "commune.core.testing: No module named" in result.stdout or (
        "commune.core.testing:" in result.stdout and "aiosmtpd" in result.stdout
    )
