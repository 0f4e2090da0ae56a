from tests.hooks.conftest import receiver  # noqa: F401 - the webhook receiver on 127.0.0.1
from tests.worker.test_worker import start_worker  # noqa: F401 - a real `okrs worker` process
