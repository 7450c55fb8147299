"""A stop request (SIGTERM) while the app runs is handed to the app's own exit instead of a
SystemExit raised wherever the signal lands; before it, or on a second request, SystemExit."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from crm_tui.departure import EXIT_STOPPED, Departure


@pytest.fixture
def departure() -> Iterator[Departure]:
    before = {number: signal.getsignal(number) for number in (signal.SIGHUP, signal.SIGTERM)}
    departure = Departure()
    departure.install()
    yield departure
    for number, handler in before.items():
        signal.signal(number, handler)


def test_a_stop_request_goes_to_the_running_app(departure):
    asked: list[int] = []
    departure.stops_with(lambda status: asked.append(status) or True)
    signal.raise_signal(signal.SIGTERM)  # returns: the app was asked, nothing raised
    assert asked == [EXIT_STOPPED] and departure.status == EXIT_STOPPED
    with pytest.raises(SystemExit) as second:  # a second request does not wait for the app
        signal.raise_signal(signal.SIGTERM)
    assert second.value.code == EXIT_STOPPED and asked == [EXIT_STOPPED]


@pytest.mark.parametrize("app_running", [None, False], ids=["before the app", "after the app"])
def test_without_a_running_app_a_stop_request_raises_system_exit(departure, app_running):
    if app_running is not None:
        departure.stops_with(lambda _status: app_running)
    with pytest.raises(SystemExit) as stopped:
        signal.raise_signal(signal.SIGTERM)
    assert stopped.value.code == EXIT_STOPPED
