"""The app's tests drive the same fake-Discord world as the cogs' tests."""

from tests.cogs.conftest import env, world  # noqa: F401  (fixtures, used by name)
