/* The session player. A routine is stepped through from its unit: every step fragment
 * of the routine, loaded whole from the phone (or the server) before the session
 * starts, so no step ever waits for a network that isn't there, and a routine that
 * isn't whole on the phone can't be started offline. Each step is drawn from memory in
 * the same task as the tap on "Log set": the next one is parsed while the runner does
 * this one, filled in before it goes on the page, and put there in one insertion, so a
 * slow phone lays it out once (docs/performance.md, issue 27). Where a step is on the page
 * already, it is morphed into the next one (morph.js): the figure, the pain dock and
 * the buttons stay, and only what differs (set, side, dose, "last time", the form's
 * answers cleared) is written, so the phone restyles and lays out a few nodes, not a
 * whole new step.
 *
 * The session in progress (its id, position, timer, what was logged, voice and floor mode) is
 * saved on the device at every step, with its own copy of the unit, so a killed app
 * resumes where it was. A logged set and the session that counts it are written together
 * (log.js `logWithSession`); the next step is drawn without waiting for that write, and if
 * it fails the player goes back to the set and says so. */

import { logEvent } from "./log.js";
import { rememberForTomorrow } from "./morning.js";
import {
  askForPain, painAnswered, painGiven, readLogForm, showAcceptablePain, showEasierVariant, showLastTime, showNotSaved,
} from "./log-form.js";
import { morph } from "./morph.js";
import { afterNextFrame, fromTemplate, outbox, user } from "./page.js";
import {
  cautionFor, closedByStop, painStopCard, showCaution, stopEvent, stopOf, unansweredStop,
} from "./pain-stop.js";
import { keepSession as keepOnDevice, saveSet, setsSaved } from "./session-keeping.js";
import { offerResume, resumeSession as resume, startSession as start } from "./session-start.js";
import { bringStepIntoView, keepScreenOn, letScreenSleep, showProgress } from "./screen.js";
import { showSummary } from "./summary.js";
import { drawTimer, holdTimer, runTimer, skipTimer, stopTimer, waitTimer } from "./timers.js";
import {
  quiet, sayCaution, sayCountdown, sayGo, sayHoldDone, sayPainQuestion, sayStepStart, setVoice,
  speechAvailable,
} from "./voice.js";

// The session this page is playing, and the routine unit it steps through.
// `finishing` is true from the moment the session is being finished: nothing more is
// logged in it, and it is finished once.
const current = { session: null, unit: null, finishing: false };

// What only a session uses (pain.js, floor.js, ease-off.js, from-last-sets.js), loaded
// on the player's page rather than with the start page (its 40 KB budget); a session
// waits for them before its first step, so every use below has them.
const aids = {};
function loadAids() {
  aids.loading = aids.loading || Promise.all([
    import("./pain.js"), import("./floor.js"), import("./ease-off.js"), import("./from-last-sets.js"),
  ]).then(([pain, floor, easeOff, lastSets]) => Object.assign(aids, { pain, floor, easeOff, lastSets }));
  return aids.loading;
}
if (playerPage()) loadAids();

function playerPage() {
  return document.getElementById("player-page");
}

function stepElement() {
  return document.getElementById("step");
}

/* ---------- starting and resuming (session-start.js) ---------- */

export const startSession = (button) => start(button, play);
export const resumeSession = () => resume(play);
export { offerResume };

async function play(session, unit) {
  await loadAids();
  // A session saved by an older version of runpt lacks what later ones added.
  session.logged = session.logged || [];
  session.eased = session.eased || {};
  session.stops = session.stops || [];
  session.goneOn = session.goneOn || {};
  session.easedOff = session.easedOff || {};
  if (session.voice === undefined) session.voice = playerPage().dataset.voice === "on";
  current.session = session;
  current.unit = unit;
  current.finishing = false;
  keepScreenOn();
  showVoiceAndFloor();
  // A stop the runner hadn't answered when the app closed: its card again, never the
  // stopped set (the stop and its set are logged already).
  const stop = unansweredStop(session);
  if (stop) showPainStop(stop);
  else showStep(session.position, noteOfLastSet(session));
}

