"""Site admins see the tasks queued, running, failed and retried (django-tasks-db's admin)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from okrs.hooks.tasks import deliver_webhook
from okrs.sync.tasks import sync_repository
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/admin/django_tasks_database/dbtaskresult/"


def test_site_admins_see_queued_failed_and_retried_tasks(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    failed = deliver_webhook.enqueue(41)
    DBTaskResult.objects.filter(pk=failed.id).update(
        status=TaskResultStatus.FAILED, exception_class_path="okrs.hooks.tasks.DeliveryFailed"
    )
    deliver_webhook.using(run_after=timezone.now() + dt.timedelta(minutes=1)).enqueue(41)
    sync_repository.enqueue(7)
    admin = f.person("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        page = client.get(URL).content.decode()
    assert page.count(">deliver_webhook<") == 2
    assert ">sync_repository<" in page
    failed_only = client.get(URL, {"status__exact": "FAILED"}).content.decode()
    assert failed_only.count(">deliver_webhook<") == 1
    assert "sync_repository" not in failed_only
    detail = client.get(f"{URL}{failed.id}/change/").content.decode()
    assert "DeliveryFailed" in detail


def test_others_do_not(client) -> None:  # type: ignore[no-untyped-def]
    sync_repository.enqueue(7)
    member = f.person("member")
    client.force_login(member)
    assert client.get(URL).status_code == 302  # to the admin's login
    assert Client().get(URL).status_code == 302
