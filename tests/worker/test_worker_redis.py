"""The worker on the Redis backend (OKRS_TASKS_BACKEND=redis, django-tasks-rq): a real `okrs
worker` process runs RQ's worker against the suite's Redis (its own database number, flushed)
and delivers a webhook the web side enqueued, then its retry after a failure."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.test import override_settings

from okrs.goals.services import checkin_create
from okrs.hooks.models import Attempt, Delivery, DeliveryState
from okrs.hooks.services import subscription_create
from tests import factories as f
from tests.redis import WORKER_DB, flush, redis_url
from tests.worker.test_worker import _eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_tasks() -> Iterator[str]:
    url = redis_url(WORKER_DB)
    try:
        import django_tasks_rq  # noqa: F401 - the `redis` extra, which `make install` installs
    except ImportError:
        if os.environ.get("OKRS_REQUIRE_REDIS", "") == "1":
            pytest.fail("OKRS_REQUIRE_REDIS=1 and django-tasks-rq is missing: make install")
        pytest.skip("pip install 'okrs[redis]'")
    rq_backend = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=rq_backend, RQ_QUEUES={"default": {"URL": url}}):
        yield url
    flush(url)


def test_a_webhook_is_delivered_through_redis_and_retried(start_worker, receiver, redis_tasks):  # type: ignore[no-untyped-def]
    import django_rq

    receiver.status = 500
    lead, team = f.person("lead"), f.team("reps")
    f.membership(lead, team, "lead")
    kr = f.key_result(objective=f.objective(team=team))
    subscription_create(team=team, url=receiver.url, events=["checkin.recorded"], created_by=lead)
    worker = start_worker(
        OKRS_TASKS_BACKEND="redis", OKRS_REDIS_URL=redis_tasks, OKRS_SCHEDULE_WEBHOOKS="off"
    )
    checkin_create(key_result=kr, value=3, author=lead, at=dt.datetime(2017, 2, 1, tzinfo=dt.UTC))
    assert django_rq.get_queue("default").count + _started() >= 1  # queued in Redis

    _eventually(lambda: len(receiver.received) >= 1, "make the first attempt", timeout=60)
    receiver.status = 200
    delivery = _eventually(
        lambda: Delivery.objects.filter(state=DeliveryState.DELIVERED).first(),
        "retry through RQ's scheduler",
        timeout=60,
    )
    assert delivery.attempts == 2
    log = list(Attempt.objects.filter(delivery=delivery).values_list("status_code", flat=True))
    assert log == [500, 200]
    assert worker.poll() is None


def _started() -> int:
    import django_rq

    return len(django_rq.get_queue("default").started_job_registry)
