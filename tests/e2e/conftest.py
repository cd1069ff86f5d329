"""Every test here starts the product in processes of its own, as a user starts it."""

import pytest


def pytest_itemcollected(item: pytest.Item) -> None:
    item.add_marker(pytest.mark.processes)
