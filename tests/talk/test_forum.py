"""Comments mirrored to a Discourse topic, against a fake forum on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from okrs.goals.models import ObjectiveVisibility
from okrs.talk import services
from okrs.talk.forum import mirror_pending, topic_id_from_url
from okrs.talk.models import ForumTopic, MirrorPost, TeamTalkSettings
from tests import factories as f


class FakeForum:
    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.headers: list[dict] = []
        self.fail_next = 0
        self.fail_status = 502
        forum = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                forum.headers.append(dict(self.headers))
                if forum.fail_next:
                    forum.fail_next -= 1
                    self.send_response(forum.fail_status)
                    self.end_headers()
                    self.wfile.write(b"bad gateway" if forum.fail_status == 502 else b"slow down")
                    return
                forum.posts.append({"path": self.path, **body})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": 900 + len(forum.posts)}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def forum(settings):
    fake = FakeForum()
    settings.OKRS_DISCOURSE_URL = fake.url
    settings.OKRS_DISCOURSE_API_KEY = "test-key"
    settings.OKRS_DISCOURSE_API_USERNAME = "okrs-bot"
    yield fake
    fake.close()


def test_topic_ids_are_read_from_urls():
    assert topic_id_from_url("https://discourse.mozilla.org/t/reps-q1-okrs/12345") == 12345
    assert topic_id_from_url("https://d.example.org/t/slug/77/3") == 77
    assert topic_id_from_url("https://d.example.org/t/88") == 88
    assert topic_id_from_url("https://d.example.org/c/reps") is None
    assert topic_id_from_url("javascript:alert(1)//t/1") is None


def test_lead_links_a_topic_others_may_not(world):
    with pytest.raises(PermissionDenied):
        services.forum_topic_link(
            url="https://d.example.org/t/x/5", actor=world.member, objective=world.objective
        )
    with pytest.raises(ValidationError, match="topic address"):
        services.forum_topic_link(url="https://x.org/", actor=world.lead, objective=world.objective)
    topic = services.forum_topic_link(
        url="https://d.example.org/t/x/5", actor=world.lead, objective=world.objective
    )
    assert topic.topic_id == 5
    with pytest.raises(PermissionDenied):
        services.forum_topic_link(
            url="https://d.example.org/t/q/6", actor=world.lead, period=world.period
        )
    assert (
        services.forum_topic_link(
            url="https://d.example.org/t/q/6", actor=world.admin, period=world.period
        ).topic_id
        == 6
    )


def _opt_in(world):
    TeamTalkSettings.objects.create(team=world.team, mirror_to_forum=True)
    ForumTopic.objects.create(objective=world.objective, url="https://d/t/x/41", topic_id=41)
    ForumTopic.objects.create(period=world.period, url="https://d/t/q/40", topic_id=40)


def test_new_comments_reach_the_topic_and_failures_are_retried(world, forum):
    _opt_in(world)
    services.comment_post(target=world.kr, author=world.member, body="KR news")
    services.comment_post(target=world.packet, author=world.member, body="packet news")
    forum.fail_next = 1
    run = mirror_pending()
    assert (run.sent, run.failed) == (1, 1)
    failed = MirrorPost.objects.get(state="failed")
    assert "HTTP 502" in failed.last_error and failed.attempts == 1
    run = mirror_pending()
    assert (run.sent, run.failed) == (1, 0)
    assert sorted((p["topic_id"], p["raw"].split("\n")[0]) for p in forum.posts) == [
        (40, "packet news"),
        (41, "KR news"),
    ]
    assert {p["path"] for p in forum.posts} == {"/posts.json"}
    assert forum.headers[-1]["Api-Key"] == "test-key"
    assert forum.headers[-1]["Api-Username"] == "okrs-bot"
    assert set(MirrorPost.objects.values_list("state", flat=True)) == {"sent"}
    assert mirror_pending().sent == 0  # nothing sent twice


def test_unreachable_forum_keeps_the_post(world, settings):
    _opt_in(world)
    settings.OKRS_DISCOURSE_URL = "http://127.0.0.1:9"  # discard port: connection refused
    settings.OKRS_DISCOURSE_API_KEY = "k"
    services.comment_post(target=world.objective, author=world.member, body="hi")
    with pytest.raises(CommandError, match="retried"):
        call_command("talk", "mirror")
    post = MirrorPost.objects.get()
    assert post.state == "failed" and post.last_error


def test_nothing_is_queued_without_opt_in_or_configuration(world, forum, settings):
    ForumTopic.objects.create(objective=world.objective, url="https://d/t/x/41", topic_id=41)
    services.comment_post(target=world.objective, author=world.member, body="not opted in")
    TeamTalkSettings.objects.create(team=world.team, mirror_to_forum=True)
    settings.OKRS_DISCOURSE_API_KEY = ""
    services.comment_post(target=world.objective, author=world.member, body="no key")
    assert not MirrorPost.objects.exists()


def test_private_objectives_are_never_mirrored(world, forum):
    _opt_in(world)
    private = f.objective(
        team=world.team, period=world.period, visibility=ObjectiveVisibility.PRIVATE
    )
    services.comment_post(target=private, author=world.member, body="secret")
    assert not MirrorPost.objects.exists()


def test_command_refuses_without_configuration(settings):
    settings.OKRS_DISCOURSE_API_KEY = ""
    with pytest.raises(CommandError, match="OKRS_DISCOURSE_URL"):
        call_command("talk", "mirror")


def test_lead_links_a_topic_from_the_page_and_readers_see_it(world):
    url = f"/talk/objectives/{world.objective.pk}/topic/"
    topic = "https://discourse.example.org/t/reps-q1/321"
    assert world.client("member").post(url, {"url": topic}).status_code == 403
    assert world.client("lead").post(url, {"url": topic}).status_code == 302
    assert ForumTopic.objects.get().topic_id == 321
    html = world.client(None).get(f"/objectives/{world.objective.pk}/").content.decode()
    assert f'href="{topic}"' in html and "Link a forum topic" not in html
    kr_html = world.client(None).get(f"/key-results/{world.kr.pk}/").content.decode()
    assert f'href="{topic}"' in kr_html


def test_lead_opts_the_team_in(world):
    url = "/teams/reps/talk-settings/"
    assert world.client("member").post(url, {"mirror": "on"}).status_code == 403
    assert world.client("lead").post(url, {"mirror": "on"}).status_code == 302
    assert TeamTalkSettings.objects.get(team=world.team).mirror_to_forum is True
    world.client("lead").post(url, {})
    assert TeamTalkSettings.objects.get(team=world.team).mirror_to_forum is False


def test_the_forum_switch_lives_on_the_team_settings_page_only(world):
    """One place for a team's settings: the offers page points to it instead of a second switch."""
    offers = world.client("lead").get("/teams/reps/offers/").content.decode()
    assert 'name="mirror"' not in offers and 'href="/teams/reps/settings/#talk-title"' in offers
    settings_page = world.client("lead").get("/teams/reps/settings/").content.decode()
    assert 'name="mirror"' in settings_page


