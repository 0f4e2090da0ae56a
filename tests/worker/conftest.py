from tests.hooks.conftest import receiver  # noqa: F401 - the webhook receiver on 127.0.0.1
