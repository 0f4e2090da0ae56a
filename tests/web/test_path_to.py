"""`path_to`, the template filter that writes a row's link without reversing per row."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from okrs.web.paths import path_to


@pytest.mark.parametrize(
    "name", ["web:objective", "web:key_result", "web:checkin", "web:objective_move"]
)
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_path_to_equals_reverse(name: str, pk: int) -> None:
    assert path_to(pk, name) == reverse(name, args=[pk])


def test_path_to_follows_the_script_prefix() -> None:
    try:
        set_script_prefix("/okrs/")
        assert (
            path_to(7, "web:key_result")
            == "/okrs/key-results/7/"
            == reverse("web:key_result", args=[7])
        )
    finally:
        set_script_prefix("/")
    assert path_to(7, "web:key_result") == "/key-results/7/"


def test_path_to_in_a_template() -> None:
    rendered = Template("{% load okrs_format %}{{ pk|path_to:'web:objective' }}").render(
        Context({"pk": 5})
    )
    assert rendered == "/objectives/5/"
