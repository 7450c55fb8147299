"""ApiCalls, the one path from the screens to the server: signing in again, once, only when the
session a call was sent in has ended."""

from __future__ import annotations

from api_client.errors import Unauthorized
from crm_tui.api_calls import ApiCalls


class Console:
    """The app's side: a token, a sign-in that replaces it, the connection state."""

    def __init__(self) -> None:
        self.token = "first"
        self.sign_ins = 0
        self.states: list[str] = []

    async def sign_in_again(self) -> bool:
        self.sign_ins += 1
        self.token = f"after sign-in {self.sign_ins}"
        return True

    def calls(self) -> ApiCalls:
        return ApiCalls(sign_in_again=self.sign_in_again, set_state=self.states.append, session=lambda: self.token)


async def test_an_ended_session_signs_in_again_and_sends_the_call_once_more():
    console, sent = Console(), []

    async def request() -> str:
        sent.append(console.token)
        if console.token == "first":
            raise Unauthorized("session ended", status_code=401)
        return "answer"

    assert await console.calls()(request) == "answer"
    assert console.sign_ins == 1 and sent == ["first", "after sign-in 1"]
    assert console.states == ["online", "online"]


async def test_a_call_sent_before_an_unlock_goes_again_with_the_new_token_without_asking():
    console, sent = Console(), []

    async def request() -> str:
        sent.append(console.token)
        if console.token == "first":
            console.token = "after unlock"  # the lock screen signed in while this was on its way
            raise Unauthorized("token revoked", status_code=401)
        return "answer"

    assert await console.calls()(request) == "answer"
    assert console.sign_ins == 0 and sent == ["first", "after unlock"]
