"""Keys that make a repeated submission give back what the first one made (a double click, an
API client's retry). A key is chosen by the client, so it is only ever looked up within its
owner's keys: the key stored is derived from the owner and the client's key, and two owners
never share one, whatever keys they choose (see docs/security.md)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import models

#: Not a secret: knowing it does not let anyone produce another owner's stored key.
NAMESPACE = uuid.UUID("5f0c7d2e-3a8b-4c61-9e47-b2d86a1f0c39")


def owned_key(*, owner: models.Model, key: uuid.UUID | str) -> uuid.UUID:
    """The key stored for `key` sent by `owner` (a user, an organisation). The owner's model and
    id are hashed in (SHA-1, as UUID version 5 does): a stored key names its owner, and no
    client can choose a key that lands on someone else's."""
    if owner is None or owner.pk is None:
        raise ValueError("a submission key needs a saved owner")
    return uuid.uuid5(NAMESPACE, f"{owner._meta.label_lower}:{owner.pk}:{key}")


def fingerprint(values: Any) -> str:
    """A SHA-256 of `values` written as canonical JSON (sorted keys, no spaces): what tells the
    same submission sent again from another one sent under the same key."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
