/* "Ease off now": a step's suggestion to ease off, taken on the spot for the rest of
 * this session (the routine itself changes only when the runner accepts it on the
 * routine's page). The rung and dose swapped to are kept in the session (`easedOff`, by
 * exercise number), like the easier variant after a pain stop, so a resumed session
 * keeps them; every set of the exercise is then logged at that rung, with the reps or
 * seconds the runner did. */

function exerciseNo(step) {
  return Number(step.dataset.exerciseNo);
}

function easedOff(step, session) {
  return (session.easedOff || {})[exerciseNo(step)] || null;
}

/** The rung eased off to for this step's exercise, or null. */
export function easedOffLevel(step, session) {
  const eased = easedOff(step, session);
  return eased ? eased.level : null;
}

/** The runner tapped "Ease off now" on `step`: keep it in the session and show it. */
export function takeEaseOff(button, session) {
  const step = button.closest("#step");
  const data = button.dataset;
  session.easedOff = session.easedOff || {};
  session.easedOff[exerciseNo(step)] = {
    level: Number(data.level),
    sets: Number(data.sets),
    amount: Number(data.amount),
    text: data.text,
  };
  showEasedOff(step, session);
}

/** A step of an exercise eased off: says so, and holds the easier dose (its set count,
 * reps or seconds, and the hold's length). */
export function showEasedOff(step, session) {
  const eased = easedOff(step, session);
  if (!eased) return;
  const line = step.querySelector("[data-eased-off]");
  line.querySelector("[data-eased-off-text]").textContent = eased.text;
  line.hidden = false;
  const takeIt = step.querySelector("[data-ease-off-now]");
  if (takeIt) takeIt.closest("[data-suggestion]").hidden = true;
  const hold = Boolean(step.dataset.hold);
  const field = step.querySelector(hold ? "input[name=hold_s]" : "input[name=reps]");
  if (field) field.value = String(eased.amount);
  const setNo = Math.min(Number(step.dataset.set), eased.sets);
  const amount = hold ? `${eased.amount} s hold` : `${eased.amount} reps`;
  step.querySelector(".dose-now").textContent = `Set ${setNo} of ${eased.sets} · ${amount}`;
  if (hold) {
    step.dataset.hold = String(eased.amount);
    const start = step.querySelector("[data-hold-start]");
    if (start) start.textContent = `Start ${eased.amount} s hold`;
  }
}

/** Whether step `index` of the unit is a set beyond the eased-off dose's sets (4 sets
 * eased off to 3): the player passes it by. A unit kept from before it listed each
 * step's set passes none. */
export function beyondEasedSets(unit, session, index) {
  const setOf = unit.set_of_step;
  const eased = session.easedOff && setOf ? session.easedOff[unit.exercise_of_step[index]] : null;
  return Boolean(eased) && setOf[index] > eased.sets;
}
