/* Starting a session and resuming one. A routine is loaded whole (its unit) before
 * anything is logged, so no step ever waits for a network that isn't there and a routine
 * that isn't whole on the phone can't be started offline; a session kept on the phone
 * goes on where it was after the app was killed. */

import { showCueSetting } from "./cues.js";
import { logEvent } from "./log.js";
import { outbox, user } from "./page.js";
import { offerEndingKept, showStartChecks, startCheck } from "./start-check.js";

function playerPage() {
  return document.getElementById("player-page");
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

/** Start a session of the routine `button` names, once its red flags and triage are
 * answered (start-check.js) and its unit is in hand; `play` plays it when this page is
 * its player (else the player page opens and resumes it). `tapped`: the runner tapped
 * Start (not ?start=1 on loading the player). */
export async function startSession(button, play, tapped = true) {
  const check = await startCheck(button, tapped);
  if (check === "shown") return;
  if (check === "on-player") {
    // Its red flags first, on the player's start card: a page the phone holds with the
    // routine's unit, so a routine not kept offline is said so here, as below.
    if (await unitOrProblem(button)) location.assign(button.dataset.href);
    return;
  }
  if (button.dataset.resumeSession) {
    // A session kept from before its routine was checked: it goes on, once answered.
    delete button.dataset.resumeSession;
    resumeSession(play);
    return;
  }
  const existing = await outbox.loadSession(user);
  if (existing && !confirm(`“${existing.routineName}” is still in progress. Start a new session instead?`)) {
    return;
  }
  const unit = await unitOrProblem(button);
  if (!unit) return;
  const session = newSession(button, unit);
  await outbox.setMeta(outbox.keys.sessionUnit(user), unit);
  await outbox.saveSession(session);
  await logEvent("session.started", session.session,
    { routine: session.routine, planned_sets: unit.strength_steps }, { name: session.routineName });
  const player = playerPage();
  if (player && Number(player.dataset.routineId) === session.routineId) {
    play(session, unit);
  } else {
    location.assign(session.playerUrl);
  }
}

/** The routine's unit; null when neither the phone nor the server has it, said plainly
 * under Start, before anything is logged: never a session that stalls mid-way. */
async function unitOrProblem(button) {
  const problem = button.closest("form").parentElement.querySelector("[data-start-problem]");
  if (problem) problem.hidden = true;
  button.disabled = true;
  const unit = await loadUnit(button);
  button.disabled = false;
  if (!unit && problem) problem.hidden = false;
  return unit;
}

function newSession(button, unit) {
  return {
    user,
    session: outbox.newId(),
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
    // Spoken cues: set from the player page (the runner's setting) when it plays.
    voice: undefined,
    floor: false,
  };
}

export async function offerResume() {
  const card = document.querySelector("[data-resume]");
  if (!card || !user) return;
  const session = await outbox.loadSession(user);
  if (!session) return;
  card.querySelector("[data-resume-name]").textContent = session.routineName;
  card.querySelector("[data-resume-link]").href = session.playerUrl;
  card.hidden = false;
}

/** On the player page: a session of this routine on the device goes on where it was; with
 * none, ?start=1 (a Start tapped before that page's scripts ran) starts one. */
export async function resumeSession(play) {
  const player = playerPage();
  if (!player || !user) return;
  showCueSetting();
  await showStartChecks();
  const session = await outbox.loadSession(user);
  const startAsked = new URLSearchParams(location.search).has("start");
  if (startAsked) history.replaceState(null, "", location.pathname);
  const button = player.querySelector("[data-start-session]");
  if (!session || session.routineId !== Number(player.dataset.routineId)) {
    if (startAsked && !session) startSession(button, play, false);
    return;
  }
  if ((await startCheck(button, false)) !== "answered") {
    // A session started before its routine's red flags were asked (an older runpt): they
    // come first, then the session goes on where it was.
    button.dataset.resumeSession = "1";
    button.textContent = "Go on with the session";
    offerEndingKept(button);
    return;
  }
  const unit = (await outbox.getMeta(outbox.keys.sessionUnit(user))) || (await loadUnit(player));
  if (!unit) return;
  play(session, unit);
}
