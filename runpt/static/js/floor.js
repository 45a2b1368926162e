/* "Phone on the floor": the session run from a mat with the phone out of reach of a
 * careful tap. Large targets, the voice on, and one big tap anywhere on the step ends
 * the set: a large pain question comes (none / some / too much or sharp, asked aloud
 * too), and its answer logs the set as planned (the reps or seconds the form holds) and
 * goes on. Pain is never carried from the last set, and "some" opens the numbers it
 * can mean rather than picking one. A hold step's first tap starts the hold, and a hold
 * starts by itself when its countdown ends. Kept in the session, so a resumed session keeps
 * it. Loaded when a session plays (player.js). */

import { fromTemplate } from "./page.js";

const CONTROLS = "button, a, input, select, textarea, label, summary, details";

function playerPage() {
  return document.getElementById("player-page");
}

export function floorOn(session) {
  return Boolean(session && session.floor);
}

/** Show the player as the session says: the page's class sets the large layout (app.css). */
export function showFloorMode(session) {
  const page = playerPage();
  if (!page) return;
  const on = floorOn(session);
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
export function topOfStep(step, session) {
  const page = playerPage();
  const toggle = floorOn(session) && page ? page.querySelector("[data-floor-toggle]") : null;
  return toggle || step;
}

/** A tap on the step in floor mode that isn't on one of its controls: the big tap. */
export function isBigTap(event, session) {
  if (!floorOn(session)) return false;
  const step = document.getElementById("step");
  if (!step || !step.contains(event.target)) return false;
  return !event.target.closest(CONTROLS);
}

/** What the big tap does on this step: start its hold, or log the set. */
export function bigTapAction(step, session) {
  const isHold = Boolean(step.dataset.hold);
  const timer = session.timer && session.timer.step === Number(step.dataset.index) ? session.timer : null;
  const holdStarted = timer && timer.kind === "hold";
  return isHold && !holdStarted ? "start-hold" : "log";
}

/** Whether the step on screen is asking the floor's pain question. */
export function askingFloorPain(step) {
  return Boolean(step && step.querySelector("[data-floor-pain]"));
}

/** The large pain question, on the step in place of its big tap area. */
export function askFloorPain(step) {
  if (askingFloorPain(step)) return;
  const question = fromTemplate("floor-pain");
  step.querySelector("[data-floor-hint]").after(question);
  step.classList.add("asking-pain");
  question.focus({ preventScroll: true });
  question.scrollIntoView({ block: "nearest" });
}

/** An answer tapped: "some" opens 1-5 and returns false (nothing to log yet);
 * otherwise the step's form holds the answer (none: 0, a number, or sharp pain) and
 * it returns true: log the set. */
export function answerFloorPain(button, step) {
  const form = step.querySelector("[data-log-form]");
  const answer = button.dataset.floorPainAnswer;
  if (answer === "some") {
    const question = button.closest("[data-floor-pain]");
    question.querySelector("[data-floor-pain-first]").hidden = true;
    const numbers = question.querySelector("[data-floor-pain-some]");
    numbers.hidden = false;
    numbers.querySelector("button").focus({ preventScroll: true });
    return false;
  }
  if (answer === "sharp") {
    form.elements.sharp.checked = true;
  } else {
    const value = answer === "none" ? "0" : button.dataset.floorPainValue;
    form.querySelector(`input[name=pain][value="${value}"]`).checked = true;
  }
  return true;
}
