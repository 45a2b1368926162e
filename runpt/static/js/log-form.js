/* A step's log form: reading what the runner entered within the form's own limits (a
 * load typed in the runner's unit, stored in kg), asking once for pain not given, and
 * what the step shows from the session so far (the easier variant after a pain stop, a
 * note on acceptable pain, "last time" from a session other than this one), and a set
 * the phone could not store, filled in again. Pain is never filled in: not from the
 * last set, not from last time (from-last-sets.js carries the load). */

import { fromTemplate } from "./page.js";

export function exerciseNo(step) {
  return Number(step.dataset.exerciseNo);
}

/** After a pain stop, the rest of the exercise is its easier variant: say so. */
export function showEasierVariant(step, session) {
  if (!(exerciseNo(step) in session.eased)) return;
  const line = step.querySelector("[data-eased]");
  line.querySelector("[data-eased-name]").textContent = step.dataset.easier;
  line.hidden = false;
}

/** Whether the runner answered the pain question: a number, or "Sharp pain". */
export function painAnswered(form) {
  return Boolean(form.querySelector("input[name=pain]:checked") || (form.elements.sharp && form.elements.sharp.checked));
}

/** "Log set" with no pain answered asks once, at the scale, and puts the focus there;
 * the next tap logs the set with pain not given. Returns false when it has asked
 * before on this step. */
export function askForPain(form) {
  if (form.dataset.painAsked) return false;
  form.dataset.painAsked = "yes";
  const ask = form.querySelector("[data-pain-ask]");
  ask.hidden = false;
  form.querySelector("[data-pain]").classList.add("asking");
  form.querySelector("input[name=pain]").focus({ preventScroll: true });
  return true;
}

/** Pain answered after the question: it has done its job. */
export function painGiven(form) {
  const ask = form.querySelector("[data-pain-ask]");
  if (ask) ask.hidden = true;
  const scale = form.querySelector("[data-pain]");
  if (scale) scale.classList.remove("asking");
}

/** "Last time" is the last session the exercise was done in, never this one: a step
 * kept on the phone may have been made while this session's first sets were synced,
 * so it names that session first and the one before second (runpt/log/reads.py). */
export function showLastTime(step, session) {
  const entries = [...step.querySelectorAll("[data-last-session]")];
  const shown = entries.find((entry) => entry.dataset.lastSession !== session.session);
  for (const entry of entries) entry.hidden = entry !== shown;
  const firstTime = step.querySelector("[data-first-time]");
  if (firstTime) firstTime.hidden = Boolean(shown);
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

/** The load typed, in kg as it is stored: the field is in the runner's unit and says
 * how many kg one of it is (the server's one conversion, runpt/runner/units.py). */
function readLoadKg(form) {
  const field = form.elements.load;
  if (!field || field.value === "") return null;
  const typed = Number(field.value);
  if (Number.isNaN(typed) || outOfRange(field)) {
    throw new Error(`Load: a number from ${field.min} to ${field.max} ${field.dataset.unit}.`);
  }
  return Math.round(typed * Number(field.dataset.kgPerUnit) * 1000) / 1000;
}

/** The set.logged data of the form, or an Error whose message says what to fix. */
export function readLogForm(form, step, session) {
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
  const load = readLoadKg(form);
  const note = (value("note") || "").trim();
  const eased = session.eased[exerciseNo(step)];
  return {
    exercise: step.dataset.exercise,
    set: Number(step.dataset.set),
    side: step.dataset.side || null,
    reps: whole("reps", "Reps"),
    hold_s: whole("hold_s", "Held seconds"),
    load_kg: load,
    rpe: whole("rpe", "Effort"),
    pain: whole("pain", "Pain"),
    sharp: Boolean(form.elements.sharp && form.elements.sharp.checked),
    note: note ? note.slice(0, 1000) : null,
    // The ladder rung done: the step's own, its easier variant after a pain stop, or
    // the one the runner eased off to for this session.
    level: eased ?? (session.easedOff || {})[exerciseNo(step)]?.level ?? Number(step.dataset.level || 0),
  };
}

/** A set the phone couldn't store: its form as the runner had filled it in, saying so. */
export function showNotSaved(form, set, problem) {
  refillLogForm(form, set);
  const message = fromTemplate("set-not-saved");
  const detail = String((problem && problem.message) || problem).replace(/\.$/, "");
  message.querySelector("[data-problem-detail]").textContent = detail;
  const error = form.querySelector("[data-log-error]");
  error.replaceChildren(message);
  error.hidden = false;
  error.scrollIntoView({ block: "center" }); // by the Log set bar, not below the fold
}

function refillLogForm(form, set) {
  const put = (name, value) => {
    const field = form.elements[name];
    if (field && value !== null && value !== undefined) field.value = String(value);
  };
  put("reps", set.reps);
  put("hold_s", set.hold_s);
  put("rpe", set.rpe);
  put("note", set.note);
  const load = form.elements.load;
  if (load && set.load_kg !== null && set.load_kg !== undefined) {
    load.value = String(Math.round((set.load_kg / Number(load.dataset.kgPerUnit)) * 10) / 10);
  }
  const pain = set.pain === null ? null : form.querySelector(`input[name=pain][value="${set.pain}"]`);
  if (pain) pain.checked = true;
  if (form.elements.sharp) form.elements.sharp.checked = Boolean(set.sharp);
  // The runner answered (or passed) the pain question for this set already.
  if (set.pain === null && !set.sharp) form.dataset.painAsked = "yes";
}
