/* Running: a run logged by hand or filled in from a watch file. It goes to the outbox
 * first (`run.logged`), so it works with no signal, and the phone remembers it for the
 * one next-morning question on home (morning.js); reading a watch file needs the server, which stores nothing
 * and answers the run's fields and its id (docs/sync-protocol.md). */

import { logEvent } from "./log.js";
import { rememberForTomorrow } from "./morning.js";
import { outbox } from "./page.js";

export function start(root) {
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-run-form]")) {
      event.preventDefault();
      logRun(form);
    }
  });
  const upload = root.querySelector("[data-run-import] input[type=file]");
  if (upload) upload.addEventListener("change", () => importFile(upload));
  // A page kept on the phone may be days old: the run is today, by this phone's clock.
  root.querySelectorAll("[data-run-form]").forEach(fillNow);
  root.dataset.ready = "yes"; // tests (and styles) can tell the page is live
}

function fillNow(form) {
  const { date, time } = localParts(new Date().toISOString());
  field(form, "date").value = date;
  field(form, "time").value = time;
}

const busy = new WeakSet(); // forms being saved: a second tap logs nothing

function problem(form, message) {
  const error = form.querySelector("[data-run-error]");
  error.textContent = message;
  error.hidden = !message;
}

function field(form, name) {
  return form.querySelector(`[name=${name}]`);
}

function chosen(form, name) {
  const value = field(form, name).value;
  return value === "" ? null : Number(value);
}

/** The device's own offset, as ISO 8601 wants it: +01:00. */
function offsetText(date) {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

function startOf(form) {
  const local = new Date(`${field(form, "date").value}T${field(form, "time").value}`);
  if (Number.isNaN(local.getTime())) throw new Error("Give the day and time the run began.");
  return `${field(form, "date").value}T${field(form, "time").value}:00${offsetText(local)}`;
}

/** The run as the event carries it; the inputs' limits are the server's (markup). */
function readRun(form) {
  for (const name of ["minutes", "km"]) {
    const input = field(form, name);
    if (!input.validity.valid) throw new Error(`${input.labels[0].textContent}: from ${input.min} to ${input.max}.`);
  }
  const km = field(form, "km").value;
  const note = field(form, "note").value.trim();
  return {
    start: startOf(form),
    duration_s: Math.max(1, Math.round(Number(field(form, "minutes").value) * 60)),
    distance_m: km === "" ? null : Math.round(Number(km) * 1000),
    effort: chosen(form, "effort"),
    pain: chosen(form, "pain"),
    stage: chosen(form, "stage"),
    // The hop check is on the form only before the first run-walk, for shin, foot and Achilles pain.
    hop_pain: field(form, "hop_pain") ? chosen(form, "hop_pain") : null,
    source: field(form, "source").value || "hand",
    note: note || null,
  };
}

async function logRun(form) {
  if (busy.has(form)) return;
  let data;
  try {
    data = readRun(form);
  } catch (error) {
    problem(form, error.message);
    return;
  }
  problem(form, "");
  busy.add(form);
  try {
    // An imported run keeps the id the server gave its file; a run by hand gets its own.
    const session = field(form, "session").value || outbox.newId();
    await logEvent("run.logged", session, data);
    // Asked about on the morning after the day it was run (a run logged late isn't).
    await rememberForTomorrow(session, "run", field(form, "date").value);
  } finally {
    busy.delete(form);
  }
  form.querySelector("[data-run-saved]").textContent =
    "Run saved on this phone. It syncs when you have signal; the plan and your load update then.";
  for (const name of ["minutes", "km", "note", "session"]) field(form, name).value = "";
  field(form, "source").value = "hand";
  fillNow(form);
}

/* ---------- a watch file ---------- */

function localParts(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return {
    date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

async function importFile(input) {
  const status = input.form.querySelector("[data-import-status]");
  const file = input.files[0];
  if (!file) return;
  status.textContent = "Reading the file…";
  let answer;
  try {
    const response = await fetch(input.form.action, {
      method: "POST", body: new FormData(input.form), credentials: "same-origin",
    });
    answer = await response.json();
  } catch {
    status.textContent = "Importing needs a connection. Log the run by hand meanwhile, or try again with signal.";
    return;
  }
  if (answer.error || !answer.run) {
    status.textContent = answer.error || "runpt couldn't read that file.";
    return;
  }
  fillRun(document.querySelector("[data-run-form]"), answer.run, status);
}

function fillRun(form, run, status) {
  const { date, time } = localParts(run.start);
  field(form, "date").value = date;
  field(form, "time").value = time;
  field(form, "minutes").value = (run.duration_s / 60).toFixed(2);
  field(form, "km").value = run.distance_m === null ? "" : (run.distance_m / 1000).toFixed(2);
  field(form, "session").value = run.session;
  field(form, "source").value = run.source;
  const replacing = run.replaces ? " It replaces the run you logged at that time." : "";
  status.textContent = `Read ${Math.round(run.duration_s / 60)} min from the file.${replacing} Add effort and pain, then Log run.`;
  field(form, "effort").focus();
}
