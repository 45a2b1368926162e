/* What a step carries from the sets before it in this session: the load (or last
 * time's), filled in for the runner to change, and a word when pain is rising within
 * the exercise. Never the pain itself. Loaded when a session plays (player.js). */

/** How much rise is "rising": the server's rule (runpt/pain.py RISING_BY). */
function risingStep() {
  return Number(document.getElementById("pain-rules").dataset.risingBy || 2);
}

function setsOfThisExercise(step, session) {
  return session.logged.filter((set) => set.exercise === step.dataset.exercise);
}

/** Worsening pain within an exercise: the pains logged in it so far, in order, with
 * the latest one at least `risingBy` above the lowest before it (2, then 4). Pain not
 * given (null) says nothing either way. */
export function painRising(pains, risingBy = risingStep()) {
  const given = pains.filter((pain) => pain !== null && pain !== undefined);
  if (given.length < 2) return false;
  const latest = given.at(-1);
  return latest - Math.min(...given.slice(0, -1)) >= risingBy;
}

/** Pain climbing within the exercise (2, then 4): the next steps of it say to keep it
 * easy. A line, not a stop. */
export function showPainRising(step, session) {
  const line = step.querySelector("[data-pain-rising]");
  if (line) line.hidden = !painRising(setsOfThisExercise(step, session).map((set) => set.pain));
}

/** The load a set starts from, in the runner's unit: the last set of this exercise in
 * this session that had one, else the heaviest of last time. Filled in, with where it
 * came from, for the runner to change; a load logged under "More" unfolds it. */
export function carryLoad(step, session) {
  const field = step.querySelector("input[name=load]");
  if (!field || field.value !== "") return;
  const previous = setsOfThisExercise(step, session).filter((set) => set.load_kg !== null && set.load_kg !== undefined).at(-1);
  const shownLast = [...step.querySelectorAll("[data-last-session]")].find((entry) => !entry.hidden);
  let value = null;
  let from = "";
  if (previous) {
    value = Math.round((previous.load_kg / Number(field.dataset.kgPerUnit)) * 10) / 10;
    from = "as your last set";
  } else if (shownLast && shownLast.dataset.lastLoad) {
    value = Number(shownLast.dataset.lastLoad);
    from = "as last time";
  }
  if (value === null) return;
  field.value = String(value);
  const hint = step.querySelector("[data-load-from]");
  if (hint) {
    hint.textContent = from;
    hint.hidden = false;
  }
  const folded = field.closest("details");
  if (folded) folded.open = true;
}
