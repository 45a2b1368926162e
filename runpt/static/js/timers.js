/* Timers: computed from timestamps, so they stay right after the screen was off or the
 * app was in the background (the ticks only draw). A timer is a plain object, e.g.
 * {step: 3, kind: "rest", endsAt: 1764480000000}, kept in the session so a resumed session
 * finds it where it should be. */

import { signalEnd } from "./cues.js";
import { writeText } from "./page.js";

const LABELS = { "get-ready": "Get ready", rest: "Rest", switch: "Switch sides", hold: "Hold" };
const ticks = { interval: null };

function stepElement() {
  return document.getElementById("step");
}

/** Show `timer` on the step on screen and tick until it ends. `keep(timer)` is told
 * of every change so the session can save it; `heard` hears each second of the last few
 * (`secondsLeft`) and the end (`ended`), for the spoken cues. */
export function runTimer(timer, keep, heard = {}) {
  stopTimer();
  const step = stepElement();
  if (!step) return;
  drawTimer(step, timer);
  const box = step.querySelector("[data-timer]");
  announce(`${LABELS[timer.kind]}: ${secondsLeft(timer)} seconds`);
  let shown = null;
  const clock = box.querySelector("[data-timer-clock]");
  const draw = () => {
    const left = secondsLeft(timer);
    // Drawn when the second changes, not at every tick: an unchanged clock written
    // again still costs a slow phone a frame (style, layout, paint) four times a second.
    if (left !== shown) writeText(clock, clockText(left));
    if (left !== shown && shown !== null && heard.secondsLeft) heard.secondsLeft(left, timer);
    shown = left;
    if (left === 0) timerDone(timer, box, keep, heard);
  };
  draw();
  if (!box.classList.contains("done")) ticks.interval = setInterval(draw, 250);
}

/** `timer` drawn on `step` as it starts (the step on screen, or the next one before it
 * goes there: the player draws it in first, so the step on screen is changed once, and
 * a countdown between two sets keeps its box instead of hiding and showing it again).
 * Drawing it again changes nothing. */
export function drawTimer(step, timer) {
  const box = step.querySelector("[data-timer]");
  box.hidden = false;
  if (box.classList.contains("done")) box.classList.remove("done");
  if (box.dataset.kind !== timer.kind) box.dataset.kind = timer.kind;
  writeText(box.querySelector("[data-timer-label]"), LABELS[timer.kind] || "Timer");
  const skip = box.querySelector("[data-timer-skip]");
  writeText(skip, timer.kind === "hold" ? "Stop hold" : "Skip countdown");
  skip.hidden = false;
  writeText(box.querySelector("[data-timer-clock]"), clockText(secondsLeft(timer)));
  showHoldButton(step, timer.kind !== "hold");
}

function secondsLeft(timer) {
  return Math.max(0, Math.ceil((timer.endsAt - Date.now()) / 1000));
}

export function stopTimer() {
  if (ticks.interval) clearInterval(ticks.interval);
  ticks.interval = null;
}

function clockText(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes}:${String(seconds % 60).padStart(2, "0")}` : String(seconds);
}

/** While a hold runs, its start button would only start it again: hide it. */
function showHoldButton(step, visible) {
  const button = step && step.querySelector("[data-hold-start]");
  if (button) button.hidden = !visible;
}

function timerDone(timer, box, keep, heard) {
  stopTimer();
  box.classList.add("done");
  writeText(box.querySelector("[data-timer-label]"), timer.kind === "hold" ? "Hold done" : "Go");
  box.querySelector("[data-timer-skip]").hidden = true;
  if (timer.kind === "hold") fillHeldSeconds(timer, timer.endsAt);
  showHoldButton(stepElement(), true);
  if (!timer.finished) {
    keep({ ...timer, finished: true });
    announce(timer.kind === "hold" ? "Hold done. Log the set." : "Time to go.");
    signalEnd();
    if (heard.ended) heard.ended(timer);
  }
}

function fillHeldSeconds(timer, endedAt) {
  const field = stepElement() && stepElement().querySelector("[name=hold_s]");
  if (field && timer.startedAt) field.value = String(Math.round((endedAt - timer.startedAt) / 1000));
}

/** "Skip countdown" or "Stop hold": a stopped hold fills in the seconds held. */
export function skipTimer(timer) {
  const step = stepElement();
  if (!step || !timer) return;
  if (timer.kind === "hold") fillHeldSeconds(timer, Date.now());
  stopTimer();
  step.querySelector("[data-timer]").hidden = true;
  showHoldButton(step, true);
}

export function holdTimer() {
  const step = stepElement();
  const now = Date.now();
  return { step: Number(step.dataset.index), kind: "hold", startedAt: now, endsAt: now + Number(step.dataset.hold) * 1000 };
}

export function waitTimer(step) {
  const wait = Number(step.dataset.wait);
  if (!(wait > 0)) return null;
  return { step: Number(step.dataset.index), kind: step.dataset.waitKind, endsAt: Date.now() + wait * 1000 };
}

function announce(text) {
  const region = stepElement() && stepElement().querySelector("[data-timer-announce]");
  if (region) region.textContent = text;
}
