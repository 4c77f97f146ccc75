"""A JSON serialisation format that keeps times to the microsecond, for backups.

Django's ``json`` format follows ECMA-262 and cuts datetimes and times to the millisecond, so a
backup → restore round trip would silently change every timestamp with sub-millisecond digits.
This format writes them whole; Django's own JSON deserializer reads them back unchanged.
Registered as ``exactjson`` in ``SERIALIZATION_MODULES``.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.timezone import is_aware

Deserializer = django_json.Deserializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
