import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_platform_and_town_home_pages_have_no_accessibility_violations(page, axe, town_a, town_b):
    # when
    page.goto("/")
    # then
    assert page.locator("h1").inner_text() != ""
    assert page.get_by_role("link", name="Pully").is_visible()
    axe(page)
    page.get_by_role("link", name="Pully").click()
    page.wait_for_url("**/pully/")
    assert page.locator("html").get_attribute("lang") == "fr-CH"
    axe(page)


def test_language_switcher_works_without_javascript(browser, live_server, town_a):
    # given: a browser with JavaScript switched off
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/pully/")
    # when
    page.select_option("#language-select", "de")
    page.locator("form.language-switcher button[type=submit]").click()
    # then
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "de-CH"
    assert page.url.endswith("/pully/")
    context.close()
