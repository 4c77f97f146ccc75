"""What the domain apps add to a town's pages, registered from their AppConfig.ready(): links in
the town's navigation, and each module's card on the town's home page. tenants shows them and
knows none of the apps (dependencies point down: docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable

Link = dict[str, str]  # {"url": ..., "label": ...}
#: request -> the module's links in the town's navigation (called on town pages only; the
#: module checks its own enablement and the visitor's roles).
NavProvider = Callable[[object], list[Link]]
#: town -> the module's card on the town's home page: {"url": the title's link, "links": [Link]}.
HomeCard = Callable[[object], dict]

_nav_providers: list[NavProvider] = []
_home_cards: dict[str, HomeCard] = {}


def nav_register(provider: NavProvider) -> None:
    if provider not in _nav_providers:
        _nav_providers.append(provider)


def nav_links(request) -> list[Link]:
    return [link for provider in _nav_providers for link in provider(request)]


def home_card_register(module: str, card: HomeCard) -> None:
    """`module` is a tenants.models.Module value: its card shows when the town enabled it."""
    _home_cards[module] = card


def home_card(module: str, town) -> dict:
    """The card of an enabled module; a module that registered none shows its name alone."""
    card = _home_cards.get(module)
    return card(town) if card is not None else {}
