import httpx


def test_healthz_and_login(demo_server):
    assert httpx.get(f"{demo_server.base_url}/healthz").json()["status"] == "ok"
    token = demo_server.login("dispatcher")
    me = httpx.get(f"{demo_server.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "dispatcher"
