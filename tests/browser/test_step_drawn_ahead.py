"""The player draws each step itself, from the routine's unit on the phone: the next step
is parsed while the runner does the set before, filled in (pain note, load, "last
time", a caution) before it goes on the page, and put there in one insertion
(js/player.js, docs/performance.md "issue 27"). What a runner sees is the same as
before: the right step after Log set, Back and Skip, a step shown again is a fresh copy,
and the page never holds two steps. htmx is not needed for it: a phone whose copy of
htmx failed to load still plays a session."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    register,
    server_sessions,
    start_session,
    wait_until,
)

ROUTINE = [
    ("glute-bridge", {"sets": 3, "reps": 5, "rest_s": 0}),
    ("clamshell", {"sets": 2, "reps": 8, "rest_s": 0}),
]

# Resolves once the phone has been idle: the next step has been parsed ahead by then
# (its idle callback was asked for before this one).
IDLE = "() => new Promise((done) => requestIdleCallback(() => done(true)))"


def on_step(page, index: int) -> None:
    """Step `index` is the one step on the page, focused for a screen reader."""
    expect(page.locator(f"#step[data-index='{index}']")).to_be_visible()
    assert page.locator("#step").count() == 1
    assert page.locator("[data-log-form]").count() == 1
    expect(page.locator("#step")).to_be_focused()


def test_the_step_parsed_ahead_is_the_step_that_comes_and_each_copy_is_used_once(page, server):
    register(page)
    routine_id = create_routine(page, "Drawn ahead", ROUTINE)
    start_session(page, routine_id)
    on_step(page, 0)
    page.evaluate(IDLE)
    # Acceptable pain: the next step, parsed ahead, says so as it appears.
    log_set(page, pain=4)
    on_step(page, 1)
    expect(page.locator("#step [data-pain-acceptable]")).to_be_visible()
    expect(page.locator("#step [data-pain-value]")).to_have_text("4")
    page.evaluate(IDLE)  # step 2 parsed ahead; Back goes the other way
    page.get_by_role("button", name="Back", exact=True).click()
    on_step(page, 0)
    # Step 0 drawn again is a fresh copy: nothing of the first one's answers.
    assert page.locator("#step input[name=pain]:checked").count() == 0
    expect(page.locator("#step [data-step-back]")).to_be_disabled()
    page.get_by_role("button", name="Skip", exact=True).click()
    on_step(page, 1)
    # Shown again without a note from the set before it: the note isn't carried over.
    expect(page.locator("#step [data-pain-acceptable]")).to_be_hidden()
    page.evaluate(IDLE)
    log_set(page, pain=0)
    on_step(page, 2)
    log_set(page, pain=0)  # tapped at once, before any idle moment: parsed at the tap
    on_step(page, 3)
    expect(page.locator("#step")).to_have_attribute("data-exercise", "clamshell")
    total = int(page.locator("#step").get_attribute("data-total"))
    for index in range(4, total):  # the clamshell's sets (and sides), parsed ahead or not
        if index % 2:
            page.evaluate(IDLE)
        log_set(page, pain=0)
        on_step(page, index)
    log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("#step")).to_have_count(0)


def test_a_session_plays_without_htmx(page, server):
    register(page)
    routine_id = create_routine(page, "No htmx", ROUTINE[:1])
    start_session(page, routine_id)
    on_step(page, 0)
    page.evaluate("() => { window.htmx = undefined; }")  # as if its file never loaded
    log_set(page, pain=0)
    on_step(page, 1)
    page.get_by_role("button", name="Back", exact=True).click()
    on_step(page, 0)
    expect(page.get_by_text("This step didn't show")).to_have_count(0)


# Every write to the countdown's clock, counted as the page sees it.
COUNT_CLOCK_WRITES = """() => {
  window.__clockWrites = 0;
  new MutationObserver((records) => { window.__clockWrites += records.length; })
    .observe(document.querySelector('[data-timer-clock]'),
             {childList: true, characterData: true, subtree: true});
}"""


def test_the_countdown_is_drawn_once_a_second_not_at_every_tick(page):
    """The clock ticks four times a second (to stay right after the phone slept), but
    its text is written only when the second changes: an unchanged clock written again
    costs a slow phone a frame each time."""
    page.clock.install()
    register(page)
    routine_id = create_routine(
        page, "Quiet clock", [("glute-bridge", {"sets": 2, "reps": 5, "rest_s": 60})]
    )
    start_session(page, routine_id)
    log_set(page, pain=0)
    clock = page.locator("[data-timer-clock]")
    expect(page.locator("[data-timer-label]")).to_have_text("Rest")
    now_ms = page.evaluate("Date.now()")
    page.clock.pause_at(datetime.fromtimestamp((now_ms + 100) / 1000, tz=UTC))
    minutes, _, seconds = clock.inner_text().rpartition(":")
    shown = int(minutes or 0) * 60 + int(seconds)
    page.evaluate(COUNT_CLOCK_WRITES)
    page.clock.run_for(3000)  # twelve ticks, three seconds
    expect(clock).to_have_text(str(shown - 3))
    assert page.evaluate("window.__clockWrites") <= 3


# Marks the elements on the page now, to tell later whether they are still the same ones.
MARK_ELEMENTS = """() => {
  for (const selector of ['#step', '#step .figure', '#step .log-dock', '#step [data-log-set]']) {
    document.querySelector(selector).__before = true;
  }
}"""
STILL_THERE = "(selector) => Boolean(document.querySelector(selector).__before)"


def test_the_next_set_keeps_the_steps_elements_and_nothing_the_runner_entered(page):
    """From one set to the next the player changes what differs (set, dose, "last time")
    on the step that is on screen, so a slow phone lays out a few words instead of a new
    figure and pain dock. What the runner entered for the last set is gone from the next,
    as on a new step: pain, reps, a note, "More" folded; and the last step's countdown
    is gone, not ticking on in the step's clock."""
    register(page)
    routine_id = create_routine(page, "Kept", ROUTINE)
    start_session(page, routine_id)
    on_step(page, 0)
    step = page.locator("#step")
    expect(step.locator("[data-timer-label]")).to_have_text("Get ready")  # left running
    page.evaluate(MARK_ELEMENTS)
    log_set(page, pain=3, reps=7, note="left hip tight")
    on_step(page, 1)
    for kept in ("#step", "#step .figure", "#step .log-dock", "#step [data-log-set]"):
        assert page.evaluate(STILL_THERE, kept), kept
    expect(step.locator(".dose-now")).to_have_text("Set 2 of 3 · 5 reps")
    expect(step.locator("input[name=reps]")).to_have_value("5")
    expect(step.locator("textarea[name=note]")).to_have_value("")
    assert step.locator("input[name=pain]:checked").count() == 0
    expect(step.locator("details.log-more")).not_to_have_attribute("open", "")
    expect(step.locator("[data-pain-acceptable]")).to_be_visible()  # the note on pain 3
    expect(step.locator("[data-timer]")).to_be_hidden()  # no rest between these sets
    page.wait_for_timeout(1300)
    expect(step.locator("[data-timer]")).to_be_hidden()
    log_set(page, pain=0)
    log_set(page, pain=0)
    on_step(page, 3)  # another exercise: its own name, figure and dose
    expect(step).to_have_attribute("data-exercise", "clamshell")
    expect(step.locator(".step-title")).to_have_text("Clamshell")
    expect(step.locator("[data-pain-acceptable]")).to_be_hidden()