/** What the set just logged says on the step after it, when that step is drawn again (a
 * resumed session): pain that is acceptable if it settles by tomorrow. */
function noteOfLastSet(session) {
  const last = session.logged[session.logged.length - 1];
  if (!last || last.index !== session.position - 1) return null;
  const response = aids.pain.painResponse(last);
  return response.acceptable ? response : null;
}

/* ---------- voice and "phone on the floor", kept in the session ---------- */

function showVoiceAndFloor() {
  const { session } = current;
  setVoice(session.voice || aids.floor.floorOn(session));
  aids.floor.showFloorMode(session);
  const toggle = playerPage().querySelector("[data-voice-toggle]");
  if (toggle) toggle.checked = Boolean(session.voice || aids.floor.floorOn(session));
  const setting = playerPage().querySelector("[data-voice-setting]");
  if (setting) setting.hidden = !speechAvailable();
}

function changeVoice(toggle) {
  current.session.voice = toggle.checked;
  if (!toggle.checked) current.session.floor = false; // the floor mode speaks: it goes too
  keepSession();
  showVoiceAndFloor();
}

function toggleFloor() {
  current.session.floor = !aids.floor.floorOn(current.session);
  keepSession();
  showVoiceAndFloor();
  const step = stepElement();
  if (step) bringStepIntoView(aids.floor.topOfStep(step, current.session));
}

/** Save the session on the device (session-keeping.js), not awaited. */
function keepSession() {
  const { session } = current;
  if (session) keepOnDevice(session, () => current.session === session);
}

/* ---------- stepping ---------- */

/** The step at `index`, or the nearest one on in `direction` that no pain stop closed
 * (pain-stop.js `closedByStop`); going back past the first, the step where the session is. */
function openStep(index, direction) {
  const { session, unit } = current;
  let open = index;
  while (open >= 0 && open < unit.steps.length && passedBy(session, unit, open)) open += direction;
  return open < 0 ? session.position : open;
}

/** Steps the session passes by: those a pain stop closed, and sets beyond a dose eased
 * off in this session (ease-off.js). */
function passedBy(session, unit, index) {
  return closedByStop(session, unit.exercise_of_step, index) || aids.easeOff.beyondEasedSets(unit, session, index);
}

function showStep(index, note = null, direction = 1) {
  const { session, unit } = current;
  index = openStep(index, direction);
  if (index >= unit.steps.length) return finishSession();
  session.position = Math.max(0, index);
  if (!session.timer || session.timer.step !== session.position) session.timer = null;
  keepSession(); // not awaited: the step is drawn at once
  let step;
  try {
    step = stepFromUnit(session.position);
    fillInStep(step, note);
    const countdown = countdownOf(step);
    if (countdown) drawTimer(step, countdown);
    showProgress(playerPage(), session.position / unit.steps.length);
    step = putOnPage(step);
  } catch (problem) {
    // Never a silent stall: say so, and offer the ways on. The set already logged is
    // in the outbox, once.
    const card = fromTemplate("step-problem");
    card.querySelector("[data-problem-detail]").textContent = String(problem.message || problem);
    document.getElementById("player").replaceChildren(card);
    card.focus();
    return;
  }
  onStepShown(step);
  prepareStep(openStep(session.position + 1, 1));
}

/* The next step, parsed ahead: {unit, index, step}. Parsing a step (its figure and
 * form, ~150 elements) is the biggest part of drawing it on a slow phone; done while
 * the runner does the set before, a tap only puts it on the page. Each copy is used
 * once: a step drawn again (Back, a set not saved) is parsed again, never reused. */
let prepared = null;
const whenIdle = window.requestIdleCallback || ((work) => setTimeout(work, 50));

/** Step `index` of the unit playing, as a new element not yet on the page. */
function stepFromUnit(index) {
  const { unit } = current;
  const ready = prepared;
  prepared = null;
  if (ready && ready.unit === unit && ready.index === index) return ready.step;
  return parseStep(unit.steps[index]);
}

function parseStep(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  const step = holder.content.querySelector("#step");
  if (!step) throw new Error("the step's copy on this phone is damaged");
  return document.adoptNode(step);
}

