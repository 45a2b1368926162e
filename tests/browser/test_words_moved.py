"""Phones in the field after the words moved (docs/architecture.md, "Words"): a phone
that kept its session in progress the old way (IndexedDB version 1: the store "runs",
the key "run-unit:", its player at /run/<id>) resumes it where it was after the update,
and an old bookmark opens its page with no signal."""

import re
import time

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    register,
    runner_id,
    server_sessions,
    start_session,
    wait_for_offline_set,
    wait_until,
)  # fmt: skip

SHORT = [
    ("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 0}),
    ("front-plank", {"sets": 1, "hold_s": 5}),
]

# Everything the phone holds, read from the current schema.
HELD = """async (user) => {
  const all = (name) => RunptOutbox.transaction([name], "readonly", (stores) =>
    RunptOutbox.asPromise(stores[name].getAll()));
  const session = await RunptOutbox.loadSession(user);
  return { session, meta: await all("meta"), outbox: await all("outbox") };
}"""

# The same, written back as runpt's first schema kept it: what a phone in the field
# holds before the update. The database is made anew at version 1 (the open is queued
# right behind the deletion, so nothing opens it at another version in between).
AS_VERSION_1 = """({ session, meta, outbox }) => new Promise((resolve, reject) => {
  indexedDB.deleteDatabase("runpt");
  const opening = indexedDB.open("runpt", 1);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
    db.createObjectStore("attention", { keyPath: "id" }).createIndex("user", "user");
    db.createObjectStore("runs", { keyPath: "user" });
    db.createObjectStore("meta", { keyPath: "key" });
  };
  opening.onsuccess = () => {
    const db = opening.result;
    const tx = db.transaction(["runs", "meta", "outbox"], "readwrite");
    const playerUrl = session.playerUrl.replace("/session/", "/run/");
    tx.objectStore("runs").put({ ...session, playerUrl });
    for (const entry of meta) {
      const key = entry.key.replace(/^session-unit:/, "run-unit:");
      tx.objectStore("meta").put({ ...entry, key });
    }
    for (const event of outbox) tx.objectStore("outbox").put(event);
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
  opening.onerror = () => reject(opening.error);
})"""

# The schema as the page left it: its version, its stores and the meta keys.
SCHEMA = """() => new Promise((resolve) => {
  const opening = indexedDB.open("runpt");
  opening.onsuccess = () => {
    const db = opening.result;
    const stores = [...db.objectStoreNames];
    const keys = db.transaction(["meta"]).objectStore("meta").getAllKeys();
    keys.onsuccess = () => {
      db.close();
      resolve({ version: db.version, stores, keys: keys.result });
    };
  };
})"""


def keep_as_version_1(page, held: dict) -> dict:
    """Write what the phone held back as version 1 kept it; the schema it then has. The
    worker, still busy with the sync the last set started, may open the database again
    right after (its code is the updated one, so it upgrades it: in the field, the update
    itself). Then write the old state again, until it holds."""
    schema = {}
    for _ in range(10):
        page.evaluate(AS_VERSION_1, held)
        schema = page.evaluate(SCHEMA)
        if schema["version"] == 1:
            break
        time.sleep(0.5)
    return schema


def test_a_phone_mid_session_before_the_update_resumes_where_it_was(page):
    register(page)
    routine_id = create_routine(page, "Before the update", SHORT)
    start_session(page, routine_id)
    log_set(page, pain=0)
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")
    user = runner_id(page)
    held = page.evaluate(HELD, user)
    started = held["session"]["session"]

    # The app is closed; the phone holds it all as the version before the rename did.
    page.goto("/static/app.css")  # this origin, no runpt script opening the database
    old = keep_as_version_1(page, held)
    assert old["version"] == 1 and "runs" in old["stores"] and f"run-unit:{user}" in old["keys"]

    page.goto("/")  # the updated app opens, and moves what the phone held
    resume = page.get_by_role("link", name="Resume session")
    expect(resume).to_be_visible()
    expect(page.locator("[data-resume-name]")).to_have_text("Before the update")
    assert resume.get_attribute("href") == f"/session/{routine_id}"
    moved = page.evaluate(SCHEMA)
    assert moved["version"] == 2 and "runs" not in moved["stores"] and "sessions" in moved["stores"]
    assert f"session-unit:{user}" in moved["keys"] and f"run-unit:{user}" not in moved["keys"]

    resume.click()
    expect(page.locator("#step")).to_contain_text("Set 2 of 2")  # where it was
    log_set(page, pain=0)
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    sessions = wait_until(lambda: [s for s in server_sessions(page) if s["finished_at"]])
    # The one session, started before the update, with every set once.
    assert [s["id"] for s in sessions] == [started] and len(sessions[0]["sets"]) == 3


def test_old_bookmarks_open_their_new_pages_with_no_signal(context, page):
    register(page)
    routine_id = create_routine(page, "Bookmarked", SHORT)
    wait_for_offline_set(page)
    context.set_offline(True)

    page.goto(f"/run/{routine_id}?source=home-screen")  # a bookmark of the player
    assert re.search(rf"/session/{routine_id}(\?|$)", page.url), page.url
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step")).to_contain_text("Set 1 of 2")

    page.goto("/history/plan")  # a bookmark of training days
    assert page.url.endswith("/history/training-days")
    expect(page.get_by_role("heading", name="Strength-session days")).to_be_visible()
    page.goto("/running/plan")  # and of the walk-run stages
    assert page.url.endswith("/running/stages")
    expect(page.locator("[data-current-stage]")).to_be_attached()


# As a worker before the rename kept the player: under /run/<id>, marked so the copy that
# moves can be told from one fetched again.
KEEP_AS_BEFORE = """async ([user, id]) => {
  const cache = await caches.open(`runpt-user-${user}`);
  const page = await cache.match(`/session/${id}`);
  const body = (await page.text()) + "<!-- kept before the rename -->";
  await cache.put(`/run/${id}`, new Response(body, { headers: page.headers }));
  await cache.delete(`/session/${id}`);
}"""

KEPT = """async ([user, path]) => {
  const page = await (await caches.open(`runpt-user-${user}`)).match(path);
  return page ? page.text() : null;
}"""


def test_the_updated_worker_moves_copies_kept_under_old_paths(context, page, server):
    register(page)
    routine_id = create_routine(page, "Kept before", SHORT)
    wait_for_offline_set(page)
    user = runner_id(page)
    page.evaluate(KEEP_AS_BEFORE, [user, routine_id])
    # No offline set refresh after the update: only the worker's activation moves copies.
    # (The shell's /offline page is still fetched: the new worker installs with it.)
    context.route(re.compile(r".*/offline/(urls|units|routines/).*"), lambda route: route.abort())

    server.stop()
    server.start(release="words")  # a new worker, as after the deployment
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    update = page.get_by_role("button", name="Update")
    expect(update).to_be_visible(timeout=15000)
    with page.expect_navigation(wait_until="commit", timeout=15000):
        update.click()
    moved = wait_until(lambda: page.evaluate(KEPT, [user, f"/session/{routine_id}"]))
    assert moved and "kept before the rename" in moved, "the copy under /run/ did not move"
    assert page.evaluate(KEPT, [user, f"/run/{routine_id}"]) is None

    context.set_offline(True)
    page.goto(f"/session/{routine_id}")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step")).to_contain_text("Set 1 of 2")


# A tab of runpt before version 2, left open: it holds the database at version 1 and,
# like that code, never lets go of it for a newer version.
HOLD_AS_VERSION_1 = """() => new Promise((resolve, reject) => {
  indexedDB.deleteDatabase("runpt");
  const opening = indexedDB.open("runpt", 1);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
    db.createObjectStore("attention", { keyPath: "id" }).createIndex("user", "user");
    db.createObjectStore("runs", { keyPath: "user" });
    db.createObjectStore("meta", { keyPath: "key" });
  };
  opening.onsuccess = () => { window.heldDatabase = opening.result; resolve(); };
  opening.onerror = () => reject(opening.error);
})"""


def test_a_tab_of_the_old_version_left_open_is_named_until_it_closes(context, page):
    """The updated page can't upgrade the database while an old tab holds it: it says
    so, instead of a Start that does nothing, and goes on once that tab is closed."""
    register(page)
    old_tab = context.new_page()
    old_tab.goto("/static/app.css")  # this origin, no runpt script of today's
    old_tab.evaluate(HOLD_AS_VERSION_1)

    page.bring_to_front()
    page.goto("/", wait_until="commit")  # its scripts wait for the database: no "load"
    banner = page.locator("#database-held-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("open in another tab or window with an older version")
    page.screenshot(path="test-artifacts/database-held.png")

    old_tab.close()
    expect(banner).to_be_hidden()
    assert page.evaluate(SCHEMA)["version"] == 2
    assert page.evaluate("u => RunptOutbox.loadSession(u)", runner_id(page)) is None
