"""Forms check their values as the API, the files and the datasets do (`okrs.core.values`).

`CheckedValues` is mixed into every form of okrs: each field that takes a day, a time, an
integer, a number, text or JSON gets the matching check of `okrs.core.values` as a validator,
so a value the database would store differently on SQLite and PostgreSQL (a day before 1900, a
time in the year 0 in UTC, an integer past the column, NaN, a NUL character, JSON nested too
deep) is the form's error beside its field, never a 500 and never a row written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from okrs.core import values

_RANGE = {"first": values.MIN_YEAR, "last": values.MAX_YEAR}


def _day(value: Any) -> None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        try:
            values.check_day(value)
        except ValueError:
            raise ValidationError(
                _("Enter a day between the years %(first)s and %(last)s."),
                code="day_range",
                params=_RANGE,
            ) from None


def _moment(value: Any) -> None:
    if isinstance(value, dt.datetime):
        try:
            values.check_moment(value)
        except ValueError:
            raise ValidationError(
                _("Enter a time between the years %(first)s and %(last)s (in UTC too)."),
                code="time_range",
                params=_RANGE,
            ) from None


def _integer(bounds: tuple[int, int]) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                values.check_int(value, bounds)
            except ValueError:
                raise ValidationError(
                    _("Enter a whole number from %(low)s to %(high)s."),
                    code="int_range",
                    params={"low": bounds[0], "high": bounds[1]},
                ) from None

    return check


def _number(value: Any) -> None:
    if isinstance(value, float):
        try:
            values.check_number(value)
        except ValueError:
            raise ValidationError(_("Enter a finite number."), code="not_finite") from None


def _text(value: Any) -> None:
    if isinstance(value, str):
        try:
            values.check_text(value)
        except ValueError:
            raise ValidationError(
                _("Remove the NUL character from the text."), code="null_characters"
            ) from None


def _json(value: Any) -> None:
    try:
        values.check_value(value)
    except ValueError as exc:
        raise ValidationError(
            _("This value cannot be stored: %(problem)s."),
            code="json_value",
            params={"problem": str(exc)},
        ) from None


def validators_for(field: forms.Field, model_field: Any = None) -> list[Callable[[Any], None]]:
    """The checks of `okrs.core.values` that a form field's cleaned value must pass."""
    if isinstance(field, forms.JSONField):
        return [_json]
    if isinstance(field, forms.DateTimeField):
        return [_moment]
    if isinstance(field, forms.DateField):
        return [_day]
    if isinstance(field, forms.FloatField | forms.DecimalField):
        return [_number]
    if isinstance(field, forms.IntegerField):
        big = isinstance(model_field, models.BigIntegerField | models.PositiveBigIntegerField)
        return [_integer(values.INT64 if big else values.INT32)]
    if isinstance(field, forms.CharField):
        return [_text]
    return []


class CheckedValues:
    """Mixin for a `forms.Form` or `forms.ModelForm` (listed first): every field checks its
    value with `okrs.core.values`. An integer of a ModelForm takes its model column's range
    (64 bits for a big integer), any other integer the 32 bits of an `IntegerField`."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meta = getattr(self, "_meta", None)
        model = getattr(meta, "model", None)
        for name, field in self.fields.items():
            model_field = None
            if model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    model_field = None
            checks = validators_for(field, model_field)
            # each form instance has its own copy of its fields (deep-copied from the class)
            field.validators = [*field.validators, *checks]
