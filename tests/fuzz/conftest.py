from tests.api.conftest import Factory, Stack, client, factory, stack  # noqa: F401