/** Parse step `index` when the phone is idle, for the tap that goes there. */
function prepareStep(index) {
  const { unit } = current;
  if (!unit || index >= unit.steps.length) return;
  whenIdle(() => {
    if (current.unit !== unit || (prepared && prepared.index === index)) return;
    try {
      prepared = { unit, index, step: parseStep(unit.steps[index]) };
    } catch {
      prepared = null; // drawn (and its problem shown) when it is needed
    }
  });
}

/** The step on the page, made to be `step` (filled in, not on the page): the step on
 * screen morphed into it where there is one, so the elements the two share stay and
 * only what differs changes; otherwise (the first step, after a pain stop's card or the
 * step's problem) `step` itself goes in. Returns the element on the page. Nothing a
 * runner entered survives a morph: the new copy's values, answers and folds (none
 * chosen, "More" closed) are written over the old ones. */
function putOnPage(step) {
  const player = document.getElementById("player");
  const live = stepElement();
  if (!live || live.parentElement !== player || player.childElementCount !== 1) {
    player.replaceChildren(step);
    return step;
  }
  // The last step's countdown would go on ticking in the same clock.
  stopTimer();
  // A focused step wouldn't be announced again by focus(): it is left first.
  if (document.activeElement === live) live.blur();
  morph(live, step);
  return live;
}

/** Before the step goes on the page (one layout for all of it): what the last set's
 * pain means, what carries over (the load; never pain), the easier variant or the dose
 * eased off, "last time", and a caution after a pain stop. */
function fillInStep(step, note) {
  const { session } = current;
  showEasierVariant(step, session);
  aids.easeOff.showEasedOff(step, session);
  showLastTime(step, session);
  aids.lastSets.carryLoad(step, session);
  aids.lastSets.showPainRising(step, session);
  if (note) showAcceptablePain(step, note.acceptable);
  const caution = cautionFor(step, session);
  if (caution) showCaution(step, caution, Boolean(session.goneOn[step.dataset.exerciseNo]));
}

/** The countdown `step` starts with: the one saved for it (a resumed session), or its
 * wait before the set; none for a step held by a caution until "Do it anyway". */
function countdownOf(step) {
  if (step.classList.contains("held")) return null;
  const { session } = current;
  const saved = session.timer && session.timer.step === Number(step.dataset.index) ? session.timer : null;
  return saved || waitTimer(step);
}

/** After a step is on the page: what is said aloud, its countdown (drawn in already,
 * counted from now: its ticks and "go" keep the beat of the moment the step came; one
 * that ended meanwhile says "go" after the step's start), then, once it is on screen,
 * the scroll under the header and focus for screen readers (`settleAfterFrame`). */
function onStepShown(step) {
  const { session } = current;
  if (step.classList.contains("held")) {
    sayCaution(step);
  } else {
    sayStepStart(step);
    const timer = countdownOf(step);
    if (timer) {
      if (timer !== session.timer) keepTimer(timer);
      startTimer(timer);
    }
  }
  settleAfterFrame(step);
}

/** Once the step is on screen: scrolled to just below the header, and focused (a screen
 * reader reads it out). Both read the page's layout, which a slow phone would otherwise
 * work out in the tap, before it draws the step, and again for the frame; after the
 * frame it is already laid out (docs/performance.md, issue 27). From one set to the next
 * the step stays where it is, so nothing moves; after a scroll down the page, the new
 * step comes up a frame after it is drawn. */
function settleAfterFrame(step) {
  const index = step.dataset.index;
  afterNextFrame(() => {
    if (stepElement() !== step || step.dataset.index !== index || !current.session) return;
    bringStepIntoView(aids.floor.topOfStep(step, current.session));
    step.focus({ preventScroll: true });
  });
}

const heard = { secondsLeft: sayCountdown, ended: timerEnded };

function startTimer(timer) {
  runTimer(timer, keepTimer, heard);
}

/** A countdown or a hold ended on the step on screen: say so, and on the floor a
 * hold starts by itself once its countdown is over. */
function timerEnded(timer) {
  const step = stepElement();
  if (!step || !current.session) return;
  if (timer.kind === "hold") return sayHoldDone(step);
  sayGo(step);
  if (aids.floor.floorOn(current.session) && step.dataset.hold) startHold();
}

