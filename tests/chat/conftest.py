from tests.hooks.conftest import Cast, Receiver, cast, receiver  # noqa: F401  (shared fixtures)
