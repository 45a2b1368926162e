""" "Log set" draws the next step in the same moment, without waiting for the phone's
storage: the set and the run that counts it are written together behind it. Nothing
is lost and nothing is counted twice: a double tap logs one set, a write that never
finished leaves the set to do again, and a write that fails is said and taken back."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    outbox_for,
    register,
    runner_id,
    start_session,
    wait_for_offline_set,
)

ROUTINE = [("glute-bridge", {"sets": 3, "reps": 5, "rest_s": 0})]

# Another transaction holds the outbox store (as a sync settling a batch would, for
# longer): a set's write waits behind it until the page lets go (`__hold = false`).
HOLD_THE_OUTBOX = """async () => {
  const db = await RunptOutbox.openDatabase();
  const tx = db.transaction(["outbox"], "readwrite");
  const store = tx.objectStore("outbox");
  window.__hold = true;
  const spin = () => { if (window.__hold) store.get("nothing").onsuccess = spin; };
  spin();
}"""

# The phone's storage refuses the next event written to the outbox, as a full disk does.
REFUSE_NEXT_EVENT = """() => {
  const add = IDBObjectStore.prototype.add;
  IDBObjectStore.prototype.add = function (...args) {
    if (this.name === "outbox" && window.__refuse) {
      window.__refuse = false;
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    }
    return add.apply(this, args);
  };
  window.__refuse = true;
}"""


def saved_run(page) -> dict | None:
    return page.evaluate("u => RunptOutbox.loadSession(u)", runner_id(page))


def offline_runner_session(page, server, name: str) -> int:
    """A runner with a short routine kept offline, its session started with the server
    stopped, so every event stays in the outbox where the test can count it."""
    register(page)
    routine_id = create_routine(page, name, ROUTINE)
    wait_for_offline_set(page)
    server.stop()
    start_session(page, routine_id)
    return routine_id


def test_the_next_step_is_drawn_while_the_set_is_still_being_written(page, server):
    offline_runner_session(page, server, "At once")
    user = runner_id(page)
    page.evaluate(HOLD_THE_OUTBOX)
    page.locator("#step input[name=pain][value='1']").check(force=True)
    page.get_by_role("button", name="Log set").click()
    # On screen while the write still waits for the store.
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    assert page.evaluate("window.__hold") is True
    page.evaluate("window.__hold = false")
    assert outbox_for(page, user) == 2  # session.started and the set, once each
    expect(page.locator("[data-sync-text]")).to_have_text(re.compile("^2 logs waiting"))
    run = saved_run(page)
    assert run["position"] == 1 and [s["index"] for s in run["logged"]] == [0]
    # The app is closed and opened again: on at the next step, the set counted once.
    page.reload()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    log_set(page, pain=0)
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("[data-summary-sets]")).to_have_text("3")
    assert outbox_for(page, user) == 5


def test_a_set_whose_write_never_finished_is_still_to_do_after_the_app_is_killed(
    context, page, server
):
    routine_id = offline_runner_session(page, server, "Killed while writing")
    user = runner_id(page)
    page.evaluate(HOLD_THE_OUTBOX)
    page.locator("#step input[name=pain][value='1']").check(force=True)
    page.get_by_role("button", name="Log set").click()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    page.close()  # killed before the set reached the phone's storage
    tab = context.new_page()
    tab.goto(f"/session/{routine_id}")
    # Neither the set nor the run's move past it was written: the set is to do again.
    expect(tab.locator("#step[data-index='0']")).to_be_visible()
    assert outbox_for(tab, user) == 1  # only session.started
    log_set(tab, pain=1)
    expect(tab.locator("#step[data-index='1']")).to_be_visible()
    assert outbox_for(tab, user) == 2


def test_a_double_tap_on_log_set_logs_one_set(page, server):
    offline_runner_session(page, server, "Double tap")
    user = runner_id(page)
    page.locator("#step input[name=pain][value='1']").check(force=True)
    page.get_by_role("button", name="Log set").dblclick()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    assert outbox_for(page, user) == 2  # started, and one set
    # A later single tap logs the next step as usual.
    log_set(page, pain=1)
    expect(page.locator("#step[data-index='2']")).to_be_visible()
    assert outbox_for(page, user) == 3
    # On the floor, a double tap on the step is one big tap too.
    page.get_by_role("button", name=re.compile("Phone on the floor")).click()
    page.locator("[data-floor-hint]").dblclick()  # one pain question, once
    expect(page.locator("[data-floor-pain]")).to_have_count(1)
    page.get_by_role("button", name="None").dblclick()
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("[data-summary-sets]")).to_have_text("3")
    events = page.evaluate("u => RunptOutbox.waiting(u)", user)
    sets = [e for e in events if e["type"] == "set.logged"]
    assert [e["data"]["set"] for e in sets] == [1, 2, 3]


def test_a_set_the_phone_cannot_store_is_said_and_logged_again(page, server):
    offline_runner_session(page, server, "Full phone")
    user = runner_id(page)
    page.evaluate(REFUSE_NEXT_EVENT)
    log_form = page.locator("#step [data-log-form]")
    log_form.locator("[name=reps]").fill("4")
    log_form.locator("input[name=pain][value='2']").check(force=True)
    page.get_by_role("button", name="Log set").click()
    # Back on the same set, as the runner filled it in, told why.
    step = page.locator("#step[data-index='0']")
    expect(step).to_be_visible()
    expect(step.locator("[data-log-error]")).to_contain_text("This set wasn't saved on your phone")
    expect(step.locator("[data-log-error]")).to_contain_text("quota")
    expect(step.locator("[data-log-error]")).to_be_in_viewport()
    expect(step.locator("[name=reps]")).to_have_value("4")
    expect(step.locator("input[name=pain][value='2']")).to_be_checked()
    assert outbox_for(page, user) == 1
    run = saved_run(page)
    assert run["position"] == 0 and run["logged"] == []
    # The second try is stored, once.
    page.get_by_role("button", name="Log set").click()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    assert outbox_for(page, user) == 2
    events = page.evaluate("u => RunptOutbox.waiting(u)", user)
    sets = [e for e in events if e["type"] == "set.logged"]
    assert [(e["data"]["reps"], e["data"]["pain"]) for e in sets] == [(4, 2)]
