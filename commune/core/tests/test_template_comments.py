"""A Django `{# … #}` comment ends on its own line: one that goes on to the next line is not a
comment at all, and its words reach the page (in <head>, the browser shows them at the top of
the body). Every template of every app is read; a long note uses {% comment %}."""

from pathlib import Path

from django.conf import settings


def templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "commune"
    return [
        p for p in root.rglob("templates/**/*") if p.is_file() and p.suffix in {".html", ".txt"}
    ]


def test_no_template_comment_runs_over_a_line():
    found = templates()
    assert len(found) > 100  # the walk reaches the apps' templates
    broken = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in found
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not broken, broken


def test_a_page_carries_no_comment_text(client, town_a):
    response = client.get(f"/{town_a.slug}/")
    assert response.status_code == 200
    assert b"{#" not in response.content and b"#}" not in response.content
