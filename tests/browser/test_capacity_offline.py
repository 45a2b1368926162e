"""A heel-raise test with no signal (the server process stopped): the page opens from the
phone, the metronome counts the raises, a count corrected by hand is what is logged, both
sides wait in the outbox, and once the signal is back they are stored exactly once and
read against the norm."""

from playwright.sync_api import expect

from tests.browser.helpers import outbox_count, register, wait_for_offline_set, wait_until
from tests.browser.no_signal import server_events


def counted(page) -> int:
    return int(page.locator("[data-count]").inner_text())


def test_a_heel_raise_test_runs_with_no_signal_and_is_stored_once(page, server):
    register(page)
    wait_for_offline_set(page)
    server.stop()

    page.goto("/capacity/heel-raise")  # from the phone: the server is gone
    test = page.locator("[data-capacity-test='heel-raise']")
    expect(test).to_have_attribute("data-ready", "yes")  # its module, from the phone too
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Age").select_option("30-39")
    page.get_by_label("On a 10° incline board or wedge").check()  # as the norms were taken

    # Left: the metronome beats and counts; the runner stops when they can't keep up.
    page.get_by_role("button", name="Start the metronome").click()
    expect(page.locator("[data-metronome]")).to_have_attribute("data-beat", "up")
    assert wait_until(lambda: counted(page) >= 2, timeout=10), "the metronome counted nothing"
    page.get_by_role("button", name="Stop: can't keep up").click()
    reps_field = page.get_by_label("Full raises done")
    left = int(reps_field.input_value())
    assert left >= 2 and left == counted(page)
    save = page.get_by_role("button", name="Save left side")
    save.click()
    expect(page.locator("[data-capacity-saved]")).to_have_text("Left side saved on this phone.")

    # Right: a helper counted; the runner corrects the count before saving.
    expect(page.get_by_role("heading", name="Right side")).to_be_visible()
    page.get_by_role("button", name="Start the metronome").click()
    page.get_by_role("button", name="Stop: can't keep up").click()
    reps_field.fill("19")
    page.get_by_role("button", name="Save right side").click()
    done = page.locator("[data-capacity-done]")
    expect(done).to_be_visible()
    expect(done.locator("[data-capacity-summary]")).to_have_text(
        f"Left {left} reps, right 19 reps."
    )
    assert outbox_count(page) == 2  # one event per side, waiting on the phone

    server.start()
    page.goto("/")
    assert wait_until(lambda: outbox_count(page) == 0, timeout=20), "the outbox never emptied"
    tested = [e for e in server_events(page) if e["type"] == "capacity.tested"]
    assert sorted((e["data"]["side"], e["data"]["reps"]) for e in tested) == [
        ("left", left), ("right", 19),
    ]  # fmt: skip
    assert len({e["session"] for e in tested}) == 1  # one sitting
    assert tested[0]["data"]["sex"] == "female" and tested[0]["data"]["age_band"] == "30-39"

    wait_for_offline_set(page)  # the phone's copy of the results page, refreshed
    page.goto("/capacity/")
    card = page.locator("[data-capacity-result='heel-raise']")
    expect(card.locator("[data-right]")).to_have_text("right 19 reps")
    # The paper's median for all ages: runpt has no age bands of its own.
    expect(card.locator("[data-norm]")).to_contain_text("Norm for women (all ages): 21 reps")
