"""Things browser tests do often, in the runner's words."""

import json
import os
import re
import time

from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
# Flags for a closed network: without them Chromium keeps dialling Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def phone_context_options() -> dict:
    return {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


_counter = iter(range(1, 1_000_000))


def new_email(label: str = "runner") -> str:
    return f"{label}-{os.getpid()}-{next(_counter)}-{time.monotonic_ns()}@example.com"


def register(page, email: str | None = None, password: str = "long-enough-1") -> str:
    email = email or new_email()
    page.goto("/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    # The first-run questions come next; most tests leave them for later.
    page.wait_for_url("**/get-started")
    page.get_by_role("link", name="Not now").click()
    page.wait_for_url("**/")
    return email


def login(page, email: str, password: str = "long-enough-1"):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def create_routine(page, name: str, steps: list[tuple[str, dict]]) -> int:
    """Make an own routine through the UI: [(exercise slug, {"sets": 2, "reps": 5, ...})]."""
    page.goto("/routines")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create routine").click()
    page.wait_for_url(re.compile(r"/routines/\d+/edit$"))
    routine_id = int(re.search(r"/routines/(\d+)/edit", page.url).group(1))
    # The editor swaps its step list with htmx; on a busy machine a click before htmx has
    # loaded would post the plain form instead (which works, but is not what is tested).
    assert wait_until(lambda: page.evaluate("typeof htmx !== 'undefined'")), "htmx never loaded"
    for position, (slug, dose) in enumerate(steps, start=1):
        page.get_by_label("Add an exercise").select_option(slug)
        swap_steps(page, lambda: page.get_by_role("button", name="Add exercise").click())
        step = page.locator("li.editor-step").nth(position - 1)
        expect(step).to_be_visible()
        if not dose:
            continue
        for field, value in dose.items():
            step.locator(f"input[name={field}]").fill(str(value))
        save = step.get_by_role("button", name=re.compile("^Save dose"))
        swap_steps(page, save.click)
        saved = page.locator("li.editor-step").nth(position - 1)
        for field, value in dose.items():
            expect(saved.locator(f"input[name={field}]")).to_have_value(str(value))
    return routine_id


def swap_steps(page, action) -> None:
    """Do something in the routine editor and wait until htmx has swapped in the new
    step list, so the next action never lands on the old one."""
    page.evaluate("document.querySelector('#steps').dataset.old = 'yes'")
    action()
    expect(page.locator("#steps:not([data-old])")).to_have_count(1)


def start_session(page, routine_id: int):
    page.goto(f"/routines/{routine_id}")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step")).to_be_visible()


def log_set(page, pain: int = 0, **fields):
    """Fill in the step's log form as a runner would (load, effort and note are under
    "Load, effort, note": opened first) and tap Log set."""
    step = page.locator("#step")
    index = step.get_attribute("data-index")
    for name, value in fields.items():
        field = step.locator(f"[name={name}]")
        if not field.is_visible():
            step.locator("details.log-more summary").click()
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    step.locator(f"input[name=pain][value='{pain}']").check(force=True)
    page.get_by_role("button", name="Log set").click()
    # The next step (or the summary) replaces this one.
    expect(page.locator(f"#step[data-index='{index}']")).to_have_count(0)


def kept_position(page) -> int | None:
    """The step the phone holds the session in progress at."""
    return page.evaluate(
        "u => RunptOutbox.loadSession(u).then(r => r && r.position)", runner_id(page)
    )


def wait_until_kept(page) -> None:
    """Until the phone holds the session at the step on screen. The player draws the
    next step before the last set's write commits; an app killed inside that window has
    the set to do again, by design (docs/performance.md, "Nothing lost"; its own test in
    test_log_set_at_once.py). A test about resuming waits the window out."""
    on_screen = int(page.locator("#step").get_attribute("data-index"))
    assert wait_until(lambda: kept_position(page) == on_screen), "the step was never kept"


def reload_once_kept(page) -> None:
    """The app killed and opened again once the last set is on the phone."""
    wait_until_kept(page)
    page.reload()


def server_sessions(page) -> list[dict]:
    response = page.request.get("/api/sessions")
    assert response.status == 200, response.text()
    return json.loads(response.text())["sessions"]


def wait_until(check, timeout: float = 10.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def outbox_count(page) -> int:
    return page.evaluate(
        "async () => (await RunptOutbox.waiting(Number(document.body.dataset.user))).length"
    )


def runner_id(page) -> int:
    return int(page.evaluate("document.body.dataset.user"))


def offline_manifest(page) -> dict:
    return json.loads(page.request.get("/offline/urls").text())


def kept_offline(page) -> dict:
    """What the service worker says the phone holds: {routines: {id: version}, ...}."""
    return page.evaluate("u => RunptOutbox.getMeta(`offline:${u}`)", runner_id(page)) or {}


def kept_unit(page, routine_id: int) -> dict | None:
    """The routine's unit as the phone holds it, or None."""
    return page.evaluate(
        """async ([user, id]) => {
            const cache = await caches.open(`runpt-user-${user}`);
            const unit = await cache.match(`/offline/routines/${id}`);
            return unit ? unit.json() : null;
        }""",
        [runner_id(page), routine_id],
    )


def wait_for_offline_set(page, timeout: float = 30.0) -> dict:
    """Wait until the service worker holds every unit of the offline set in a version
    the server listed during the wait: each routine, the library and the runner's other
    pages. Any version seen counts, not only the first: a version moves on by itself
    when the day turns somewhere (`day_turns_key`, each UTC quarter hour), and a wait
    that straddles that moment must not fail on the hour it ran."""
    seen = [offline_manifest(page)]

    def holds(held: dict, manifest: dict) -> bool:
        return (
            held.get("routines") == {str(r["id"]): r["version"] for r in manifest["routines"]}
            and held.get("library") == manifest["library"]["version"]
            and held.get("pages") == manifest["pages"]["version"]
        )

    def kept():
        held = kept_offline(page)
        if "bytes" not in held:
            return None
        if any(holds(held, manifest) for manifest in seen):
            return held
        seen.append(offline_manifest(page))  # a newer version, maybe: hold out for it
        return held if holds(held, seen[-1]) else None

    held = wait_until(kept, timeout)
    assert held, (
        f"the service worker did not keep the offline set in any version listed: "
        f"last listed {seen[-1]}; held {kept_offline(page)}"
    )
    return held


def outbox_for(page, user: int) -> int:
    return page.evaluate("user => RunptOutbox.waiting(user).then(e => e.length)", user)


def run_whole_session(page, routine_id: int, sets: int) -> None:
    """Start a routine from its page and log every set (pain 1), skipping countdowns."""
    page.goto(f"/routines/{routine_id}")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step")).to_be_visible()
    for _ in range(sets):
        log_set(page, pain=1)
    expect(page.locator("#summary")).to_be_visible()


def stop_service_workers(context) -> None:
    """Stop every service worker of the context, as a phone does with an app left in
    the background: the next page load starts the worker cold."""
    holder = context.new_page()
    cdp = context.new_cdp_session(holder)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.detach()
    holder.close()


def answer_red_flags(page) -> None:
    """The check before a routine's first set, as a runner with none of its red flags
    whose answers fit this routine: "None of these apply to me", and this routine's
    answer to each triage question (session/_start_check.html). Returns once the phone
    keeps the answers: a runner's next tap comes later than a test's."""
    check = page.locator("[data-start-check-fields]")
    expect(check).to_be_visible()
    clear = check.get_by_label("None of these apply to me")
    if clear.count():
        clear.check()
    for question in check.locator("[data-triage]").all():
        question.locator("[data-answer='this']").check()
    expect(page.locator("[data-start-session]")).to_be_enabled()
    assert wait_until(lambda: (start_check_kept(page) or {}).get("fits")), "answers not kept"


def start_check_kept(page) -> dict | None:
    """What the phone keeps of the runner's answers to the start check on the page
    (js/start-check.js: written a moment after each answer), or None."""
    return page.evaluate(
        """async () => {
          const fields = document.querySelector('[data-start-check-fields]');
          const button = fields && fields.form.querySelector('[data-start-session]');
          if (!button) return null;
          const user = Number(document.body.dataset.user);
          const kept = (await RunptOutbox.getMeta(RunptOutbox.keys.startChecks(user))) || {};
          return kept[button.dataset.checkFor] || null;
        }"""
    )
