/* A pain stop: pain above 5 in a set, or sharp pain, ends that exercise for the session
 * (docs/content-rules.md, rule 1, and the safety text). It is a fact from the moment it
 * happens: the player logs the `exercise.stopped` event with the set that caused it and
 * the session that remembers it (one write, log.js `logWithSession`), so closing the app on the
 * card loses nothing and a resume never brings the stopped set back.
 *
 * After sharp pain there is no going on with the exercise or its easier variant: the
 * card offers the next exercise or the end of the session. After pain above 5 the easier
 * variant is offered only if pain is back to 5 or less. The exercises after it that load
 * an area where the pain was felt are flagged, and skipping them is the first choice
 * (`cautionFor`). What the runner picks on the card only moves the session on: the stop
 * is already logged, once. */

import { fromTemplate } from "./page.js";

const words = (text) => (text || "").split(" ").filter(Boolean);

/** The stop as the session keeps it: where it happened, why, and what the card needs. */
export function stopOf(step, set, reason) {
  return {
    index: Number(step.dataset.index),
    exerciseNo: Number(step.dataset.exerciseNo),
    exercise: set.exercise,
    name: step.dataset.exerciseName,
    set: set.set,
    side: set.side || null,
    reason,
    pain: set.pain ?? null,
    level: set.level,
    easier: step.dataset.easier || "",
    areas: words(step.dataset.painAreas),
    // Whether the runner has picked a way on from the card: until then, a resume shows
    // the card again.
    chosen: false,
  };
}

/** The `exercise.stopped` event's data (runpt/log/validation.py). */
export function stopEvent(stop) {
  return { exercise: stop.exercise, set: stop.set, side: stop.side, reason: stop.reason, pain: stop.pain };
}

/** The stop the runner hasn't answered yet, if any: a resume lands on its card. */
export function unansweredStop(session) {
  return session.stops.find((stop) => !stop.chosen) || null;
}

function areaWords(areas) {
  if (areas.length < 2) return areas.join("");
  return `${areas.slice(0, -1).join(", ")} and ${areas.at(-1)}`;
}

/** The card for `stop`. The easier variant is offered after pain above 5 only, once
 * per exercise, and only where there is one. */
export function painStopCard(stop, session) {
  const card = fromTemplate("pain-stop");
  card.querySelector(`[data-reason="${stop.reason}"]`).hidden = false;
  for (const pain of card.querySelectorAll("[data-stop-pain]")) pain.textContent = String(stop.pain ?? "");
  card.querySelector("[data-stop-exercise]").textContent = stop.name;
  const easier = card.querySelector("[data-stop-easier]");
  if (stop.reason === "pain" && stop.easier && !(stop.exerciseNo in session.eased)) {
    easier.querySelector("[data-easier-name]").textContent = stop.easier;
  } else {
    easier.remove(); // sharp pain, at the easiest rung, or already on it
  }
  const areas = card.querySelector("[data-stop-areas]");
  if (stop.areas.length) areas.querySelector("[data-stop-area]").textContent = areaWords(stop.areas);
  else areas.remove();
  card.dataset.stopIndex = String(stop.index);
  return card;
}

/** The first stop earlier in this session, of another exercise, that hurt an area this
 * step's exercise loads: the step is flagged, naming it. */
export function cautionFor(step, session) {
  const index = Number(step.dataset.index);
  const exerciseNo = Number(step.dataset.exerciseNo);
  const loads = words(step.dataset.loads);
  for (const stop of session.stops) {
    if (stop.index >= index || stop.exerciseNo === exerciseNo) continue;
    const shared = stop.areas.filter((area) => loads.includes(area));
    if (shared.length) return { stop, areas: shared };
  }
  return null;
}

/** Flag the step: the caution line, and until the runner chooses to do it anyway, the
 * step is held (its form and timer hidden, app.css) with skipping as the first choice. */
export function showCaution(step, caution, goneOn) {
  const box = step.querySelector("[data-caution]");
  if (!box) return;
  box.querySelector("[data-caution-area]").textContent = areaWords(caution.areas);
  box.querySelector("[data-caution-exercise]").textContent = caution.stop.name;
  box.querySelector("[data-caution-choices]").hidden = goneOn;
  box.hidden = false;
  step.classList.toggle("held", !goneOn);
}

/** Whether step `index` is closed by a stop: the stopped set and the sets before it
 * (done, or a fact), and after sharp pain every set of that exercise. Back and Skip
 * pass over closed steps, so nothing goes on with an exercise sharp pain ended. */
export function closedByStop(session, exerciseOf, index) {
  return session.stops.some(
    (stop) => exerciseOf[index] === exerciseOf[stop.index] && (index <= stop.index || stop.reason === "sharp-pain"),
  );
}

/** The stops of the session as the summary lists them, e.g. "Step-down, set 2, left
 * side: pain 7" (the session page says the same, runpt/templates/_macros.html). */
export function stopLine(stop) {
  const where = `${stop.name}, set ${stop.set}${stop.side ? `, ${stop.side} side` : ""}`;
  let why = `pain ${stop.pain}`;
  if (stop.reason === "sharp-pain") why = stop.pain === null ? "sharp pain" : `sharp pain, pain ${stop.pain}`;
  return `${where}: ${why}`;
}
