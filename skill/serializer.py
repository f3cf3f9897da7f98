"""The SDK's JSON serializer with its two slow spots fixed.

Profiling the web service showed deserialising a request envelope was over half of
a request's cost, and dateutil's general-purpose date parser was 40 % of that, for
one ISO 8601 timestamp. Alexa always sends ISO 8601, which `datetime.fromisoformat`
reads directly; anything else still goes to the SDK's own parser. Model classes are
also looked up once instead of through `__import__` for every nested object, and a
response is turned into JSON-ready data in one pass without the SDK's per-object
attribute-map rebuilding.

`deserialize_parsed` reads an envelope by a plan made once per model class (which JSON key
fills which attribute, with what type), instead of the SDK's reflection on every object.
The plans take only what they read exactly as the SDK does (a model from an object, a list
from an array, a value of its declared type); anything else, and any error, and the whole
payload is read again by the SDK's own recursion, which returns or raises what it always did.

The overrides use DefaultSerializer's private (name-mangled) hooks, so
tests/test_serializer.py checks that both give identical results on real
envelopes, and pyproject pins ask-sdk-core below 2.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime
from enum import Enum
from typing import Any, Callable

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
        return _load_class(class_name)

    def deserialize_parsed(self, data, obj_type):
        """deserialize() for JSON the caller has already parsed: no second json.loads."""
        if data is None:
            return None
        try:
            return _decoder(obj_type)(self, data)
        except Exception:  # noqa: BLE001 - not a payload the plans read: the SDK reads it
            return self._DefaultSerializer__deserialize(data, obj_type)

    def serialize(self, obj):
        """What DefaultSerializer.serialize returns, for the types the SDK's models use."""
        names = _NAMES.get(type(obj))  # a model class met before: straight to its attributes
        if names is None:
            if obj is None or isinstance(obj, _LEAVES) or type(obj) is JsonReady:
                return obj
            if isinstance(obj, dict):
                return {key: value if type(value) in _PLAIN else self.serialize(value)
                        for key, value in obj.items()}
            if isinstance(obj, list):
                return [item if type(item) in _PLAIN else self.serialize(item) for item in obj]
            if isinstance(obj, Enum):
                return obj.value
            if not hasattr(obj, "deserialized_types"):  # not an ask_sdk_model object
                return super().serialize(obj)  # dates, tuples, decimals: rare, the SDK's way
            names = _json_names(type(obj))
        out = {}
        for attr, name in names:
            value = getattr(obj, attr)
            if value is not None:
                out[name] = value if type(value) in _PLAIN else self.serialize(value)
        return out


_PLAIN = frozenset({str, int, float, bool, type(None)})  # exactly these types serialise as themselves
_NAMES: dict[type, tuple[tuple[str, str], ...]] = {}


def _json_names(model: type) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) pairs of a model class, in the SDK's order."""
    names = _NAMES.get(model)
    if names is None:
        attribute_map = getattr(model, "attribute_map", {})
        names = _NAMES[model] = tuple((attr, attribute_map.get(attr, attr))
                                      for attr in model.deserialized_types)
    return names


@functools.lru_cache(maxsize=None)
def _load_class(class_name: str):
    # The SDK's own lookup, once per name (it reads nothing of the serializer it is given).
    return FastSerializer._slow_load_class(None, class_name)


# ---------------------------------------------------------------- plans for deserialize_parsed

Decode = Callable[[FastSerializer, Any], Any]


class _NotPlanned(Exception):
    """A payload the plans do not read as the SDK would: the SDK's recursion reads it."""


# The SDK's type (a class, or a name such as "list[ask_sdk_model.slot.Slot]") -> how to read a
# payload of it; a model class's plan, without the choice of subclass, under _MODELS.
_DECODERS: dict[Any, Decode] = {}
_MODELS: dict[type, Decode] = {}
_IMMUTABLE = (type(None), str, int, float, bool, Enum)


def _decoder(obj_type) -> Decode:
    decode = _DECODERS.get(obj_type)
    if decode is None:
        decode = _DECODERS[obj_type] = _plan(obj_type)
    return decode


def _not_planned(serializer, payload):
    raise _NotPlanned


