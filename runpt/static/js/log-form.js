/* A step's log form: reading what the runner entered within the form's own limits, and
 * what the step shows from the run so far (the easier variant after a pain stop, the
 * previous set's pain offered and marked, a note on acceptable pain). */

export function exerciseNo(step) {
  return Number(step.dataset.exerciseNo);
}

/** After a pain stop, the rest of the exercise is its easier variant: say so. */
export function showEasierVariant(step, run) {
  if (!(exerciseNo(step) in run.eased)) return;
  const line = step.querySelector("[data-eased]");
  line.querySelector("[data-eased-name]").textContent = step.dataset.easier;
  line.hidden = false;
}

/** A later set offers the previous set's pain, marked, for the runner to change;
 * the first set of an exercise offers none (pain is never invented). */
export function carryLastPain(step, run) {
  const previous = run.logged.filter((set) => set.exercise === step.dataset.exercise).at(-1);
  if (!previous || previous.pain === null || previous.pain === undefined) return;
  const choice = step.querySelector(`input[name=pain][value="${previous.pain}"]`);
  if (!choice) return;
  choice.checked = true;
  choice.closest("label").classList.add("carried");
  step.querySelector("[data-pain-carried]").hidden = false;
}

export function showAcceptablePain(step, pain) {
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

/** The set.logged data of the form, or an Error whose message says what to fix. */
export function readLogForm(form, step, run) {
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
  const eased = run.eased[exerciseNo(step)];
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
