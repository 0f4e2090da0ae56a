"""okrs says everything through Django's translation machinery: no template has text outside a
translation tag, and Spanish, French and Brazilian Portuguese translate every message that
makemessages finds in the templates and the Python code; the committed catalogs are current.
The reader's language comes from the switcher or the browser; dates and numbers follow it."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
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
CATALOGS = (*LANGUAGES, "qps_Rtl")
WORD = re.compile(r"[A-Za-z]{2,}")
LABELS = {"aria-label", "title", "placeholder", "alt", "data-label"}
# Not words to translate: the product's name, formats, protocols and standard abbreviations,
# and entities.
NOT_WORDS = {"okrs", "CSV", "URL", "NPS", "API", "JSON", "HTTP", "nbsp", "amp", "lt", "gt"}
ADDRESS = re.compile(r"https?://\S+|(?<!\w)/\S*")  # links and paths are not words


def _templates() -> list[str]:
    """Every template of okrs, by the name Django loads it with."""
    names = []
    for path in sorted(Path(settings.BASE_DIR).rglob("templates/**/*")):
        if path.is_file() and path.suffix in (".html", ".txt"):
            names.append(str(path).split("/templates/", 1)[1])
    return names


def _nodes(nodelist):  # type: ignore[no-untyped-def]
    for node in nodelist:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, attr, None) or [])


class _Text(HTMLParser):
    """The words a reader sees (text and labelling attributes) in HTML, outside <code>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.code += tag in ("code", "pre", "kbd", "samp")
        for name, value in attrs:
            if name in LABELS and value:
                self.words += WORD.findall(ADDRESS.sub(" ", value))

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag in ("code", "pre", "kbd", "samp") and self.code > 0

    def handle_data(self, data: str) -> None:
        if not self.code:
            self.words += WORD.findall(ADDRESS.sub(" ", data))


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


@pytest.mark.parametrize("name", _templates())
def test_templates_have_no_text_outside_translation_tags(name: str) -> None:
    bare, _ = _messages(name)
    assert not bare, f"{name}: text outside {{% translate %}}: {sorted(set(bare))}"


def _entries(po: Path) -> list[dict[str, object]]:
    """The live entries of a gettext catalog: msgctxt, msgid, msgstr (a list: one per plural
    form) and whether it is fuzzy; the header and obsolete (#~) entries left out."""
    entries = []
    for block in re.split(r"\n\s*\n", po.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries.append(
                {
                    "msgctxt": fields.get("msgctxt"),
                    "msgid": fields["msgid"],
                    "msgstr": [v for k, v in sorted(fields.items()) if k.startswith("msgstr")],
                    "fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines),
                }
            )
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogs as `makemessages` makes them now from every template and Python file,
    in a copy of the package (the committed catalogs are left as they are)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    copy = tmp_path_factory.mktemp("messages") / "okrs"
    shutil.copytree(
        settings.BASE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo")
    )
    here = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=list(CATALOGS), verbosity=0)
    finally:
        os.chdir(here)
    return copy / "locale"


@pytest.mark.parametrize("language", CATALOGS)
def test_every_message_has_a_translation(extracted: Path, language: str) -> None:
    """Every message of okrs (templates and Python, as makemessages finds them now) has a
    complete, reviewed translation: no empty msgstr, no fuzzy one (gettext would skip it),
    in the pseudo-locale too."""
    entries = _entries(extracted / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 900
    missing = [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])]  # type: ignore[arg-type]
    assert not missing, f"{language}: {len(missing)} messages untranslated: {missing[:20]}"


@pytest.mark.parametrize("language", CATALOGS)
def test_committed_catalogs_hold_every_message(extracted: Path, language: str) -> None:
    """The committed .po already holds what makemessages extracts (run it after changing
    strings), and its .mo is compiled from it."""
    now = {
        (e["msgctxt"], e["msgid"])
        for e in _entries(extracted / language / "LC_MESSAGES" / "django.po")
    }
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    committed = {(e["msgctxt"], e["msgid"]) for e in _entries(po)}
    assert now <= committed, f"{language}: not in the catalog yet: {sorted(now - committed)[:10]}"


