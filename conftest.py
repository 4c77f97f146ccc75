"""Fixtures shared by every app's tests."""

import os

import pytest

# --clock INSTANT: the whole session at another time (commune/core/tests/clock.py).
pytest_plugins = ["commune.core.tests.clock"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The production smoke test runs production's database, PostGIS: it is collected in the
# PostGIS run of ./test (DATABASE_URL=postgres…, as .ci/run's second run) and not otherwise.
collect_ignore = (
    []
    if os.environ.get("DATABASE_URL", "").startswith("postgres")
    else ["commune/core/tests/test_production_smoke.py"]
)


@pytest.fixture
def town_a(db):
    from commune.tenants.tests.factories import MunicipalityFactory

    return MunicipalityFactory(slug="pully", name="Pully", ofs_number=5590)


@pytest.fixture
def town_b(db):
    from commune.tenants.tests.factories import MunicipalityFactory

    return MunicipalityFactory(slug="lutry", name="Lutry", ofs_number=5606)


@pytest.fixture
def in_town(town_a):
    """Run the test body inside town A's scope."""
    from commune.tenants.scoping import scope

    with scope(town_a):
        yield town_a


@pytest.fixture
def staff_client(client):
    """Log a user in as staff who passed the second factor: staff_client(user) -> client."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from commune.accounts.tests.factories import totp_device

    def login(user):
        device = totp_device(user)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django sends to it over the network. Yields the server."""
    from commune.core.testing import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    try:
        yield server
    finally:
        server.stop()


# The suite's own services (commune/core/testing.py): one Redis per test process (under xdist,
# per worker), a Mosquitto per MQTT test (commune/mobility/tests/conftest.py); the machine's own
# Redis, broker and mail server are refused, and a test that tried to reach them fails.
MACHINE_SERVICES = pytest.StashKey["MachineServiceGuard"]()


def pytest_configure(config):
    from hypothesis import HealthCheck, settings

    from commune.core.testing import MachineServiceGuard

    # Hypothesis' default 200 ms deadline per example and its "too slow" health check measure
    # the machine, not the code: with two test processes on two cores (and a browser test
    # beside them) an example of the matching properties once took longer and failed the run.
    settings.register_profile(
        "commune", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("commune")

    config.stash[MACHINE_SERVICES] = MachineServiceGuard().install()


@pytest.fixture(scope="session")
def redis_server():
    """The suite's own Redis on a free port, its folder in the test run's, stopped at the end."""
    from django.conf import settings

    from commune.core.testing import RedisServer

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = RedisServer(settings.TEST_RUN_DIR / f"redis-{worker}").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def machine_services(request):
    """The guard that refuses the machine's own services; `.take_attempts()` reads its record."""
    return request.config.stash[MACHINE_SERVICES]


@pytest.fixture(autouse=True)
def _no_machine_service(machine_services):
    """Fails the test that reached for a machine's service, even if it swallowed the refusal."""
    yield
    attempts = machine_services.take_attempts()
    if attempts:
        pytest.fail(f"the test tried to reach the machine's own {', '.join(attempts)}")


def pytest_sessionfinish(session, exitstatus):
    import shutil

    from django.conf import settings

    attempts = session.config.stash[MACHINE_SERVICES].take_attempts()
    if attempts:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nthe suite tried to reach the machine's own {', '.join(attempts)}")
    run_dir = getattr(settings, "TEST_RUN_DIR", None)
    if run_dir is not None and not hasattr(session.config, "workerinput"):
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, shared by the browser tests of one run."""
    from playwright.sync_api import sync_playwright

    from commune.core.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _links_to_the_live_server(request):
    """With a live server, links that leave the request (mails, the permit's QR code) point at
    it, as COMMUNE_BASE_URL points at the installation in production."""
    if "live_server" not in request.fixturenames:
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.COMMUNE_BASE_URL = request.getfixturevalue("live_server").url
    yield


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live test server, French first."""
    context = browser.new_context(base_url=live_server.url, locale="fr-CH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe():
    """axe(page) fails the test with every WCAG 2.1 AA violation on the page."""
    from commune.core.browser import axe_violations

    def check(page):
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)

    return check


@pytest.fixture(autouse=True)
def _language_restored():
    """A request activates its language in the thread; the next test starts from the default."""
    from django.utils import translation

    language = translation.get_language()
    yield
    translation.activate(language)