function startHold() {
  const timer = holdTimer();
  keepTimer(timer);
  startTimer(timer);
}

function keepTimer(timer) {
  if (!current.session) return;
  current.session.timer = timer;
  keepSession();
}

/** "Log set": the set and the session that counts it are written in one transaction, and
 * the next step (or the pain stop) is drawn in the same task as the tap, without
 * waiting for the write. Each step is logged once per tap: its form leaves the page as
 * its set is logged (after the last set, the session is finishing). */
async function logSet(form) {
  if (!current.session) return;
  // A set is still being written (a tap within a few milliseconds of the last): this
  // one goes after it, and only if its step is still the one on screen.
  await setsSaved();
  const step = form.closest("#step");
  if (!current.session || current.finishing || !step || step !== stepElement()) return;
  const { session } = current;
  // Pain not answered: asked once (on the floor, the large question), never assumed.
  if (!painAnswered(form) && !form.dataset.painAsked) {
    if (aids.floor.floorOn(session)) {
      form.dataset.painAsked = "yes";
      aids.floor.askFloorPain(step);
      sayPainQuestion(step);
    } else {
      askForPain(form);
    }
    return;
  }
  const error = form.querySelector("[data-log-error]");
  let data;
  try {
    data = readLogForm(form, step, session);
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    return;
  }
  quiet();
  const index = Number(step.dataset.index);
  const entry = { index, ...data };
  session.logged.push(entry);
  session.timer = null;
  const response = aids.pain.painResponse(data);
  if (!response.stop) {
    session.position = index + 1;
    saveSet(session, data, (problem) => notSaved(session, entry, problem));
    showStep(index + 1, response.acceptable ? response : null);
    return;
  }
  // A stop is a fact from this moment: logged with its set and the session that remembers
  // it, in one write. A resume shows its card, or goes on past the exercise. Sharp pain
  // decides over the number tapped with it (pain.js `painResponse`).
  const stop = stopOf(step, data, response.stop);
  session.stops.push(stop);
  session.position = nextExercise(index);
  const stopped = { type: "exercise.stopped", data: stopEvent(stop) };
  saveSet(session, data, (problem) => notSaved(session, entry, problem, stop), [stopped]);
  showPainStop(stop);
}

/** The set's write failed (the phone's storage full or broken): nothing of it is on the
 * device, nor its stop. Back to that set, filled in as the runner had it, saying so. */
function notSaved(session, entry, problem, stop = null) {
  if (current.session !== session) return;
  session.logged = session.logged.filter((set) => set !== entry);
  session.stops = session.stops.filter((one) => one !== stop);
  showStep(entry.index);
  const step = stepElement();
  if (step && Number(step.dataset.index) === entry.index) showNotSaved(step.querySelector("[data-log-form]"), entry, problem);
}

/* ---------- a pain stop: the exercise ends here today ---------- */

function showPainStop(stop) {
  const card = painStopCard(stop, current.session);
  stopTimer();
  showProgress(playerPage(), (stop.index + 1) / current.unit.steps.length);
  document.getElementById("player").replaceChildren(card);
  card.focus();
}

/** The runner's way on from the stop card. The stop is logged already (with its set):
 * the choice moves the session, and nothing more is logged for it. */
async function choose(button) {
  if (!(await setsSaved())) return; // the player went back to the set: it wasn't saved
  const { session } = current;
  const stop = session && unansweredStop(session);
  if (!stop || Number(button.closest("[data-pain-stop]").dataset.stopIndex) !== stop.index) return;
  const choice = button.dataset.stopChoice;
  stop.chosen = true;
  if (choice === "easier" && stop.reason === "pain") {
    session.eased[stop.exerciseNo] = stop.level - 1;
    showStep(stop.index + 1);
  } else if (choice === "finish") {
    finishSession();
  } else {
    showStep(nextExercise(stop.index));
  }
}

/** A step flagged after a stop: "Do it anyway" shows it whole, for the rest of that
 * exercise; skipping goes on to the next exercise. */
