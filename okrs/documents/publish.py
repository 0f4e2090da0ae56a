"""A period's OKRs written back out as a community post, in the seed's shape.

Objectives ("Objective 1 – …") with their key results ("KR 1 – …"), the current grade and
status on a line of their own (so the post reads back into the same OKRs), the heartbeat
plan, the link to the tracker and the closing questions. Only what an anonymous reader may
see is published (``Objective.objects.visible_to(AnonymousUser())``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext, gettext_lazy, pgettext

from okrs.core.pacing import Status
from okrs.goals.models import Objective, Period
from okrs.goals.selectors import ObjectiveRow, scoreboard
from okrs.heartbeats.models import Heartbeat, PacketStatus, WorkPacket
from okrs.org.models import Team
from okrs.talk.models import ForumTopic

FORMATS = ("markdown", "discourse", "html")

QUESTIONS = (
    gettext_lazy("Which of the above objectives are you most interested in?"),
    gettext_lazy("What key result would you like to hear more about?"),
    gettext_lazy("What do you find intriguing?"),
    gettext_lazy("Where would you like to help out?"),
)
_STATUS = {
    Status.ON_TRACK: gettext_lazy("on track"),
    Status.AT_RISK: gettext_lazy("at risk"),
    Status.OFF_TRACK: gettext_lazy("off track"),
    Status.NO_DATA: gettext_lazy("no data yet"),
    Status.UNCERTAIN: gettext_lazy("uncertain"),
    Status.ACHIEVED: gettext_lazy("achieved"),
    Status.MISSED: gettext_lazy("missed"),
}


@dataclass
class TeamPost:
    team: Team
    objectives: list[ObjectiveRow]
    grade: float | None
    heartbeat: Heartbeat | None = None
    packets: list[WorkPacket] = field(default_factory=list)


@dataclass
class Post:
    period: Period
    on: dt.date
    teams: list[TeamPost]
    topic_url: str = ""  # the forum thread of the period, linked as the place to discuss
    objective_topics: dict[int, str] = field(default_factory=dict)  # objective id → thread

    @property
    def graded(self) -> bool:
        """Grades are shown once the period has started."""
        return self.on >= self.period.start


def build_post(period: Period, *, team: Team | None = None, on: dt.date | None = None) -> Post:
    """The published view of ``period`` (one team or all) as of ``on``. Six queries."""
    objectives = Objective.objects.visible_to(AnonymousUser())
    if team is not None:
        objectives = objectives.filter(team=team)
    board = scoreboard(period, objectives, on=on)
    day = on or board.on
    teams = [
        TeamPost(team=row.team, objectives=row.objectives, grade=row.grade) for row in board.teams
    ]
    _attach_heartbeats(teams, period, day)
    topics = ForumTopic.objects.filter(
        Q(period=period) | Q(objective_id__in=[o.objective.pk for o in board.objectives])
    ).values_list("period_id", "objective_id", "url")
    return Post(
        period=period,
        on=day,
        teams=teams,
        topic_url=next((url for p, _, url in topics if p == period.pk), ""),
        objective_topics={o: url for _, o, url in topics if o is not None},
    )


def _attach_heartbeats(teams: list[TeamPost], period: Period, on: dt.date) -> None:
    """The heartbeat running on ``on`` (else the next, else the last) with its packets."""
    by_team = {t.team.pk: t for t in teams}
    heartbeats = (
        Heartbeat.objects.filter(team_id__in=by_team, period=period)
        .order_by("start")
        .prefetch_related(
            Prefetch(
                "packets",
                queryset=WorkPacket.objects.exclude(status=PacketStatus.DROPPED).order_by(
                    "order", "id"
                ),
            )
        )
    )
    chosen: dict[int, Heartbeat] = {}
    for heartbeat in heartbeats:
        current = chosen.get(heartbeat.team_id)
        if current is None or (current.end < on and heartbeat.start <= on) or current.end < on:
            chosen[heartbeat.team_id] = heartbeat
    for team_id, heartbeat in chosen.items():
        by_team[team_id].heartbeat = heartbeat
        by_team[team_id].packets = list(heartbeat.packets.all())


def _day(day: dt.date) -> str:
    return date_format(day, pgettext("a day in the published post (a date format)", "F j"))


def _grade(value: float) -> str:
    return number_format(value, 2)


def _grade_line(score_grade: float | None, status: Status) -> str:
    if score_grade is None:
        return gettext("Status: no check-in yet")
    return gettext("Status: grade %(grade)s, %(status)s") % {
        "grade": _grade(score_grade),
        "status": _STATUS[status],
    }


def _heartbeat_sentence(post: TeamPost) -> str | None:
    if post.heartbeat is None:
        return None
    heartbeat = post.heartbeat
    return gettext(
        "We work in heartbeats. For the heartbeat %(heartbeat)s (ends %(end)s) we have defined"
        " our work packets:"
    ) % {"heartbeat": heartbeat.name, "end": _day(heartbeat.end)}


def _packet_line(packet: WorkPacket) -> str:
    if packet.status == PacketStatus.DONE:
        return gettext("%(packet)s (done)") % {"packet": packet.title}
    return packet.title


def _blocks(post: Post) -> list[tuple[str, str]]:
    """The post as (kind, text) blocks: h1, h2, p, kr, status, li, link, question; in the
    site's language (`LANGUAGE_CODE`, OKRS_LANGUAGE), whoever publishes it: the post is one
    public text for the community, the same from the page, the command and the chat."""
    with translation.override(settings.LANGUAGE_CODE):
        return _site_blocks(post)


def _site_blocks(post: Post) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    period = post.period
    for team_post in post.teams:
        team = team_post.team
        blocks.append(
            ("h1", gettext("%(team)s OKRs for %(period)s") % {"team": team.name, "period": period})
        )
        intro = gettext(
            "These are the objectives and key results of %(team)s for %(period)s (%(start)s to"
            " %(end)s, %(year)s)."
        ) % {
            "team": team.name,
            "period": period,
            "start": _day(period.start),
            "end": _day(period.end),
            "year": period.end.year,
        }
        blocks.append(("p", intro))
        if post.graded and team_post.grade is not None:
            blocks.append(
                (
                    "p",
                    gettext("As of %(day)s the overall grade is %(grade)s.")
                    % {"day": _day(post.on), "grade": _grade(team_post.grade)},
                )
            )
        for number, row in enumerate(team_post.objectives, start=1):
            blocks.append(
                (
                    "h2",
                    gettext("Objective %(number)s – %(title)s")
                    % {"number": number, "title": row.objective.title},
                )
            )
            if post.graded:
                blocks.append(("status", _grade_line(row.grade, row.status)))
            if row.objective.pk in post.objective_topics:
                url = post.objective_topics[row.objective.pk]
                blocks.append(("link", gettext("Discuss this objective") + f"|{url}"))
            for kr_number, kr_row in enumerate(row.key_results, start=1):
                blocks.append(
                    (
                        "kr",
                        gettext("KR %(number)s – %(title)s")
                        % {"number": kr_number, "title": kr_row.key_result.title},
                    )
                )
                if post.graded:
                    blocks.append(("status", _grade_line(kr_row.score.grade, kr_row.score.status)))
        sentence = _heartbeat_sentence(team_post)
        if sentence:
            blocks.append(("p", sentence))
            blocks.extend(("li", _packet_line(packet)) for packet in team_post.packets)
        if team.tracker_url:
            blocks.append(
                (
                    "link",
                    gettext(
                        "You can follow the progress of these tasks in the %(team)s issue tracker"
                    )
                    % {"team": team.name}
                    + f"|{team.tracker_url}",
                )
            )
        blocks.extend(("question", str(q)) for q in QUESTIONS)
        closing = gettext("Let’s keep the conversation going!")
        discussion = post.topic_url or team.discussion_url
        if discussion:
            join = gettext("Join the discussion")
            blocks.append(("link", f"{closing} {join}|{discussion}"))
        else:
            blocks.append(("p", closing))
    return blocks


def render(post: Post, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "html":
        return _html(post)
    text = _markdown(post)
    if fmt == "discourse":
        text += _poll(post)
    return text


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<|~&])")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown (CommonMark, which Discourse reads): the characters that start
    markup inside a line (emphasis, code, links and images, raw HTML and autolinks (`<`; a `>`
    inside a line is plain text), entities,
    tables, strike-through, BBCode-like `[poll]` tags) escaped with a backslash, line breaks as
    spaces (so nothing starts a heading or a list), so user text stays text. The document reader
    (`okrs.core.docparse`) takes the escapes off again."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def _markdown_url(url: str) -> str:
    """An address inside `<…>`: the characters that would end or break it percent-encoded."""
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def _markdown(post: Post) -> str:
    lines: list[str] = []
    for kind, raw in _blocks(post):
        text = raw if kind == "link" else markdown_text(raw)
        if kind == "h1":
            lines += [f"# {text}", ""]
        elif kind == "h2":
            lines += ["", f"## {text}", ""]
        elif kind == "kr":
            lines.append(f"- {text}")
        elif kind == "status":
            if lines and lines[-1].startswith("- "):
                lines.append(f"  *{text}*")
            else:
                lines += [f"*{text}*", ""]
        elif kind == "li":
            lines.append(f"* {text}")
        elif kind == "link":
            words, url = text.rsplit("|", 1)
            lines += ["", f"{markdown_text(words)}: <{_markdown_url(url)}>", ""]
        elif kind == "question":
            asked = {markdown_text(q) for q in QUESTIONS}
            lines += [text] if lines and lines[-1] in asked else ["", text]
        else:
            lines += ["", text, ""]
    return "\n".join(_squeeze(lines)).strip() + "\n"


def _squeeze(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


def _poll(post: Post) -> str:
    """A Discourse poll: which objective interests you most (no "Objective n" labels)."""
    options = [row.objective.title for team in post.teams for row in team.objectives]
    if not options:
        return ""
    body = "\n".join(f"* {markdown_text(title)}" for title in options)
    question = "# Which objective interests you most?"
    return f"\n[poll type=regular public=false]\n{question}\n{body}\n[/poll]\n"


def _html(post: Post) -> str:
    lines: list[str] = []
    in_list = False
    for kind, text in _blocks(post):
        if kind == "status" and in_list:
            lines[-1] = lines[-1].removesuffix("</li>") + f"\n<em>{escape(text)}</em></li>"
            continue
        if kind not in {"kr", "li"} and in_list:
            lines.append("</ul>")
            in_list = False
        if kind in {"kr", "li"} and not in_list:
            lines.append("<ul>")
            in_list = True
        if kind == "h1":
            lines.append(f"<h1>{escape(text)}</h1>")
        elif kind == "h2":
            lines.append(f"<h2>{escape(text)}</h2>")
        elif kind in {"kr", "li"}:
            lines.append(f"<li>{escape(text)}</li>")
        elif kind == "status":
            lines.append(f"<p><em>{escape(text)}</em></p>")
        elif kind == "link":
            words, url = text.rsplit("|", 1)
            lines.append(f'<p>{escape(words)}: <a href="{escape(url)}">{escape(url)}</a></p>')
        else:
            lines.append(f"<p>{escape(text)}</p>")
    if in_list:
        lines.append("</ul>")
    return "\n".join(lines) + "\n"
