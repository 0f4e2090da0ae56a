from tests.web.conftest import World, world  # noqa: F401  (the page tests' organization)