def _plan(obj_type) -> Decode:
    """How DefaultSerializer.__deserialize reads a payload of `obj_type`, as a function."""
    if isinstance(obj_type, str):
        if obj_type.startswith("list["):
            items = re.match(r"list\[(.*)\]", obj_type)
            if items is None or "," in items.group(1):
                return _not_planned
            return _list_of(items.group(1).strip())
        if obj_type.startswith("dict("):
            values = re.match(r"dict\(([^,]*), (.*)\)", obj_type)
            return _not_planned if values is None else _dict_of(values.group(2))
        if obj_type in DefaultSerializer.NATIVE_TYPES_MAPPING:
            obj_type = DefaultSerializer.NATIVE_TYPES_MAPPING[obj_type]
        else:
            try:
                obj_type = _load_class(obj_type)
            except Exception:  # noqa: BLE001 - the SDK raises its own error for it
                return _not_planned
    if obj_type in DefaultSerializer.PRIMITIVE_TYPES:
        return _primitive(obj_type)
    if obj_type == object:
        return lambda serializer, payload: payload
    if obj_type == date or obj_type == datetime:
        def read_date(serializer, payload, obj_type=obj_type):
            return serializer._DefaultSerializer__deserialize_datetime(payload, obj_type)
        return read_date
    if not isinstance(obj_type, type):
        return _not_planned
    if issubclass(obj_type, Enum):
        members = obj_type._value2member_map_  # what obj_type(payload) looks up first

        def read_enum(serializer, payload):
            member = members.get(payload)
            return obj_type(payload) if member is None else member
        return read_enum
    if not hasattr(obj_type, "deserialized_types"):
        return lambda serializer, payload: payload
    if not hasattr(obj_type, "get_real_child_model"):
        return _model(obj_type)

    def read_subclass(serializer, payload):
        # The SDK asks the class which subclass the payload is, whatever class was named.
        if type(payload) is not dict:
            raise _NotPlanned
        name = obj_type.get_real_child_model(payload)
        if not name:
            raise _NotPlanned
        model = _load_class(name)
        decode = _MODELS.get(model)
        if decode is None:
            decode = _model(model)
        return decode(serializer, payload)
    return read_subclass


def _primitive(obj_type: type) -> Decode:
    # The SDK casts (obj_type(payload)); a value already of the type casts to itself.
    if obj_type is float:
        def read_float(serializer, payload):
            if type(payload) is float:
                return payload
            if type(payload) is int:
                return float(payload)
            raise _NotPlanned
        return read_float

    def read(serializer, payload):
        if type(payload) is obj_type:
            return payload
        raise _NotPlanned
    return read


def _list_of(item_type: str) -> Decode:
    def read_list(serializer, payload):
        if type(payload) is not list:
            raise _NotPlanned
        decode = _decoder(item_type)
        return [None if item is None else decode(serializer, item) for item in payload]
    return read_list


def _dict_of(value_type: str) -> Decode:
    def read_dict(serializer, payload):
        if type(payload) is not dict:
            raise _NotPlanned
        decode = _decoder(value_type)
        return {key: None if value is None else decode(serializer, value)
                for key, value in payload.items()}
    return read_dict


def _model(model: type) -> Decode:
    """A model object as the SDK builds one: model(), then each attribute the payload has,
    then the payload's other keys as they are. Made once per class, from a default instance."""
    decode = _MODELS.get(model)
    if decode is not None:
        return decode
    if not isinstance(model, type) or not hasattr(model, "deserialized_types"):
        decode = _not_planned
    else:
        types = model.deserialized_types
        attribute_map = getattr(model, "attribute_map", {})
        # What the SDK does to the class on every read: an attribute without a JSON name has
        # its own.
        attribute_map.update({k: k for k in types.keys() if k not in attribute_map})
        try:
            template = dict(vars(model()))
        except Exception:  # noqa: BLE001
            template = None
        # JSON key -> (attribute, the exact type of a str, int or bool value, the SDK's type)
        fields = {name: (attr, _EXACT.get(types[attr]), types[attr])
                  for attr, name in attribute_map.items() if attr in types}
        if (template is None or model.__new__ is not object.__new__
                or len(fields) != len(attribute_map)
                or any(attr not in template for attr in attribute_map)
                or not all(isinstance(v, _IMMUTABLE) for v in template.values())):
            decode = _not_planned  # a class unlike the SDK's generated ones
        else:
            decode = _read_model(model, template, fields)
    _MODELS[model] = decode
    return decode


# A value of these the SDK casts to itself (str(s) is s): checked in place, not decoded.
_EXACT = {"str": str, "int": int, "long": int, "bool": bool}


def _read_model(model: type, template: dict, fields: dict[str, tuple[str, type | None, str]]
                ) -> Decode:
    new = object.__new__
    decoders = _DECODERS

    def read_model(serializer, payload):
        if type(payload) is not dict:
            raise _NotPlanned
        values = dict(template)  # every attribute is in it, so its order is the SDK's
        extra = None
        for name, value in payload.items():
            field = fields.get(name)
            if field is None:
                extra = [name] if extra is None else extra + [name]
            elif value is None:
                values[field[0]] = None
            elif field[1] is not None:
                if type(value) is not field[1]:
                    raise _NotPlanned
                values[field[0]] = value
            else:
                decode = decoders.get(field[2]) or _decoder(field[2])
                values[field[0]] = decode(serializer, value)
        obj = new(model)
        obj.__dict__ = values
        for name in extra or ():  # keys the model does not know: set as they are, afterwards
            setattr(obj, name, payload[name])
        return obj
    return read_model
