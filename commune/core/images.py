"""Pictures that people upload are never kept as sent: they are decoded and written again as a
fresh PNG, so that whatever rode along (metadata, text chunks, a second frame, a polyglot
payload after the pixels) is gone, and their size is bounded before any pixel is decoded.

    png = image_to_png(upload, max_side=512, max_pixels=16_777_216)   # -> bytes

Only Pillow's PNG and JPEG readers are ever used; anything else is refused.
"""

from __future__ import annotations

import io
import struct
import warnings

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

READERS = ("PNG", "JPEG")
#: What Pillow's readers raise on a damaged or hostile file (EXIF parsing included).
DECODER_ERRORS = (OSError, SyntaxError, ValueError, KeyError, IndexError, TypeError, struct.error)


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This image could not be read: it is damaged, incomplete or not a PNG or JPEG."),
        code="unreadable",
    )


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> ValidationError:
    limit = number_format(round(max_pixels / 1e6, 1), 1)
    if size is None:  # Pillow refused it before telling its size: far past any limit
        message = _("The image has too many pixels; the limit is %(limit)s million pixels.")
        return ValidationError(message % {"limit": limit}, code="pixels")
    width, height = size
    return ValidationError(
        _("The image is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels.")
        % {"width": width, "height": height, "limit": limit},
        code="pixels",
    )


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new image holding only the pixels (RGB, or RGBA when the source has transparency):
    no `info`, no EXIF, no ICC profile, no palette tricks."""
    has_alpha = img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info)
    converted = img.convert("RGBA" if has_alpha else "RGB")
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def image_to_png(upload, *, max_side: int, max_pixels: int) -> bytes:
    """The upload's picture as a freshly encoded PNG at most `max_side` pixels on its longer
    side. Refused (ValidationError, code "pixels") when its header announces more than
    `max_pixels` — before decoding, so a small file that would inflate to gigabytes costs
    nothing — and (code "unreadable") when it is not a complete PNG or JPEG."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns past MAX_IMAGE_PIXELS; the bound checked below is far stricter.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=READERS) as img:
                if img.width * img.height > max_pixels:
                    raise _too_many_pixels(img.size, max_pixels)
                img.load()
                clean = _pixels_only(ImageOps.exif_transpose(img))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(None, max_pixels) from exc
    except DECODER_ERRORS as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(0)
    clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    clean.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
