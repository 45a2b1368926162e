/* "Phone on the floor": the session run from a mat with the phone out of reach of a
 * careful tap. Large targets, the voice on, and one big tap anywhere on the step logs
 * the set as planned (the reps or seconds the form holds, the pain carried from the last
 * set if any) and goes on; a hold step's first tap starts the hold, and a hold starts by
 * itself when its countdown ends. Kept in the run, so a resumed session keeps it. */

const CONTROLS = "button, a, input, select, textarea, label, summary, details";

function playerPage() {
  return document.getElementById("player-page");
}

export function floorOn(run) {
  return Boolean(run && run.floor);
}

/** Show the player as the run says: the page's class sets the large layout (app.css). */
export function showFloorMode(run) {
  const page = playerPage();
  if (!page) return;
  const on = floorOn(run);
  page.classList.toggle("floor", on);
  const toggle = page.querySelector("[data-floor-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", String(on));
    toggle.textContent = on ? toggle.dataset.labelOn : toggle.dataset.labelOff;
  }
}

/** What goes at the top of the screen with a new step: on the floor, the "Normal view"
 * button just above it, so the way back is never scrolled out of reach of a runner
 * on a mat. */
export function topOfStep(step, run) {
  const page = playerPage();
  const toggle = floorOn(run) && page ? page.querySelector("[data-floor-toggle]") : null;
  return toggle || step;
}

/** A tap on the step in floor mode that isn't on one of its controls: the big tap. */
export function isBigTap(event, run) {
  if (!floorOn(run)) return false;
  const step = document.getElementById("step");
  if (!step || !step.contains(event.target)) return false;
  return !event.target.closest(CONTROLS);
}

/** What the big tap does on this step: start its hold, or log the set. */
export function bigTapAction(step, run) {
  const isHold = Boolean(step.dataset.hold);
  const timer = run.timer && run.timer.step === Number(step.dataset.index) ? run.timer : null;
  const holdStarted = timer && timer.kind === "hold";
  return isHold && !holdStarted ? "start-hold" : "log";
}