def test_replies_keep_their_order_across_a_rate_limit(world, forum):
    """A 429 on the first of three comments of one topic: nothing overtakes it; the next run
    sends all three in the order they were written."""
    _opt_in(world)
    for body in ("first", "second", "third"):
        services.comment_post(target=world.kr, author=world.member, body=body)
    forum.fail_next, forum.fail_status = 1, 429
    run = mirror_pending()
    assert (run.sent, run.failed, run.waiting) == (0, 1, 2)
    assert forum.posts == []
    run = mirror_pending()
    assert (run.sent, run.failed, run.waiting) == (3, 0, 0)
    assert [p["raw"].split("\n")[0] for p in forum.posts] == ["first", "second", "third"]


def test_a_failure_holds_back_only_its_own_topic(world, forum):
    _opt_in(world)
    services.comment_post(target=world.kr, author=world.member, body="kr 1")
    services.comment_post(target=world.packet, author=world.member, body="packet 1")
    services.comment_post(target=world.kr, author=world.member, body="kr 2")
    forum.fail_next = 1  # 502 for "kr 1"
    run = mirror_pending()
    assert (run.sent, run.failed, run.waiting) == (1, 1, 1)
    assert [p["raw"].split("\n")[0] for p in forum.posts] == ["packet 1"]
    mirror_pending()
    assert [p["raw"].split("\n")[0] for p in forum.posts] == ["packet 1", "kr 1", "kr 2"]
