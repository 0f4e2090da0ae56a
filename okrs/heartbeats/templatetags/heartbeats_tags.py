from django import template
from django.utils.safestring import SafeString

from okrs.heartbeats.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered and sanitized (nh3)."""
    return render_markdown(text)


@register.filter
def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
