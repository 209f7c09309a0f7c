"""Webhook notifier against a real ThreadingHTTPServer on 127.0.0.1."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from logwatch_tui.notify import Dispatcher, notify_test
from logwatch_tui.notify.render import hostname
from tests.integration.notify_servers import (
    HookServer,
    Outcomes,
    always,
    closed_port,
    event,
    self_signed_cert,
    wait_for,
)

JSON_KEYS = {
    "version",
    "status",
    "rule",
    "name",
    "severity",
    "summary",
    "key",
    "count",
    "window",
    "at",
    "samples",
    "source",
    "host",
    "fingerprint",
}


def hook(url: str, **extra: object) -> dict:
    return {"type": "webhook", "url": url, "timeout": "2s", **extra}


def dispatcher(config: dict, outcomes: Outcomes, **kw: object) -> Dispatcher:
    d = Dispatcher(config, on_outcome=outcomes, retry_base=0.05, **kw)
    d.start()
    return d


def test_json_payload_has_every_documented_key() -> None:
    outcomes = Outcomes()
    ev = event(samples=("line one", "line \x1b[31mtwo\x1b[0m"))
    with HookServer() as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        d.submit(ev, ["ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    assert outcomes.statuses("ops-hook") == ["delivered"]
    assert outcomes.of("ops-hook")[0].describe() == "ops-hook: delivered 1 alert (attempt 1)"
    [req] = srv.requests
    assert req.path == "/hooks/T000/B000"
    assert req.headers["Content-Type"] == "application/json"
    body = req.json()
    assert set(body) == JSON_KEYS
    assert body == {
        "version": "1",
        "status": "firing",
        "rule": "conn-refused",
        "name": "Connection refused",
        "severity": "error",
        "summary": "3 connection errors in 1m on web1",
        "key": {"host": "web1"},
        "count": 3,
        "window": 60.0,
        "at": "2024-05-01T12:00:00+00:00",
        "samples": ["line one", "line \x1b[31mtwo\x1b[0m"],  # JSON carries data verbatim
        "source": "/var/log/app.log",
        "host": hostname(),
        "fingerprint": ev.fingerprint(),
    }


def test_slack_format_posts_text_and_defuses_mentions() -> None:
    outcomes = Outcomes()
    ev = event(samples=("<!channel> @here deploy `rm` & <http://evil|click>",))
    with HookServer() as srv:
        d = dispatcher({"chat": hook(srv.url, format="slack")}, outcomes)
        d.submit(ev, ["chat"])
        assert wait_for(lambda: outcomes.final("chat"))
        d.stop()
    [req] = srv.requests
    body = req.json()
    assert list(body) == ["text"]
    text = body["text"]
    assert "FIRING error: Connection refused host=web1" in text
    assert "3 connection errors in 1m on web1" in text
    assert "<!channel>" not in text and "<http" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text
    assert "@here" not in text  # broken by a zero-width space
    assert text.count("```") == 2  # the sample's backticks cannot close the block


def test_server_error_twice_then_ok_delivers_exactly_once_more() -> None:
    outcomes = Outcomes()
    plan = lambda n: (500, b"boom", 0.0) if n <= 2 else (200, b"ok", 0.0)  # noqa: E731
    with HookServer(plan) as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        d.submit(event(), ["ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    assert outcomes.statuses("ops-hook") == ["retrying", "retrying", "delivered"]
    assert [o.attempt for o in outcomes.of("ops-hook")] == [1, 2, 3]
    assert "HTTP 500" in outcomes.of("ops-hook")[0].reason
    assert srv.count() == 3
    bodies = {r.body for r in srv.requests}
    assert len(bodies) == 1  # the same alert each time, nothing else, nothing lost


def test_client_error_is_final() -> None:
    outcomes = Outcomes()
    with HookServer(always(400, b"invalid_payload")) as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        d.submit(event(), ["ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    [out] = outcomes.of("ops-hook")
    assert out.status == "failed" and out.attempt == 1
    assert "HTTP 400" in out.reason and "invalid_payload" in out.reason
    assert srv.count() == 1


def test_429_is_retried() -> None:
    outcomes = Outcomes()
    plan = lambda n: (429, b"slow down", 0.0) if n == 1 else (200, b"ok", 0.0)  # noqa: E731
    with HookServer(plan) as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        d.submit(event(), ["ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    assert outcomes.statuses("ops-hook") == ["retrying", "delivered"]


def test_hanging_server_times_out_while_another_notifier_delivers() -> None:
    outcomes = Outcomes()
    with HookServer(lambda n: (200, b"late", 30.0)) as slow, HookServer() as fast:
        config = {
            "slow": hook(slow.url, timeout="300ms", max_age="1s"),
            "fast": hook(fast.url),
        }
        d = dispatcher(config, outcomes)
        d.submit(event(), ["slow", "fast"])
        # submit returned although "slow" is stuck inside a request right now:
        assert wait_for(lambda: slow.count() == 1)
        assert wait_for(lambda: outcomes.final("fast"))
        assert outcomes.statuses("fast") == ["delivered"]
        assert not slow.release.is_set()
        assert wait_for(lambda: outcomes.final("slow"))
        d.stop(timeout=1)
    slow_out = outcomes.of("slow")
    assert slow_out[0].status == "retrying" and "timed out" in slow_out[0].reason
    assert slow_out[-1].status == "failed" and "gave up" in slow_out[-1].reason
    assert fast.count() == 1


def test_flood_becomes_a_handful_of_digests() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        for i in range(1000):
            d.submit(event(key=(("ip", f"10.0.{i // 256}.{i % 256}"),)), ["ops-hook"])
        delivered = lambda: sum(  # noqa: E731
            len(o.events) for o in outcomes.of("ops-hook") if o.status == "delivered"
        )
        assert wait_for(lambda: delivered() == 1000, timeout=20)
        d.stop()
    assert srv.count() < 20
    keys: list[str] = []
    for req in srv.requests:
        body = req.json()
        alerts = body.get("alerts", [body])
        if "alerts" in body:
            assert body["version"] == "1"
        keys.extend(a["key"]["ip"] for a in alerts)
    assert len(keys) == 1000 and len(set(keys)) == 1000
    assert all(o.status == "delivered" for o in outcomes.of("ops-hook"))


def test_env_header_sent_but_never_in_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "Bearer s3cr3t-t0ken-value"
    outcomes = Outcomes()
    # The server echoes the header back in its error, as some do.
    with HookServer(always(401, f"bad credentials: {token}".encode())) as srv:
        config = {"ops-hook": hook(srv.url, headers={"Authorization": "env:LW_HOOK_TOKEN"})}
        d = dispatcher(config, outcomes)
        monkeypatch.setenv("LW_HOOK_TOKEN", token)
        d.submit(event(), ["ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    assert srv.requests[0].headers["Authorization"] == token
    [out] = outcomes.of("ops-hook")
    assert out.status == "failed" and "HTTP 401" in out.reason
    assert "s3cr3t-t0ken-value" not in out.describe()


def test_missing_env_var_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LW_HOOK_URL", raising=False)
    out = notify_test("h", {"h": {"type": "webhook", "url": "env:LW_HOOK_URL"}})
    assert out.status == "failed"
    assert out.reason == "url: environment variable LW_HOOK_URL is not set"


def test_url_from_env_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    with HookServer(always(503, b"down")) as srv:
        monkeypatch.setenv("LW_HOOK_URL", srv.url)
        out = notify_test("h", {"h": {"type": "webhook", "url": "env:LW_HOOK_URL"}})
    assert out.status == "failed" and "HTTP 503" in out.reason
    assert "/hooks/T000/B000" not in out.reason
    assert f"127.0.0.1:{srv.port}" in out.reason


def test_unknown_channel_fails_and_ui_channels_are_ignored() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)
        d.submit(event(), ["toast", "bell", "pager", "ops-hook"])
        assert wait_for(lambda: outcomes.final("ops-hook"))
        d.stop()
    assert {o.notifier for o in outcomes.items} == {"pager", "ops-hook"}
    [bad] = outcomes.of("pager")
    assert bad.status == "failed" and bad.reason == "no notifier named 'pager' in config"


def test_notify_test_live_and_closed_port() -> None:
    with HookServer() as srv:
        out = notify_test("ops-hook", {"ops-hook": hook(srv.url)})
        assert out.status == "delivered"
        assert srv.requests[0].json()["rule"] == "notify-test"
    out = notify_test("ops-hook", {"ops-hook": hook(f"http://127.0.0.1:{closed_port()}/x")})
    assert out.status == "failed"
    assert "Connection refused" in out.reason


def test_tls_verify_on_by_default_and_off_warns_once(tmp_path: Path) -> None:
    pair = self_signed_cert(tmp_path)
    if pair is None:
        pytest.skip("openssl CLI not available to make a test certificate")
    outcomes = Outcomes()
    with HookServer(tls=pair) as srv:
        out = notify_test("h", {"h": hook(srv.url)})
        assert out.status == "failed" and "certificate" in out.reason.lower()
        d = dispatcher({"h": hook(srv.url, tls_verify=False)}, outcomes)
        d.submit(event(key=(("n", "1"),)), ["h"])
        assert wait_for(lambda: len(outcomes.final("h")) == 1)
        d.submit(event(key=(("n", "2"),)), ["h"])
        assert wait_for(lambda: len(outcomes.final("h")) == 2)
        d.stop()
    first, second = outcomes.of("h")
    assert first.status == second.status == "delivered"
    assert "TLS certificate verification is disabled" in first.reason
    assert "TLS" not in second.reason


def test_submit_from_many_threads_loses_nothing() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = dispatcher({"ops-hook": hook(srv.url)}, outcomes)

        def burst(t: int) -> None:
            for i in range(50):
                d.submit(event(key=(("k", f"{t}-{i}"),)), ["ops-hook"])

        threads = [threading.Thread(target=burst, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        d.stop(timeout=5)
    delivered = [e for o in outcomes.of("ops-hook") if o.status == "delivered" for e in o.events]
    assert len(delivered) == 200
