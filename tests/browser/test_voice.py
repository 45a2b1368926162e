"""Spoken cues, heard through a recorded fake `speechSynthesis` (installed before the
page's scripts): what comes next and the dose as a step starts, the last three seconds,
the go, slow reps counted through their tempo, the end of a hold, "switch sides"; the
voice setting; "phone on the floor" (one big tap ends the set, a large pain question asked
aloud follows, and its answer logs the set as planned); and the beeps where the browser
can't speak."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    create_routine,
    log_set,
    register,
    reload_once_kept,
    server_sessions,
    wait_until,
)

FAKE_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  speaking: false, pending: false, paused: false,
  speak(utterance) { window.__spoken.push(utterance.text); },
  cancel() {},
  getVoices() {
    return [{ name: "On the phone", lang: "en-GB", localService: true, default: true }];
  },
  addEventListener() {}, removeEventListener() {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""
NO_SPEECH = """
delete window.speechSynthesis;
delete window.SpeechSynthesisUtterance;
window.__buzzes = 0;
navigator.vibrate = () => { window.__buzzes += 1; return true; };
"""
ROUTINE = [
    ("glute-bridge", {"sets": 1, "reps": 2}),  # tempo 2-1-2: counted aloud
    ("side-plank", {"sets": 1, "hold_s": 5}),  # left, then right
]


def play(page, name: str) -> None:
    """A session of ROUTINE (made as `name`) started, its first step on screen."""
    routine_id = create_routine(page, name, ROUTINE)
    page.goto(f"/routines/{routine_id}")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#step[data-index='0']")).to_be_visible()


# What was said since the last look. The player hands speech to the phone once the step
# it goes with is on screen (js/voice.js): a frame and a task after the change at most.
SAID_SINCE = """() => new Promise((done) => requestAnimationFrame(
  () => setTimeout(() => done(window.__spoken.splice(0)), 0)))"""


def spoken(page) -> list[str]:
    return page.evaluate(SAID_SINCE)


def test_the_player_says_what_comes_next_counts_down_and_counts_slow_reps(page):
    page.add_init_script(FAKE_SPEECH)
    page.clock.install()
    register(page)
    play(page, "Spoken")
    assert spoken(page) == ["Next: Glute bridge. Set 1 of 1: 2 reps. Get ready."]

    page.clock.run_for(10_000)  # the get-ready countdown runs out
    page.clock.run_for(1_500 + 10 * 1_000 + 500)  # two reps of 2-1-2, one word a second
    rep = ["down", "two", "hold", "up", "two"]
    assert spoken(page) == [
        "3",
        "2",
        "1",
        "Go: 2 reps.",
        *rep,
        *rep,
        "That's 2. Any pain? Tap it, then log the set.",
    ]

    log_set(page, pain=1)
    assert spoken(page) == [
        "Next: Side plank (from the knees). Set 1 of 1, left side: 5 second hold. Get ready."
    ]
    page.clock.run_for(10_000)
    assert spoken(page) == ["3", "2", "1", "Go: 5 second hold."]
    page.get_by_role("button", name="Start 5 s hold").click()
    page.clock.run_for(5_000)
    assert spoken(page) == ["3", "2", "1", "Hold done. Any pain? Tap it, then log the set."]

    log_set(page, pain=1)
    assert spoken(page) == ["Switch sides. Right side: 5 second hold."]


def test_voice_off_in_settings_is_silent_and_can_be_turned_on_for_a_session(page):
    page.add_init_script(FAKE_SPEECH)
    register(page)
    page.goto("/settings")
    page.get_by_label("Speak the steps during a session").uncheck()
    page.get_by_role("button", name="Save settings").click()
    play(page, "Quiet")
    voice = page.get_by_label("Speak the steps", exact=True)
    expect(voice).not_to_be_checked()
    assert spoken(page) == []
    voice.check()  # for this session
    log_set(page, pain=0)
    assert spoken(page) == [
        "Next: Side plank (from the knees). Set 1 of 1, left side: 5 second hold. Get ready."
    ]


# The screen goes off: the page draws no more frames, then is hidden.
NO_MORE_FRAMES = "() => { window.requestAnimationFrame = () => 0; }"
SCREEN_OFF = """() => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_with_the_screen_off_the_cues_are_still_said(page):
    """Speech waits for the frame that shows its step, and a phone with its screen off
    draws none: a cue waiting when the screen goes off is said then, and the countdown's
    "3, 2, 1" and the go are said with the screen off."""
    page.add_init_script(FAKE_SPEECH)
    page.clock.install()
    register(page)
    play(page, "Screen off")
    page.clock.run_for(10_000)
    page.clock.run_for(1_500 + 10 * 1_000 + 500)
    spoken(page)  # the first set, counted
    page.evaluate(NO_MORE_FRAMES)
    log_set(page, pain=0)
    assert page.evaluate("window.__spoken") == []  # its frame hasn't come
    page.evaluate(SCREEN_OFF)
    assert page.evaluate("window.__spoken.splice(0)") == [
        "Next: Side plank (from the knees). Set 1 of 1, left side: 5 second hold. Get ready."
    ]
    # The countdown's ten seconds and a tick more: the test's clock can start its run a
    # few milliseconds before the page's countdown began (it ran 2 in 15 times short).
    page.clock.run_for(10_250)
    assert page.evaluate("window.__spoken.splice(0)") == ["3", "2", "1", "Go: 5 second hold."]


