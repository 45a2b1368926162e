/* The session player. A routine is stepped through from its unit: every step fragment
 * of the routine, loaded whole from the phone (or the server) before the session
 * starts, so no step ever waits for a network that isn't there, and a routine that
 * isn't whole on the phone can't be started offline. htmx swaps each step in.
 *
 * The run (session id, position, timer, what was logged, voice and floor mode) is
 * saved on the device at every step, with its own copy of the unit, so a killed app
 * resumes where it was. */

import { bigTapAction, floorOn, isBigTap, showFloorMode } from "./floor.js";
import { logEvent } from "./log.js";
import { rememberForTomorrow } from "./morning.js";
import {
  carryLastPain, readLogForm, showAcceptablePain, showEasierVariant, showLastTime,
} from "./log-form.js";
import { fromTemplate, outbox, user } from "./page.js";
import { painResponse } from "./pain.js";
import { painStopCard, stopChoice } from "./pain-stop.js";
import { offerResume, resumeRun, startRun } from "./session-start.js";
import { bringStepIntoView, keepScreenOn, letScreenSleep } from "./screen.js";
import { showSummary } from "./summary.js";
import { holdTimer, runTimer, skipTimer, stopTimer, waitTimer } from "./timers.js";
import {
  quiet, sayCountdown, sayGo, sayHoldDone, sayStepStart, setVoice, speechAvailable,
} from "./voice.js";

// The session this page is playing: its run and the routine unit it steps through.
// `busy` is true while a set is being logged, so a second tap logs nothing.
const current = { run: null, unit: null, busy: false };

function playerPage() {
  return document.getElementById("player-page");
}

function stepElement() {
  return document.getElementById("step");
}

/* ---------- starting and resuming (session-start.js) ---------- */

export const startSession = (button) => startRun(button, play);
export const resumeSession = () => resumeRun(play);
export { offerResume };

function play(run, unit) {
  // A run saved by an older version of runpt lacks what later ones added.
  run.logged = run.logged || [];
  run.eased = run.eased || {};
  if (run.voice === undefined) run.voice = playerPage().dataset.voice === "on";
  current.run = run;
  current.unit = unit;
  keepScreenOn();
  showVoiceAndFloor();
  showStep(run.position);
}

/* ---------- voice and "phone on the floor", kept in the run ---------- */

function showVoiceAndFloor() {
  const { run } = current;
  setVoice(run.voice || floorOn(run));
  showFloorMode(run);
  const toggle = playerPage().querySelector("[data-voice-toggle]");
  if (toggle) toggle.checked = Boolean(run.voice || floorOn(run));
  const setting = playerPage().querySelector("[data-voice-setting]");
  if (setting) setting.hidden = !speechAvailable();
}

function changeVoice(toggle) {
  current.run.voice = toggle.checked;
  if (!toggle.checked) current.run.floor = false; // the floor mode speaks: it goes too
  outbox.saveRun(current.run);
  showVoiceAndFloor();
}

function toggleFloor() {
  current.run.floor = !floorOn(current.run);
  outbox.saveRun(current.run);
  showVoiceAndFloor();
  const step = stepElement();
  if (step) bringStepIntoView(step);
}

/* ---------- stepping ---------- */

