"""Zip archives from users, on the web side: the checks of untrusted.archives, refused with a
ValidationError in the user's language.

    with zip_open_checked(upload, LIMITS) as (archive, members):   # ValidationError, or members
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from untrusted.archives import ArchiveRefused, ZipLimits, zip_open

from .uploads import file_size


def archive_refusal_message(refusal: ArchiveRefused, *, suffixes=()) -> str:
    """What is wrong with the archive, in the active language (`suffixes`: the name endings
    the archive may hold, for the "name" refusal)."""
    params = {**refusal.params, "suffixes": ", ".join(sorted(suffixes))}
    for key in ("size", "limit"):
        if key in params and refusal.code in {"member_size", "total_size"}:
            params[key] = file_size(params[key])
    messages = {
        "damaged": _("This ZIP archive is damaged or incomplete."),
        "members": _("The ZIP archive lists more files than the %(limit)d allowed."),
        "member_size": _("%(name)s would unpack to %(size)s; the limit is %(limit)s."),
        "total_size": _("The ZIP archive would unpack to more than %(limit)s."),
        "ratio": _(
            "%(name)s is compressed %(ratio)d to 1; at most %(limit)d to 1 is accepted "
            "(a higher ratio is the mark of a zip bomb)."
        ),
        "folder": _("The ZIP archive holds a folder (%(name)s); put the files at its top level."),
        "path": _("%(name)s has a path in the ZIP archive; put the files at its top level."),
        "link": _("%(name)s is a link or a special file; the ZIP archive may hold plain files."),
        "encrypted": _("%(name)s is encrypted; make the ZIP archive without a password."),
        "compression": _(
            "%(name)s is compressed in a way that is not accepted; make the ZIP archive "
            "again with the usual (deflate) compression."
        ),
        "duplicate": _("%(name)s is in the ZIP archive twice."),
        "name": _("The ZIP archive may hold only %(suffixes)s files; it also holds %(name)s."),
    }
    return messages.get(refusal.code, messages["damaged"]) % params


@contextmanager
def zip_open_checked(upload, limits: ZipLimits) -> Iterator:
    """untrusted.archives.zip_open on an uploaded file (or a path): yields (archive, members);
    a refused archive is a ValidationError (code "archive") saying why."""
    source = getattr(upload, "file", upload)
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        with zip_open(source, limits) as opened:
            yield opened
    except ArchiveRefused as refusal:
        message = archive_refusal_message(refusal, suffixes=limits.suffixes)
        raise ValidationError(message, code="archive") from refusal