# Records what happens to the countdown's box from now on (hidden or shown, its words
# taken out or put in), and marks the text of its words, to tell later whether they stayed.
WATCH_THE_COUNTDOWN = """() => {
  const box = document.querySelector('#step [data-timer]');
  window.__countdown = [];
  new MutationObserver((records) => {
    for (const r of records) {
      window.__countdown.push(`${r.type} ${r.attributeName || ''} ${r.target.className}`);
    }
  }).observe(box, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['hidden', 'class'],
  });
  for (const words of box.querySelectorAll('[data-timer-label], [data-timer-skip]')) {
    words.firstChild.__before = true;
  }
}"""
COUNTDOWN_WORDS_KEPT = """() => [
  ...document.querySelectorAll('#step [data-timer-label], #step [data-timer-skip]'),
].map((words) => Boolean(words.firstChild.__before))"""


def test_a_rest_between_two_sets_keeps_its_countdown_on_the_page(page):
    """The next step's countdown is drawn into it before it goes on the page: from one
    set to the next with a rest between, the countdown's box is not hidden and shown
    again, and its words ("Rest", "Skip countdown") are the same text on the page, so a
    slow phone lays out the seconds, not a new countdown (docs/performance.md, issue 27)."""
    register(page)
    routine_id = create_routine(
        page, "Rests", [("glute-bridge", {"sets": 3, "reps": 5, "rest_s": 30})]
    )
    start_session(page, routine_id)
    log_set(page, pain=0)
    on_step(page, 1)
    step = page.locator("#step")
    expect(step.locator("[data-timer-label]")).to_have_text("Rest")
    page.evaluate(WATCH_THE_COUNTDOWN)
    log_set(page, pain=0)
    on_step(page, 2)
    expect(step.locator("[data-timer]")).to_be_visible()
    expect(step.locator("[data-timer-label]")).to_have_text("Rest")
    expect(step.locator("[data-timer-clock]")).to_have_text(re.compile(r"^(30|29|28)$"))
    assert page.evaluate("window.__countdown") == []
    assert page.evaluate(COUNTDOWN_WORDS_KEPT) == [True, True]