# A phone whose voices are listed a moment after the page asks (as Chromium does).
VOICES_LATER = """
window.__spoken = [];
window.__looks = 0;
const voiceListeners = [];
let voices = [];
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  speak(utterance) {
    window.__spoken.push([utterance.text, utterance.voice && utterance.voice.name]);
  },
  cancel() {},
  getVoices() { window.__looks += 1; return voices; },
  addEventListener(type, listener) { if (type === "voiceschanged") voiceListeners.push(listener); },
  removeEventListener() {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
window.__voicesArrive = () => {
  voices = [{ name: "Network", lang: "en-GB", localService: false, default: true },
            { name: "On the phone", lang: "en-GB", localService: true, default: false }];
  voiceListeners.forEach((listener) => listener(new Event("voiceschanged")));
};
"""


def test_the_voice_on_the_phone_is_found_once_its_voices_are_listed(page):
    """Each cue is said with a voice on the phone itself (a network voice falls silent
    with no signal), looked for once the phone lists its voices, not again per cue."""
    page.add_init_script(VOICES_LATER)
    page.clock.install()
    register(page)
    play(page, "Voices")
    assert [voice for _, voice in spoken(page)] == [None]  # none listed yet: the default
    page.evaluate("window.__voicesArrive()")
    page.evaluate("window.__looks = 0")
    page.clock.run_for(10_000)
    said = spoken(page)
    assert [text for text, _ in said] == ["3", "2", "1", "Go: 2 reps."]
    assert {voice for _, voice in said} == {"On the phone"}
    assert page.evaluate("window.__looks") == 1


FLOOR_PAIN_QUESTION = "Any pain? Tap none, some, or too much."


def test_phone_on_the_floor_one_big_tap_asks_pain_then_logs_the_set_as_planned(page):
    page.add_init_script(FAKE_SPEECH)
    page.clock.install()
    register(page)
    page.goto("/settings")
    page.get_by_label("Speak the steps during a session").uncheck()  # the floor turns it on
    page.get_by_role("button", name="Save settings").click()
    play(page, "Floor")
    page.get_by_role("button", name="Phone on the floor").click()
    expect(page.get_by_role("button", name="Normal view")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".figure")).to_be_hidden()  # only what a glance needs
    log = page.get_by_role("button", name="Log set")
    assert log.bounding_box()["height"] >= 72  # large targets

    page.locator("[data-floor-hint]").click()  # the big tap: the set is done
    question = page.locator("[data-floor-pain]")
    expect(question).to_be_visible()
    assert spoken(page)[-1] == FLOOR_PAIN_QUESTION
    page.locator("#step-title").click()  # a stray tap on the step answers nothing
    expect(question).to_be_visible()
    question.get_by_role("button", name="None").click()  # logged: 2 reps as planned
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    assert (
        spoken(page)[-1]
        == "Next: Side plank (from the knees). Set 1 of 1, left side: 5 second hold. Get ready."
    )
    page.clock.run_for(10_000)  # on the floor a hold starts by itself after its countdown
    expect(page.locator("[data-timer-label]")).to_have_text("Hold")
    page.clock.run_for(5_000)
    expect(page.locator("[data-timer-label]")).to_have_text("Hold done")
    page.locator("#step-title").click()  # anywhere on the step
    question.get_by_role("button", name="Some").click()
    question.get_by_role("button", name="2", exact=True).click()
    expect(page.locator("#step[data-index='2']")).to_be_visible()

    reload_once_kept(page)  # a resumed session stays on the floor
    expect(page.locator("#player-page")).to_have_class(re.compile(r"\bfloor\b"))
    finish = page.get_by_role("button", name="Finish session")
    page.get_by_role("button", name="Normal view").click()
    finish.click()
    sessions = wait_until(lambda: [s for s in server_sessions(page) if s["finished_at"]])
    sets = [
        (s["exercise"], s["reps"], s["hold_s"], s["side"], s["pain"]) for s in sessions[0]["sets"]
    ]
    assert sets == [("glute-bridge", 2, None, None, 0), ("side-plank", None, 5, "left", 2)]


def test_on_the_floor_the_way_back_stays_on_a_small_screen(page):
    """At 360x640, on the floor, every new step comes with "Normal view" on screen
    above it: a runner on a mat can't scroll up to find it."""
    page.set_viewport_size({"width": 360, "height": 640})
    register(page)
    play(page, "Small floor")
    page.get_by_role("button", name="Phone on the floor").click()
    normal = page.get_by_role("button", name="Normal view")
    expect(normal).to_be_in_viewport(ratio=1)
    page.locator("[data-floor-hint]").click()  # the big tap
    question = page.locator("[data-floor-pain]")
    for answer in ("None", "Some", "Too much or sharp"):
        expect(question.get_by_role("button", name=answer)).to_be_in_viewport(ratio=1)
    question.get_by_role("button", name="None").click()
    expect(page.locator("#step[data-index='1']")).to_be_visible()
    expect(normal).to_be_in_viewport(ratio=1)
    expect(page.locator("#step-title")).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Log set")).to_be_in_viewport(ratio=1)


def test_where_the_browser_cannot_speak_the_beeps_still_mark_the_end(page):
    page.add_init_script(NO_SPEECH)
    page.clock.install()
    register(page)
    play(page, "Beeps")
    expect(page.get_by_label("Speak the steps", exact=True)).to_be_hidden()
    page.clock.run_for(11_000)
    expect(page.locator("[data-timer-label]")).to_have_text("Go")
    assert page.evaluate("window.__buzzes") == 1
