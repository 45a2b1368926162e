/* A pain stop: pain above 5 in a set, or a note that says sharp pain, ends that exercise
 * for today (docs/content-rules.md, rule 1 and the safety text). The card says why in one line with
 * the safety advice and offers the easier variant, a skip to the next exercise, or the
 * end of the session; the choice is logged as an `exercise.stopped` event. */

import { exerciseNo } from "./log-form.js";
import { fromTemplate } from "./page.js";

/** The card for a stop after `set` on `step`, carrying what the choice will log. */
export function painStopCard(step, set, reason, run) {
  const card = fromTemplate("pain-stop");
  card.querySelector(`[data-reason="${reason}"]`).hidden = false;
  card.querySelector("[data-stop-pain]").textContent = String(set.pain);
  card.querySelector("[data-stop-exercise]").textContent = step.dataset.exerciseName;
  const easier = card.querySelector("[data-stop-easier]");
  if (step.dataset.easier && !(exerciseNo(step) in run.eased)) {
    easier.querySelector("[data-easier-name]").textContent = step.dataset.easier;
  } else {
    easier.remove(); // at the easiest rung, or already on it: skipping is the way on
  }
  Object.assign(card.dataset, {
    index: step.dataset.index,
    exerciseNo: step.dataset.exerciseNo,
    exercise: set.exercise,
    set: String(set.set),
    side: set.side || "",
    reason,
    pain: set.pain === null ? "" : String(set.pain),
    level: String(set.level),
  });
  return card;
}

/** What the runner chose on the card: the `exercise.stopped` data to log, and where
 * the session goes on ("easier", "skip" or "finish"). */
export function stopChoice(button) {
  const stop = button.closest("[data-pain-stop]").dataset;
  const choice = button.dataset.stopChoice;
  return {
    choice,
    index: Number(stop.index),
    exerciseNo: stop.exerciseNo,
    easierLevel: Number(stop.level) - 1,
    event: {
      exercise: stop.exercise,
      set: Number(stop.set),
      side: stop.side || null,
      reason: stop.reason,
      pain: stop.pain === "" ? null : Number(stop.pain),
      // Finishing the session there skips the rest of the exercise too.
      choice: choice === "finish" ? "skip" : choice,
    },
  };
}
