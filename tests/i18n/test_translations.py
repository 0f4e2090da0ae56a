"""The covered templates say everything through Django's translation machinery, and Spanish,
French and Brazilian Portuguese translate every message of them; the reader's language comes
from the switcher or the browser; dates and numbers follow it."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client

from tests import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ("es", "fr", "pt_BR")
# The templates this session translated: the base layout, the overview, the key result page,
# the accounts pages and mails, the chat channels page. Others are still English-only.
COVERED = [
    "web/base.html", "web/_language.html", "web/home.html", "web/_objective_card.html",
    "web/_kr_table.html", "web/_kr_row.html", "web/_progress.html", "web/_status.html",
    "web/_checkin_form.html", "web/_objective_score.html", "web/_crumbs.html",
    "web/key_result.html", "web/_kr_live.html",
    "account/signup.html", "account/signup_closed.html", "account/verification_sent.html",
    "account/email_confirm.html", "socialaccount/signup.html", "accounts/_social_buttons.html",
    "accounts/_memberships.html", "accounts/invitation.html", "accounts/team_invitations.html",
    "accounts/delete_account.html", "accounts/email/invitation_subject.txt",
    "accounts/email/invitation_message.txt", "chat/channels.html",
]  # fmt: skip
WORD = re.compile(r"[A-Za-z]{2,}")
LABELS = {"aria-label", "title", "placeholder", "alt", "data-label"}
NOT_WORDS = {"okrs", "CSV", "nbsp", "amp", "lt", "gt"}  # the name, a format, entities


def _nodes(nodelist):  # type: ignore[no-untyped-def]
    for node in nodelist:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, attr, None) or [])


class _Text(HTMLParser):
    """The words a reader sees (text and labelling attributes) in HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in LABELS and value:
                self.words += WORD.findall(value)

    def handle_data(self, data: str) -> None:
        self.words += WORD.findall(data)


def _bare_words(source: str) -> list[str]:
    """What of a template's text is outside a translation tag: translation tags removed, other
    tags and variables blanked, the rest read as HTML."""
    source = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{% blocktranslate.*?{% endblocktranslate %}", "", source, flags=re.S)
    source = re.sub(r"{% translate [^%]*%}", "", source)
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    parser.close()
    return [w for w in parser.words if w not in NOT_WORDS]


def _messages(name: str) -> tuple[list[str], list[tuple[str | None, str]]]:
    """The bare English words of template `name`, and the (context, msgid) of its translation
    tags."""
    template = engines["django"].engine.get_template(name)
    messages = []
    for node in _nodes(template.nodelist):
        if isinstance(node, TranslateNode):
            context = node.message_context.resolve({}) if node.message_context else None
            messages.append((context, node.filter_expression.var.literal))
        elif isinstance(node, BlockTranslateNode):
            msgid, _ = node.render_token_list(node.singular)
            context = node.message_context.resolve({}) if node.message_context else None
            messages.append((context, msgid))
    return _bare_words(template.source), messages


@pytest.mark.parametrize("name", COVERED)
def test_covered_templates_have_no_untranslated_text(name: str) -> None:
    bare, messages = _messages(name)
    assert not bare, f"{name}: text outside {{% translate %}}: {sorted(set(bare))}"
    for language in LANGUAGES:
        catalog = gettext.GNUTranslations(
            (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb")
        )._catalog  # type: ignore[attr-defined]
        for context, msgid in messages:
            key = f"{context}\x04{msgid}" if context else msgid
            found = catalog.get(key) or catalog.get((key, 0))
            assert found, f"{name}: {msgid!r} has no {language} translation"


def test_a_template_with_bare_english_fails_the_check(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "probe.html").write_text(
        '{% load i18n %}<p title="Hello there">{% translate "Map" %} Forgotten words</p>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    bare, messages = _messages("probe.html")
    assert set(bare) == {"Hello", "there", "Forgotten", "words"} and messages == [(None, "Map")]


def test_browser_preference_and_switcher_choose_the_language(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 25, "2017-02-10T12:00Z")
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").get("/?period=2017-Q1&on=2017-02-15")
    page = spanish.content.decode()
    assert '<html lang="es" dir="ltr">' in page
    assert "Resultado clave" in page and "Descargar CSV" in page and "En camino" in page
    assert "0,50" in page and "15 de febrero de 2017" in page  # numbers and dates localized
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    french = client.get(f"/key-results/{world.kr.pk}/").content.decode()
    assert '<html lang="fr"' in french and "Historique des relevés" in french
    assert "Portugu" in french  # the switcher offers the others
    brazil = Client(HTTP_ACCEPT_LANGUAGE="pt-BR").get("/").content.decode()
    assert (
        '<html lang="pt-br"' in brazil and "Visão geral" in brazil
    ) or "Resultado-chave" in brazil
    english = Client().get("/?period=2017-Q1&on=2017-02-15").content.decode()
    assert '<html lang="en" dir="ltr">' in english and "0.50" in english


def test_pseudo_locale_is_right_to_left_and_hidden_from_the_switcher(world, settings) -> None:  # type: ignore[no-untyped-def]
    page = Client(HTTP_ACCEPT_LANGUAGE="qps-rtl").get("/").content.decode()
    assert '<html lang="qps-rtl" dir="rtl">' in page and "Kéý réšúlt" in page
    assert 'value="qps-rtl"' not in page
    settings.OKRS_PSEUDO_LOCALE = True
    assert 'value="qps-rtl"' in Client().get("/").content.decode()


def test_emails_are_translated(world, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail
    from django.utils import translation

    from okrs.accounts.services import invite

    with translation.override("es"):
        invite(world.lead, world.team, "nueva@example.org", "member")
    assert mail.outbox[-1].subject == "[okrs] Te invitan a Mozilla Reps"
    assert "te invita a unirte a Mozilla Reps en okrs como" in mail.outbox[-1].body
