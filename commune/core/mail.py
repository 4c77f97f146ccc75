"""E-mail: one templated message in the recipient's language, HTML and plain text.

Templates live in `templates/emails/<name>.subject.txt`, `<name>.txt` and `<name>.html`; they
are rendered with the recipient's language active, so `{% translate %}` picks the right one.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def mail_send(
    *,
    to: list[str] | str,
    template: str,
    context: dict,
    language: str | None = None,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> int:
    """Render `template` in `language` and send it over SMTP; returns the number sent."""
    recipients = [to] if isinstance(to, str) else list(to)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=recipients, reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
