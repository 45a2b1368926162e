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
import { fromTemplate, outbox, user } from "./page.js";
import { painResponse } from "./pain.js";
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
  const problem = button.parentElement.querySelector("[data-start-problem]");
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

/** On the player page: a run of this routine on the device goes on where it was. */
export async function resumeSession() {
  const player = playerPage();
  if (!player || !user) return;
  showCueSetting();
  const run = await outbox.loadRun(user);
  if (!run || run.routineId !== Number(player.dataset.routineId)) return;
  const unit = (await outbox.getMeta(`run-unit:${user}`)) || (await loadUnit(player));
  if (!unit) return;
  play(run, unit);
}

function play(run, unit) {
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
  htmx.swap("#player", unit.steps[run.position], { swapStyle: "innerHTML", swapDelay: 0, settleDelay: 0 });
  onStepShown(note);
}

/** After a step is swapped in: focus it for screen readers, say what the last set's
 * pain means, fill in what carries over, and start its countdown. */
function onStepShown(note) {
  const step = stepElement();
  if (!step || !current.run) return;
  step.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  showEasierVariant(step);
  carryLastPain(step);
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

function exerciseNo(step) {
  return Number(step.dataset.exerciseNo);
}

/** After a pain stop, the rest of the exercise is its easier variant: say so. */
function showEasierVariant(step) {
  if (!(exerciseNo(step) in current.run.eased)) return;
  const line = step.querySelector("[data-eased]");
  line.querySelector("[data-eased-name]").textContent = step.dataset.easier;
  line.hidden = false;
}

/** A later set offers the previous set's pain, marked, for the runner to change;
 * the first set of an exercise offers none (pain is never invented). */
function carryLastPain(step) {
  const previous = current.run.logged.filter((set) => set.exercise === step.dataset.exercise).at(-1);
  if (!previous || previous.pain === null || previous.pain === undefined) return;
  const choice = step.querySelector(`input[name=pain][value="${previous.pain}"]`);
  if (!choice) return;
  choice.checked = true;
  choice.closest("label").classList.add("carried");
  step.querySelector("[data-pain-carried]").hidden = false;
}

function showAcceptablePain(step, pain) {
  const line = step.querySelector("[data-pain-acceptable]");
  if (!line) return;
  line.querySelector("[data-pain-value]").textContent = String(pain);
  line.hidden = false;
}

/** Outside the limits the form carries (its min and max come from the server's
 * validation rules), or not a number at all. */
function outOfRange(field) {
  const validity = field.validity;
  return Boolean(validity) && (validity.rangeUnderflow || validity.rangeOverflow || validity.badInput);
}

function readLogForm(form, step) {
  const value = (name) => {
    const field = form.elements[name];
    return field && field.value !== "" ? field.value : null;
  };
  const whole = (name, label) => {
    const field = form.elements[name];
    const raw = value(name);
    if (raw === null) return null;
    const number = Number(raw);
    if (!Number.isInteger(number) || outOfRange(field)) {
      throw new Error(`${label}: a whole number from ${field.min} to ${field.max}.`);
    }
    return number;
  };
  const load = value("load_kg") === null ? null : Number(value("load_kg"));
  const loadField = form.elements.load_kg;
  if (load !== null && (Number.isNaN(load) || outOfRange(loadField))) {
    throw new Error(`Load: a number from ${loadField.min} to ${loadField.max} kg.`);
  }
  const note = (value("note") || "").trim();
  const eased = current.run.eased[exerciseNo(step)];
  return {
    exercise: step.dataset.exercise,
    set: Number(step.dataset.set),
    side: step.dataset.side || null,
    reps: whole("reps", "Reps"),
    hold_s: whole("hold_s", "Held seconds"),
    load_kg: load,
    rpe: whole("rpe", "Effort"),
    pain: whole("pain", "Pain"),
    note: note ? note.slice(0, 1000) : null,
    // The ladder rung done: the step's own, or its easier variant after a pain stop.
    level: eased ?? Number(step.dataset.level || 0),
  };
}

async function logSet(form) {
  if (current.busy || !current.run) return; // a second tap while the first is saved
  const step = stepElement();
  const error = form.querySelector("[data-log-error]");
  let data;
  try {
    data = readLogForm(form, step);
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
  const card = fromTemplate("pain-stop");
  card.querySelector(`[data-reason="${reason}"]`).hidden = false;
  card.querySelector("[data-stop-pain]").textContent = String(set.pain);
  card.querySelector("[data-stop-exercise]").textContent = step.dataset.exerciseName;
  const easier = card.querySelector("[data-stop-easier]");
  if (step.dataset.easier && !(exerciseNo(step) in current.run.eased)) {
    easier.querySelector("[data-easier-name]").textContent = step.dataset.easier;
  } else {
    easier.remove(); // at the easiest rung, or already on it: skipping is the way on
  }
  Object.assign(card.dataset, {
    index: step.dataset.index,
    exercise: set.exercise,
    set: String(set.set),
    side: set.side || "",
    reason,
    pain: set.pain === null ? "" : String(set.pain),
    exerciseNo: step.dataset.exerciseNo,
    level: String(set.level),
  });
  stopTimer();
  document.getElementById("player").replaceChildren(card);
  card.focus();
}

async function choose(button) {
  const card = button.closest("[data-pain-stop]");
  const choice = button.dataset.stopChoice;
  const stop = card.dataset;
  await logEvent("exercise.stopped", current.run.session, {
    exercise: stop.exercise,
    set: Number(stop.set),
    side: stop.side || null,
    reason: stop.reason,
    pain: stop.pain === "" ? null : Number(stop.pain),
    choice: choice === "finish" ? "skip" : choice,
  });
  const index = Number(stop.index);
  if (choice === "easier") {
    current.run.eased[stop.exerciseNo] = Number(stop.level) - 1;
    showStep(index + 1);
  } else if (choice === "skip") {
    showStep(nextExercise(index));
  } else {
    finishSession();
  }
}

/** The first step after `index` that belongs to another exercise. */
function nextExercise(index) {
  const unit = current.unit;
  const exercise = unit.exercise_of_step[index];
  let next = index + 1;
  while (next < unit.steps.length && unit.exercise_of_step[next] === exercise) next += 1;
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
    showStep(Number(stepElement().dataset.index) + 1);
  } else if (target.matches("[data-step-back]")) {
    showStep(Number(stepElement().dataset.index) - 1);
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