# At the first frame after the tap: is the next step there, has focus moved to it, has
# anything been said? Recorded in the page as it happens.
WATCH_THE_FIRST_FRAME = """(next) => {
  window.__said = [];
  Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
    speak(utterance) { window.__said.push(utterance.text); }, cancel() {},
    getVoices() { return []; }, addEventListener() {}, removeEventListener() {},
  }});
  window.__submits = 0;
  document.addEventListener('submit', () => { window.__submits += 1; }, { capture: true });
  window.__firstFrame = new Promise((done) => {
    document.addEventListener('click', () => requestAnimationFrame(() => {
      const step = document.getElementById('step');
      done({
        shown: step.dataset.index === String(next),
        focused: document.activeElement === step,
        said: window.__said.length,
      });
    }), { capture: true, once: true });
  });
}"""


def test_the_step_is_on_screen_first_then_focused_and_spoken(page):
    """A slow phone shows the next step before it does what can wait a frame: focus on
    the step (for a screen reader) and the spoken cue both come once it is on screen. The
    tap logs the set itself, without a form submission on the way."""
    register(page)
    routine_id = create_routine(page, "First frame", ROUTINE[:1])
    start_session(page, routine_id)
    on_step(page, 0)
    expect(page.get_by_label("Speak the steps", exact=True)).to_be_checked()
    page.locator("#step input[name=pain][value='0']").check(force=True)
    page.evaluate(WATCH_THE_FIRST_FRAME, 1)
    page.get_by_role("button", name="Log set").click()
    assert page.evaluate("window.__firstFrame") == {"shown": True, "focused": False, "said": 0}
    on_step(page, 1)  # focused a moment later
    wait_until(lambda: page.evaluate("window.__said.length") == 1)
    assert page.evaluate("window.__said[0]") == "Glute bridge. Set 2 of 3: 5 reps."
    assert page.evaluate("window.__submits") == 0


def test_enter_in_a_field_still_logs_the_set(page):
    register(page)
    routine_id = create_routine(page, "Enter", ROUTINE[:1])
    start_session(page, routine_id)
    page.locator("#step input[name=pain][value='2']").check(force=True)
    page.locator("#step input[name=reps]").fill("4")
    page.locator("#step input[name=reps]").press("Enter")
    on_step(page, 1)

    def logged():
        sessions = server_sessions(page)
        return sessions and sessions[0]["sets"]

    sets = wait_until(logged)
    assert [(s["reps"], s["pain"]) for s in sets] == [(4, 2)]


# The parts of a step that every exercise has, each marked with what it was, to tell
# later whether the player kept it, rewrote another part into it, or put in a new one.
SHARED_PARTS = [
    "#step [data-floor-hint]", "#step [data-pain-rising]", "#step [data-pain-acceptable]",
    "#step .last-times", "#step [data-log-form]", "#step .log-dock", "#step [data-log-set]",
    "#step .step-end",
]  # fmt: skip
MARK_PARTS = "(parts) => { for (const part of parts) document.querySelector(part).__was = part; }"
PARTS_KEPT = "(parts) => parts.filter((part) => document.querySelector(part).__was === part)"