function showStep(index, note = null) {
  const { run, unit } = current;
  if (index >= unit.steps.length) return finishSession();
  run.position = Math.max(0, index);
  if (!run.timer || run.timer.step !== run.position) run.timer = null;
  // Not awaited: the step is drawn at once; IndexedDB keeps the order of the writes.
  outbox.saveRun(run);
  playerPage().querySelector("[data-progress]").style.width = `${(100 * run.position) / unit.steps.length}%`;
  try {
    htmx.swap("#player", unit.steps[run.position], { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
  } catch (problem) {
    // Never a silent stall: say so, and offer the ways on. The set already logged is
    // in the outbox, once.
    const card = fromTemplate("step-problem");
    card.querySelector("[data-problem-detail]").textContent = String(problem.message || problem);
    document.getElementById("player").replaceChildren(card);
    card.focus();
    return;
  }
  onStepShown(note);
}

/** After a step is swapped in: focus it for screen readers, say what the last set's
 * pain means, fill in what carries over, and start its countdown. */
function onStepShown(note) {
  const step = stepElement();
  if (!step || !current.run) return;
  step.focus({ preventScroll: true });
  bringStepIntoView(step);
  showEasierVariant(step, current.run);
  carryLastPain(step, current.run);
  showLastTime(step, current.run);
  if (note) showAcceptablePain(step, note.acceptable);
  sayStepStart(step);
  const index = Number(step.dataset.index);
  const saved = current.run.timer && current.run.timer.step === index ? current.run.timer : null;
  const timer = saved || waitTimer(step);
  if (!timer) return;
  if (!saved) keepTimer(timer);
  startTimer(timer);
}

const heard = { secondsLeft: sayCountdown, ended: timerEnded };

function startTimer(timer) {
  runTimer(timer, keepTimer, heard);
}

/** A countdown or a hold ended on the step on screen: say so, and on the floor a
 * hold starts by itself once its countdown is over. */
function timerEnded(timer) {
  const step = stepElement();
  if (!step || !current.run) return;
  if (timer.kind === "hold") return sayHoldDone(step);
  sayGo(step);
  if (floorOn(current.run) && step.dataset.hold) startHold();
}

function startHold() {
  const timer = holdTimer();
  keepTimer(timer);
  startTimer(timer);
}

function keepTimer(timer) {
  if (!current.run) return;
  current.run.timer = timer;
  outbox.saveRun(current.run);
}

async function logSet(form) {
  if (current.busy || !current.run) return; // a second tap while the first is saved
  const step = stepElement();
  const error = form.querySelector("[data-log-error]");
  let data;
  try {
    data = readLogForm(form, step, current.run);
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    return;
  }
  current.busy = true;
  quiet();
  form.querySelector("[type=submit]").disabled = true;
  try {
    const index = Number(step.dataset.index);
    await logEvent("set.logged", current.run.session, data);
    current.run.logged.push({ index, ...data });
    current.run.timer = null;
    const response = painResponse(data);
    if (response.stop) showPainStop(step, data, response.stop);
    else showStep(index + 1, response.acceptable ? response : null);
  } finally {
    current.busy = false;
  }
}

/* ---------- a pain stop: the exercise ends here today ---------- */

function showPainStop(step, set, reason) {
  const card = painStopCard(step, set, reason, current.run);
  stopTimer();
  document.getElementById("player").replaceChildren(card);
  card.focus();
}

async function choose(button) {
  const chosen = stopChoice(button);
  await logEvent("exercise.stopped", current.run.session, chosen.event);
  if (chosen.choice === "easier") {
    current.run.eased[chosen.exerciseNo] = chosen.easierLevel;
    showStep(chosen.index + 1);
  } else if (chosen.choice === "skip") {
    showStep(nextExercise(chosen.index));
  } else {
    finishSession();
  }
}

/** The first step after `index` that belongs to another exercise. */
function nextExercise(index) {
  const { exercise_of_step: exerciseOf, steps } = current.unit;
  let next = index + 1;
  while (next < steps.length && exerciseOf[next] === exerciseOf[index]) next += 1;
  return next;
}

/* ---------- finishing ---------- */

async function finishSession() {
  const run = current.run || (await outbox.loadRun(user));
  if (!run) return;
  stopTimer();
  quiet();
  await logEvent("session.finished", run.session, {});
  await rememberForTomorrow(run.session);
  await outbox.clearRun(user);
  current.run = null;
  letScreenSleep();
  showSummary(run, Date.now());
}

/* ---------- the player's buttons (one listener in main.js routes clicks here) ---------- */

export function onPlayerClick(target) {
  if (target.matches("[data-start-session]")) {
    startSession(target);
  } else if (!current.run) {
    return false;
  } else if (target.matches("[data-step-skip]")) {
    showStep(current.run.position + 1);
  } else if (target.matches("[data-step-back]")) {
    showStep(current.run.position - 1);
  } else if (target.matches("[data-step-retry]")) {
    showStep(current.run.position);
  } else if (target.matches("[data-finish]")) {
    finishSession();
  } else if (target.matches("[data-stop-choice]")) {
    choose(target);
  } else if (target.matches("[data-hold-start]")) {
    startHold();
  } else if (target.matches("[data-floor-toggle]")) {
    toggleFloor();
  } else if (target.matches("[data-timer-skip]")) {
    skipTimer(current.run.timer);
    keepTimer(null);
  } else {
    return false;
  }
  return true;
}

/** A tap that isn't on a button: in floor mode, the big tap anywhere on the step. */
export function onPlayerTap(event) {
  if (!current.run || !isBigTap(event, current.run)) return false;
  const step = stepElement();
  if (bigTapAction(step, current.run) === "start-hold") {
    startHold();
  } else {
    if (current.run.timer && current.run.timer.kind === "hold") skipTimer(current.run.timer);
    logSet(step.querySelector("[data-log-form]"));
  }
  return true;
}

export function onPlayerChange(input) {
  if (!current.run || !input.matches("[data-voice-toggle]")) return false;
  changeVoice(input);
  return true;
}

export function onPlayerSubmit(form) {
  if (!form.matches("[data-log-form]")) return false;
  logSet(form);
  return true;
}

/** The page came back into view: the browser dropped the wake lock meanwhile. */
export function onPlayerVisible() {
  if (current.run) keepScreenOn();
}
