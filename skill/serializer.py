"""The SDK's JSON serializer with its two slow spots fixed.

Profiling the web service showed deserialising a request envelope was over half of
a request's cost, and dateutil's general-purpose date parser was 40 % of that, for
one ISO 8601 timestamp. Alexa always sends ISO 8601, which `datetime.fromisoformat`
reads directly; anything else still goes to the SDK's own parser. Model classes are
also looked up once instead of through `__import__` for every nested object, and a
response is turned into JSON-ready data in one pass without the SDK's per-object
attribute-map rebuilding.

The overrides use DefaultSerializer's private (name-mangled) hooks, so
tests/test_serializer.py checks that both give identical results on real
envelopes, and pyproject pins ask-sdk-core below 2.
"""
from __future__ import annotations

import functools
from datetime import date, datetime
from enum import Enum

from ask_sdk_core.serialize import DefaultSerializer

_LEAVES = (str, int, float, bool, bytes)
# dateutil spent 0.7 s of CPU on a 64 KB string of "1.1.1."; no date is longer than this.
MAX_DATE_CHARS = 64


class JsonReady(dict):
    """Data that is already what JSON needs (an APL document loaded from content, its data
    sources): serialised as it is, without a walk over every node of it. Never mutate one
    after serialising: the response shares it."""


class FastSerializer(DefaultSerializer):
    _slow_datetime = DefaultSerializer._DefaultSerializer__deserialize_datetime
    _slow_load_class = DefaultSerializer._DefaultSerializer__load_class_from_name

    def _DefaultSerializer__deserialize_datetime(self, payload, obj_type):
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):
            if isinstance(payload, str) and len(payload) > MAX_DATE_CHARS:
                from ask_sdk_core.exceptions import SerializationException

                raise SerializationException("a date longer than any date") from None
            return self._slow_datetime(payload, obj_type)
        return parsed.date() if obj_type is date else parsed

    def _DefaultSerializer__load_class_from_name(self, class_name):
        return _load_class(self, class_name)

    def deserialize_parsed(self, data, obj_type):
        """deserialize() for JSON the caller has already parsed: no second json.loads."""
        return self._DefaultSerializer__deserialize(data, obj_type)

    def serialize(self, obj):
        """What DefaultSerializer.serialize returns, for the types the SDK's models use."""
        if obj is None or isinstance(obj, _LEAVES) or type(obj) is JsonReady:
            return obj
        if isinstance(obj, dict):
            return {key: self.serialize(value) for key, value in obj.items()}
        if isinstance(obj, list):
            return [self.serialize(item) for item in obj]
        if isinstance(obj, Enum):
            return obj.value
        if hasattr(obj, "deserialized_types"):  # an ask_sdk_model object
            out = {}
            for attr, name in _json_names(type(obj)):
                value = getattr(obj, attr)
                if value is not None:
                    out[name] = self.serialize(value)
            return out
        return super().serialize(obj)  # dates, tuples, decimals: rare, the SDK's way


@functools.lru_cache(maxsize=None)
def _json_names(model: type) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) pairs of a model class, in the SDK's order."""
    attribute_map = getattr(model, "attribute_map", {})
    return tuple((attr, attribute_map.get(attr, attr)) for attr in model.deserialized_types)


@functools.lru_cache(maxsize=None)
def _load_class(serializer: FastSerializer, class_name: str):
    return FastSerializer._slow_load_class(serializer, class_name)