def test_onto_an_exercise_with_other_parts_the_parts_they_share_stay(page):
    """A hold after reps: the step has a hold button and a "Held (s)" field, and no tempo.
    The player puts in and takes out those parts and keeps the rest (the notes, the form,
    the pain dock with Log set under the runner's thumb), instead of writing every part
    after the first difference into its neighbour; a slow phone then restyles what
    changed, not the whole step."""
    register(page)
    routine_id = create_routine(
        page,
        "Reps then a hold",
        [
            ("glute-bridge", {"sets": 1, "reps": 5, "rest_s": 0}),
            ("side-plank", {"sets": 1, "hold_s": 5, "rest_s": 0}),
        ],
    )
    start_session(page, routine_id)
    on_step(page, 0)
    step = page.locator("#step")
    expect(step.locator(".tempo")).to_be_visible()
    page.evaluate(MARK_PARTS, SHARED_PARTS)
    log_set(page, pain=0)
    on_step(page, 1)
    expect(step).to_have_attribute("data-exercise", "side-plank")
    assert page.evaluate(PARTS_KEPT, SHARED_PARTS) == SHARED_PARTS
    # What the hold has and the reps didn't, and the other way round.
    expect(step.locator("[data-hold-start]")).to_have_text("Start 5 s hold")
    expect(step.get_by_label("Held (s)")).to_have_value("5")
    expect(step.locator("input[name=reps]")).to_have_count(0)
    expect(step.locator(".tempo")).to_have_count(0)
    expect(step.locator("[data-floor-hint]")).to_have_text("Tap anywhere to log the set and go on")
    # Nothing of glute bridge's parts is left, nothing is there twice.
    assert step.locator(".step-head, .timer, .hold, .log-form, .cues, .step-end").count() == 6
    expect(step.locator(".step-title")).to_have_text("Side plank (from the knees)")


# At the first frame after the tap: where the page is scrolled; recorded in the page.
WATCH_THE_SCROLL = """(next) => {
  window.__firstFrame = new Promise((done) => {
    document.addEventListener('click', () => requestAnimationFrame(() => {
      const step = document.getElementById('step');
      const header = document.querySelector('header.top').getBoundingClientRect();
      const title = step.querySelector('.step-title').getBoundingClientRect();
      const shown = step.dataset.index === String(next);
      done({ shown, nameScrolledAway: title.top < header.bottom });
    }), { capture: true, once: true });
  });
}"""


def test_after_a_scroll_down_the_next_step_comes_up_under_the_header_after_its_frame(page):
    """The runner scrolled down to read the cues, then tapped Log set (pinned at the
    bottom). The next step is drawn first, where the page is; in the next moment it is
    brought up to just below the header, its name and set on screen. Working out where
    the step is in the tap would make a slow phone lay the page out before it draws it."""
    page.set_viewport_size({"width": 360, "height": 640})
    register(page)
    routine_id = create_routine(page, "Scrolled", ROUTINE)
    start_session(page, routine_id)
    on_step(page, 0)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 100
    page.locator("#step input[name=pain][value='0']").check(force=True)
    page.evaluate(WATCH_THE_SCROLL, 1)
    page.get_by_role("button", name="Log set").click()
    # Drawn where the page was: its name still scrolled away above the header.
    assert page.evaluate("window.__firstFrame") == {"shown": True, "nameScrolledAway": True}
    on_step(page, 1)

    def under_the_header():
        header = page.locator("header.top").bounding_box()
        title = page.locator("#step .step-title").bounding_box()
        return header["y"] + header["height"] <= title["y"] < header["y"] + header["height"] + 80

    assert wait_until(under_the_header)


# The progress bar as drawn: its share of the track, and what its animation changes.
PROGRESS = """() => {
  const bar = document.querySelector('[data-progress]');
  const drawn = bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width;
  return { drawn: Math.round(drawn * 100) / 100,
           animating: bar.getAnimations().map((one) => one.transitionProperty) };
}"""


def test_the_progress_bar_shows_the_steps_done_and_moves_on_the_compositor(page):
    """The bar under the header grows by a step's share at each Log set, and is full at
    the summary. It moves by a scale, which the phone's compositor animates: a width
    would be laid out and painted again on the main thread for every frame of its
    animation, while the runner taps on."""
    register(page)
    routine_id = create_routine(page, "Progress", ROUTINE)  # 3 + 2 x 2 sides = 7 steps
    start_session(page, routine_id)
    on_step(page, 0)
    total = int(page.locator("#step").get_attribute("data-total"))
    log_set(page, pain=0)
    assert page.evaluate(PROGRESS)["animating"] == ["transform"]
    log_set(page, pain=0)
    on_step(page, 2)
    page.wait_for_timeout(400)  # the animation's 0.25 s
    assert page.evaluate(PROGRESS) == {"drawn": round(2 / total, 2), "animating": []}
    for _ in range(2, total):
        log_set(page, pain=0)
    expect(page.locator("#summary")).to_be_visible()
    page.wait_for_timeout(400)
    assert page.evaluate(PROGRESS)["drawn"] == 1.0