function answerCaution(goOn) {
  const { session } = current;
  const step = stepElement();
  if (!step) return;
  const index = Number(step.dataset.index);
  if (!goOn) return showStep(nextExercise(index));
  session.goneOn[step.dataset.exerciseNo] = true;
  showStep(index);
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
  if (current.finishing) return;
  current.finishing = true;
  // The last set is written first; if it can't be, the player is back on it instead.
  const saved = await setsSaved();
  const session = saved && (current.session || (await outbox.loadSession(user)));
  if (!session) {
    current.finishing = false;
    return;
  }
  stopTimer();
  quiet();
  await logEvent("session.finished", session.session, {});
  await rememberForTomorrow(session.session);
  current.session = null; // no save of the session may follow its clearing
  await outbox.clearSession(user);
  letScreenSleep();
  showSummary(session, Date.now());
}

/* ---------- the player's buttons (one listener in main.js routes clicks here) ---------- */

export function onPlayerClick(target, event) {
  if (target.matches("[data-log-set]")) {
    // Logged from the tap itself, not from the form's submit event the tap would set
    // off: a slow phone shows the next step sooner. Enter in a field still submits
    // (onPlayerSubmit). The second tap of a double tap would land on the next step's
    // "Log set", drawn under the thumb by the first: it logs nothing (the browser counts
    // the taps).
    event.preventDefault();
    if (event.detail <= 1 && target.form) logSet(target.form);
    return true;
  }
  if (target.matches("[data-start-session]")) {
    startSession(target);
  } else if (target.matches("[data-end-kept-session]")) {
    finishSession(); // a kept session its check said not to go on with (start-check.js)
  } else if (!current.session) {
    return false;
  } else if (target.matches("[data-step-skip]")) {
    showStep(current.session.position + 1);
  } else if (target.matches("[data-step-back]")) {
    showStep(current.session.position - 1, null, -1);
  } else if (target.matches("[data-caution-skip]")) {
    answerCaution(false);
  } else if (target.matches("[data-caution-go]")) {
    answerCaution(true);
  } else if (target.matches("[data-step-retry]")) {
    showStep(current.session.position);
  } else if (target.matches("[data-finish]")) {
    finishSession();
  } else if (target.matches("[data-stop-choice]")) {
    choose(target);
  } else if (target.matches("[data-ease-off-now]")) {
    aids.easeOff.takeEaseOff(target, current.session);
    keepSession();
  } else if (target.matches("[data-floor-pain-answer], [data-floor-pain-value]")) {
    // The question comes up under the thumb of the big tap: the second tap of a double
    // tap is no answer.
    if (event.detail > 1) return true;
    const step = stepElement();
    if (step && aids.floor.answerFloorPain(target, step)) logSet(step.querySelector("[data-log-form]"));
  } else if (target.matches("[data-hold-start]")) {
    startHold();
  } else if (target.matches("[data-floor-toggle]")) {
    toggleFloor();
  } else if (target.matches("[data-timer-skip]")) {
    skipTimer(current.session.timer);
    keepTimer(null);
  } else {
    return false;
  }
  return true;
}

/** A tap that isn't on a button: in floor mode, the big tap anywhere on the step. */
export function onPlayerTap(event) {
  if (!current.session || !aids.floor.isBigTap(event, current.session)) return false;
  if (event.detail > 1) return true; // a double tap is one tap: it logs one set at most
  const step = stepElement();
  if (step.classList.contains("held")) return true; // flagged: only its buttons go on
  if (aids.floor.askingFloorPain(step)) return true; // the question's own buttons answer it
  if (aids.floor.bigTapAction(step, current.session) === "start-hold") {
    startHold();
  } else {
    if (current.session.timer && current.session.timer.kind === "hold") skipTimer(current.session.timer);
    logSet(step.querySelector("[data-log-form]"));
  }
  return true;
}

export function onPlayerChange(input) {
  if (current.session && input.matches("input[name=pain], input[name=sharp]")) {
    painGiven(input.form);
    return true;
  }
  if (!current.session || !input.matches("[data-voice-toggle]")) return false;
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
  if (current.session) keepScreenOn();
}