@pytest.mark.parametrize("language", CATALOGS)
def test_compiled_catalogs_are_up_to_date(tmp_path: Path, language: str) -> None:
    """Each committed .mo says what its .po says (compiled again here with GNU msgfmt and
    compared message by message)."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)

    def catalog(path: Path) -> dict[object, str]:
        with path.open("rb") as file:
            return dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]

    assert catalog(fresh) == catalog(LOCALE / language / "LC_MESSAGES" / "django.mo"), (
        f"{language}: django.mo is stale: run `make messages`"
    )


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


def test_pages_say_choices_labels_and_charts_in_the_readers_language(world) -> None:  # type: ignore[no-untyped-def]
    """Model choices, form labels and errors, the chart's words and numbers follow the reader."""
    f.checkin(world.kr, 25.5, "2017-02-10T12:00Z")
    client = world.client("lead")
    page = client.get(f"/key-results/{world.kr.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Aumentar hasta" in page and "Semanal" in page  # direction and cadence choices
    assert "Fecha límite" in page and "Valores" in page  # the chart's legend
    assert "25,5 Reps" in page and "Último valor 25,5 Reps" in page  # its numbers and words
    form = client.get(f"/key-results/{world.kr.pk}/edit/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Punto" not in form.content.decode() and "Point de départ" in form.content.decode()
    objective = client.get(f"/objectives/{world.objective.pk}/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    text = objective.content.decode()
    assert "Nota ao longo do tempo" in text and "Resultados-chave" in text and "Histórico" in text
    refused = client.post(
        f"/key-results/{world.kr.pk}/edit/",
        {"title": "Reps reporting", "direction": "increase", "baseline": "10", "target": "5",
         "weight": "1", "cadence": "weekly", "measure_kind": "manual"},
        HTTP_ACCEPT_LANGUAGE="es",
    )  # fmt: skip
    assert "Un aumento termina por encima de donde empieza (10)." in refused.content.decode()


def test_the_published_post_is_written_in_the_sites_language(world, settings) -> None:  # type: ignore[no-untyped-def]
    """Whoever publishes, the post reads in the site's language (OKRS_LANGUAGE)."""
    from django.utils import translation

    from okrs.documents.publish import build_post, render

    post = build_post(world.period, on=world.period.start)
    with translation.override("fr"):
        english = render(post, "markdown")
    assert "Objective 1 – Grow the community" in english and "Objectif" not in english
    settings.LANGUAGE_CODE = "es"
    spanish = render(post, "markdown")
    assert "Objetivo 1 – Grow the community" in spanish
    assert "¿Dónde te gustaría echar una mano?" in spanish


def test_reminders_are_mailed_in_the_sites_language(world, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    from okrs.reminders.services import _send

    settings.LANGUAGE_CODE = "pt-br"
    context = {"person": world.lead, "key_results": [world.kr], "site": "https://okrs.example"}
    _send("a@example.org", lambda: "x", "reminders/reminder.txt", context)
    body = mail.outbox[-1].body
    assert "há um registro pendente em 1 resultado-chave seu:" in body


def test_the_alignment_map_speaks_the_readers_language(world) -> None:  # type: ignore[no-untyped-def]
    """The map's drawing and its text list: grades with the reader's decimal comma, statuses,
    the organization's line and the links in the reader's words."""
    parent = f.objective(team=world.parent, period=world.period, code="O1", title="Grow Mozilla")
    f.align(world.objective, parent, weight=0.5)
    f.checkin(world.kr, 25.5, "2017-02-10T12:00Z")
    page = world.client("member").get("/map/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Organización · nota" in page and "Organization · grade" not in page
    assert "Nota 0," in page and "Grade 0." not in page  # the objectives' boxes
    assert "contribuye a O1 Grow Mozilla (peso 0,5)" in page  # the link's title in the drawing
    assert "<h2>Contribuye a</h2>" in page  # the text list's heading
    for english in ("On track", "At risk", "Off track", "No check-in yet", "grade 0."):
        assert english not in page


def test_a_status_change_is_told_in_the_sites_language(  # type: ignore[no-untyped-def]
    world, settings, django_capture_on_commit_callbacks
) -> None:
    """Whoever checks in, in whatever language, the inbox line of a status change and of a
    packet's move read in the site's language (OKRS_LANGUAGE)."""
    import datetime as dt

    from django.utils import translation

    from okrs.goals.services import checkin_create
    from okrs.talk.models import Notification
    from okrs.talk.services import follow_toggle
    from tests.worker.queue import tell_status_changes

    follow_toggle(target=world.kr, person=world.member)
    settings.LANGUAGE_CODE = "fr"
    feb = dt.datetime(2017, 2, 15, 12, tzinfo=dt.UTC)
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        checkin_create(key_result=world.kr, value=30, confidence=0.9, author=world.lead, at=feb)
    with translation.override("es"):  # the worker, whatever language it runs in
        tell_status_changes()
    summary = Notification.objects.get(recipient=world.member, kind="status").summary
    assert summary.endswith("Aucun relevé → En bonne voie"), summary


def test_an_objectives_change_of_state_is_told_in_the_sites_language(  # type: ignore[no-untyped-def]
    world, settings, django_capture_on_commit_callbacks
) -> None:
    """Whoever archives or restores an objective, in whatever language, the inbox line reads in
    the site's language (`okrs.talk.services.in_site`, as a key result's status change)."""
    from django.utils import translation

    from okrs.goals.services import objective_archive, objective_restore
    from okrs.talk.models import Notification
    from okrs.talk.services import follow_toggle

    follow_toggle(target=world.objective, person=world.member)
    settings.LANGUAGE_CODE = "fr"
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        objective_archive(objective=world.objective, actor=world.lead)
        objective_restore(objective=world.objective, actor=world.lead)
    lines = Notification.objects.filter(recipient=world.member, kind="status").order_by("pk")
    assert [n.summary for n in lines] == [
        "O1 Grow the community: archivé",
        "O1 Grow the community: restauré",
    ]


def test_no_message_is_marked_inside_an_f_string() -> None:
    """makemessages (xgettext) does not look inside f-strings: a message marked there is never
    extracted, so no catalog translates it and the completeness test cannot see it."""
    inside = re.compile(r"""\bf(["'])[^"']*\{[^}]*\b(?:n|p)?gettext(?:_noop|_lazy)?\(\s*["']""")
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted(Path(settings.BASE_DIR).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if inside.search(line)
    ]
    assert not found, f"messages marked inside f-strings (never extracted): {found}"


# What okrs says in English on purpose: the command line's own words (options named as typed)
# and what the GitHub sync says of a payload, which an administrator reads in the log.
ENGLISH_ON_PURPOSE = {
    "sync/discourse.py": "--category names the forum's own categories",
    "sync/github.py": "--label-pattern and payload shapes, read in the sync's log",
}


def _literal_words(node: ast.AST) -> bool:
    """A text written in place (a string or f-string with words, or a dict of them), not one
    that went through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Dict):
        return any(v is not None and _literal_words(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) or _literal_words(node.right)
    return False


def test_refusals_and_flash_messages_go_through_gettext() -> None:
    """Every ValidationError, PermissionDenied and Http404 raised with words, and every flash
    message, says them through gettext (the core's through `okrs.core.messages.Message`), so a
    form error or a "saved" reads in the reader's language."""
    found = []
    for path in sorted(Path(settings.BASE_DIR).rglob("*.py")):
        relative = path.relative_to(settings.BASE_DIR).as_posix()
        if relative.startswith(("core/", "measures/bench")) or "/migrations/" in relative:
            continue
        if "/management/" in relative or relative in ENGLISH_ON_PURPOSE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            said = None
            if name in ("ValidationError", "PermissionDenied", "Http404") and node.args:
                said = node.args[0]
            flash = name in ("success", "error", "info", "warning", "add_error")
            if flash and isinstance(func, ast.Attribute) and len(node.args) > 1:
                said = node.args[1]
            if said is not None and _literal_words(said):
                found.append(f"{relative}:{node.lineno}")
    assert not found, f"words said in English only: {found}"


def test_a_rating_reads_as_a_score_of_its_scale(world) -> None:  # type: ignore[no-untyped-def]
    """A KR rated on "/5" shows "4.5 of 5" (Spanish: "4,5 de 5"), not "4.5 /5"."""
    world.kr.unit = "/5"
    world.kr.target = 4.5
    world.kr.save()
    f.checkin(world.kr, 4.5, "2017-02-10T12:00Z")
    page = world.client("lead").get(f"/key-results/{world.kr.pk}/").content.decode()
    assert "4.5 of 5" in page and "4.5 /5" not in page
    spanish = world.client("lead").get(f"/key-results/{world.kr.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert "4,5 de 5" in spanish.content.decode()
