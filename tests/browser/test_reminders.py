"""Reminders in a real browser (docs/reminders.md). Chromium here can't reach a push
service, so `PushManager.subscribe` is stubbed (an init script) to hand back a
subscription at the tests' stand-in push service (tests/push_service.py), whose keys
the test holds: what the server sends is checked and decrypted there. The DevTools
Protocol's `ServiceWorker.deliverPushMessage` then gives the real worker a push, and the
notification it shows is read back. A notification's tap can't be driven through the
protocol, so the worker's tap handler (`RunptReminders.tapped`, what its
`notificationclick` listener runs) is called in the worker with that notification."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import phone_context_options, register, wait_until
from tests.live_server import LiveServer, free_port
from tests.push_service import PushService

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

# The stub: a subscription at the stand-in, kept in localStorage like a browser keeps
# its own; and a count of permission prompts (there must be none before the tap).
STUB = """
(() => {
  const stub = %s;
  window.__permissionAsked = 0;
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = () => { window.__permissionAsked += 1; return ask(); };
  const made = () => ({
    endpoint: stub.endpoint,
    expirationTime: null,
    toJSON: () => stub,
    unsubscribe: async () => { localStorage.removeItem("stub-push"); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    if (!options.userVisibleOnly || new Uint8Array(options.applicationServerKey).length !== 65) {
      throw new Error("bad subscribe options");
    }
    localStorage.setItem("stub-push", "1");
    return made();
  };
  PushManager.prototype.getSubscription = async function () {
    return localStorage.getItem("stub-push") ? made() : null;
  };
})();
"""


@pytest.fixture(scope="module")
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_path):
    """A server of its own: it may send to the stand-in push service over plain http on
    loopback (PUSH_ALLOW_LOOPBACK), which the shared one refuses."""
    workdir = tmp_path_factory.mktemp("reminders-server")
    live = LiveServer(
        "sqlite:///" + str(workdir / "runpt.sqlite3"), workdir, port=free_port(),
        workers=1, settings={"PUSH_ALLOW_LOOPBACK": "1"},
    )  # fmt: skip
    live.start()
    yield live
    live.stop()


def test_reminders_turn_on_with_a_tap_and_a_test_reminder_opens_its_page(
    browser, server, push_service
):
    phone = push_service.subscriber("android")
    context = browser.new_context(base_url=server.url, **phone_context_options())
    context.set_default_timeout(10000)
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(STUB % json.dumps(phone.as_json()))
    page = context.new_page()
    try:
        register(page)
        page.goto("/settings")
        page.evaluate("navigator.serviceWorker.ready")
        card = page.locator("#reminders")
        turn_on = card.get_by_role("button", name="Turn on reminders on this phone")
        expect(turn_on).to_be_visible()
        assert page.evaluate("window.__permissionAsked") == 0  # nothing asked on load
        expect(card.get_by_role("button", name="Send a test reminder")).to_be_hidden()

        turn_on.tap()
        expect(card.get_by_role("status")).to_have_text("Reminders are on for this phone.")
        assert page.evaluate("window.__permissionAsked") == 1
        expect(card.get_by_role("button", name="Turn off reminders on this phone")).to_be_visible()
        card.get_by_role("button", name="Send a test reminder").tap()
        expect(page.get_by_text("Test reminder sent to this phone.")).to_be_visible()
        assert push_service.problems == []
        [message] = [m for m in push_service.received if m["to"] == "android"]
        assert message["body"]["notification"]["navigate"] == f"{server.url}/settings?reminder=test"

        # The real worker gets the push (the stand-in's decrypted body) and shows it.
        page.goto("/")
        assert wait_until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        # Events reach Python only while Playwright is waiting on the browser.
        assert wait_until(lambda: page.wait_for_timeout(100) or registrations)
        morning = {
            "web_push": 8030,
            "notification": {
                "title": "How does it feel this morning?", "body": "One tap.",
                "navigate": f"{server.url}/?reminder=morning", "tag": "runpt-morning",
            },
        }  # fmt: skip
        for body in (message["body"], morning):
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": server.url, "registrationId": registrations[0]["registrationId"],
                 "data": json.dumps(body)},
            )  # fmt: skip
        shown = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => [n.title, n.data.navigate]))"  # noqa: E501
        assert wait_until(lambda: len(page.evaluate(shown)) == 2)
        assert sorted(page.evaluate(shown)) == [
            ["How does it feel this morning?", f"{server.url}/?reminder=morning"],
            ["runpt reminders work", f"{server.url}/settings?reminder=test"],
        ]
        # The tap: the worker's handler takes the open runpt window to the morning question.
        page.goto("/settings")
        [worker] = context.service_workers
        worker.evaluate(
            """async () => {
                const [tapped] = await self.registration.getNotifications({tag: "runpt-morning"});
                await self.RunptReminders.tapped(tapped);
            }"""
        )
        page.wait_for_url(f"{server.url}/?reminder=morning")
        assert page.evaluate(shown) == [
            ["runpt reminders work", f"{server.url}/settings?reminder=test"]
        ]
    finally:
        context.close()


@pytest.mark.parametrize(
    ("standalone", "push", "says", "offered"),
    [
        (False, True, "reminders need runpt on your Home Screen", False),
        (True, False, "iOS is older than 16.4", False),
        (True, True, "runpt is on your Home Screen: this iPhone can show reminders.", True),
    ],
    ids=["in-safari", "home-screen-old-ios", "home-screen"],
)
def test_an_iphone_is_told_plainly_what_reminders_need(
    browser, server, standalone, push, says, offered
):
    context = browser.new_context(
        base_url=server.url, viewport={"width": 360, "height": 640}, is_mobile=True,
        has_touch=True, user_agent=IPHONE,
    )  # fmt: skip
    context.set_default_timeout(10000)
    script = ""
    if standalone:
        script += "Object.defineProperty(Navigator.prototype, 'standalone', {get: () => true});"
    if not push:
        script += "delete window.PushManager;"
    if script:
        context.add_init_script(script)
    page = context.new_page()
    try:
        register(page)
        page.goto("/settings")
        card = page.locator("#reminders")
        expect(card.get_by_text(says)).to_be_visible()
        turn_on = card.get_by_role("button", name="Turn on reminders on this phone")
        save = card.get_by_role("button", name="Save reminders")
        if offered:
            expect(turn_on).to_be_visible()
            expect(save).to_be_visible()
        else:
            page.evaluate("navigator.serviceWorker.ready")
            expect(turn_on).to_be_hidden()
            expect(save).to_be_hidden()  # no phone of theirs has reminders: nothing to choose
    finally:
        context.close()
