/* The session player. A routine is stepped through from its unit: every step fragment
 * of the routine, loaded whole from the phone (or the server) before the session
 * starts, so no step ever waits for a network that isn't there, and a routine that
 * isn't whole on the phone can't be started offline. htmx swaps each step in.
 *
 * The run (session id, position, timer, what was logged) is saved on the device at
 * every step, with its own copy of the unit, so a killed app resumes where it was. */

import { showCueSetting } from "./cues.js";
import { logEvent } from "./log.js";
import { rememberForTomorrow } from "./morning.js";
import { carryLastPain, readLogForm, showAcceptablePain, showEasierVariant } from "./log-form.js";
import { fromTemplate, outbox, user } from "./page.js";
import { painResponse } from "./pain.js";
import { painStopCard, stopChoice } from "./pain-stop.js";
import { keepScreenOn, letScreenSleep } from "./screen.js";
import { holdTimer, runTimer, skipTimer, stopTimer, waitTimer } from "./timers.js";

// The session this page is playing: its run and the routine unit it steps through.
// `busy` is true while a set is being logged, so a second tap logs nothing.
const current = { run: null, unit: null, busy: false };

function playerPage() {
  return document.getElementById("player-page");
}

function stepElement() {
  return document.getElementById("step");
}

/* ---------- the routine, whole ---------- */

/** The routine's unit as the routine was when the page was made: from the phone when
 * it holds it (the service worker answers), else from the server; null if neither can. */
async function loadUnit(source) {
  const url = `${source.dataset.unitUrl}?changed=${encodeURIComponent(source.dataset.unitChanged || "")}`;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null;
    const unit = await response.json();
    return Array.isArray(unit.steps) && unit.steps.length && unit.steps.every(Boolean) ? unit : null;
  } catch {
    return null;
  }
}

/* ---------- starting and resuming ---------- */

export async function startSession(button) {
  const existing = await outbox.loadRun(user);
  if (existing && !confirm(`“${existing.routineName}” is still in progress. Start a new session instead?`)) {
    return;
  }
  const problem = button.closest("form").parentElement.querySelector("[data-start-problem]");
  if (problem) problem.hidden = true;
  button.disabled = true;
  const unit = await loadUnit(button);
  button.disabled = false;
  if (!unit) {
    // Said plainly, before anything is logged: never a session that stalls mid-way.
    if (problem) problem.hidden = false;
    return;
  }
  const run = newRun(button, unit);
  await outbox.setMeta(`run-unit:${user}`, unit);
  await outbox.saveRun(run);
  await logEvent("session.started", run.session,
    { routine: run.routine, planned_sets: unit.strength_steps }, { name: run.routineName });
  const player = playerPage();
  if (player && Number(player.dataset.routineId) === run.routineId) {
    play(run, unit);
  } else {
    location.assign(run.playerUrl);
  }
}

function newRun(button, unit) {
  return {
    user,
    session: crypto.randomUUID(),
    routine: /^\d+$/.test(button.dataset.routine) ? Number(button.dataset.routine) : button.dataset.routine,
    routineId: Number(button.dataset.routineId),
    routineName: button.dataset.routineName,
    playerUrl: button.dataset.href || location.pathname,
    unitVersion: unit.version,
    position: 0,
    startedAt: Date.now(),
    logged: [],
    // {exercise number: ladder level} for exercises stopped by pain and gone on with
    // at their easier variant.
    eased: {},
    timer: null,
  };
}

export async function offerResume() {
  const card = document.querySelector("[data-resume]");
  if (!card || !user) return;
  const run = await outbox.loadRun(user);
  if (!run) return;
  card.querySelector("[data-resume-name]").textContent = run.routineName;
  card.querySelector("[data-resume-link]").href = run.playerUrl;
  card.hidden = false;
}

/** On the player page: a run of this routine on the device goes on where it was; with
 * none, ?start=1 (a Start tapped before that page's scripts ran) starts one. */
export async function resumeSession() {
  const player = playerPage();
  if (!player || !user) return;
  showCueSetting();
  const run = await outbox.loadRun(user);
  const startAsked = new URLSearchParams(location.search).has("start");
  if (startAsked) history.replaceState(null, "", location.pathname);
  if (!run || run.routineId !== Number(player.dataset.routineId)) {
    if (startAsked && !run) startSession(player.querySelector("[data-start-session]"));
    return;
  }
  const unit = (await outbox.getMeta(`run-unit:${user}`)) || (await loadUnit(player));
  if (!unit) return;
  play(run, unit);
}

function play(run, unit) {
  // A run saved by an older version of runpt lacks what later ones added.
  run.logged = run.logged || [];
  run.eased = run.eased || {};
  current.run = run;
  current.unit = unit;
  keepScreenOn();
  showStep(run.position);
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
  window.scrollTo(0, 0);
  showEasierVariant(step, current.run);
  carryLastPain(step, current.run);
  if (note) showAcceptablePain(step, note.acceptable);
  const index = Number(step.dataset.index);
  const saved = current.run.timer && current.run.timer.step === index ? current.run.timer : null;
  const timer = saved || waitTimer(step);
  if (!timer) return;
  if (!saved) keepTimer(timer);
  runTimer(timer, keepTimer);
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
  await logEvent("session.finished", run.session, {});
  await rememberForTomorrow(run.session);
  await outbox.clearRun(user);
  current.run = null;
  letScreenSleep();
  showSummary(run, Date.now());
}

/** The session as the phone logged it: one set per step (a step logged again after
 * Back counts once, as the server counts it), the time taken and the highest pain. */
function showSummary(run, finishedAt) {
  const player = playerPage();
  player.querySelector("#player").replaceChildren();
  player.querySelector("[data-progress]").style.width = "100%";
  const summary = document.getElementById("summary");
  const sets = [...new Map(run.logged.map((set) => [set.index, set])).values()];
  const pains = sets.map((set) => set.pain).filter((pain) => pain !== null && pain !== undefined);
  const highest = pains.length ? Math.max(...pains) : null;
  const minutes = Math.max(1, Math.round((finishedAt - run.startedAt) / 60000));
  summary.querySelector("[data-summary-sets]").textContent = String(sets.length);
  summary.querySelector("[data-summary-time]").textContent = `${minutes} min`;
  summary.querySelector("[data-summary-pain]").textContent = highest === null ? "not logged" : `${highest} / 10`;
  const zone = highest === null ? "none" : painZone(highest);
  summary.querySelector("[data-summary-advice]").textContent = summary.dataset[`advice${zone[0].toUpperCase()}${zone.slice(1)}`];
  summary.hidden = false;
  summary.focus();
}

function painZone(pain) {
  const rules = document.getElementById("pain-rules").dataset;
  if (pain <= Number(rules.safeMax)) return "safe";
  return pain <= Number(rules.acceptableMax) ? "acceptable" : "tooMuch";
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
    const timer = holdTimer();
    keepTimer(timer);
    runTimer(timer, keepTimer);
  } else if (target.matches("[data-timer-skip]")) {
    skipTimer(current.run.timer);
    keepTimer(null);
  } else {
    return false;
  }
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
