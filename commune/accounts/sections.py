"""What other apps add to an organisation's page for its manager (the permits: its API tokens).

Each app registers a function (template context, organisation) -> HTML from its
AppConfig.ready(); the page renders them in order, so accounts depends on none of them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

OrganisationSection = Callable[[dict, object], SafeString]

_organisation_sections: list[OrganisationSection] = []


def organisation_section_register(section: OrganisationSection) -> None:
    if section not in _organisation_sections:
        _organisation_sections.append(section)


def organisation_sections() -> list[OrganisationSection]:
    return list(_organisation_sections)
