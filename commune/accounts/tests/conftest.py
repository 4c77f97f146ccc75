import re

import pytest
from django.conf import settings


@pytest.fixture
def english(client):
    """A browser that asked for English pages (our msgids), whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def link_in(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, f"no link in: {text!r}"
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
