/* Running: a run logged by hand or filled in from a watch file. It goes to the outbox
 * first (`run.logged`), so it works with no signal, and the phone remembers it for the
 * one next-morning question on home (morning.js); reading a watch file needs the
 * server, which stores nothing and answers the run's fields and its id
 * (docs/sync-protocol.md).
 *
 * A file reaches the form three ways: picked here, shared from another app (the
 * manifest's share_target: the service worker keeps the shared file in the
 * `runpt-shared` cache and opens this page with ?shared=1, so a share with no signal
 * waits on the phone until it can be read), or opened with runpt from the desktop
 * (file_handlers, read here through `launchQueue`). */

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
  if (upload) takeSharedFile(upload.form);
  if (upload && "launchQueue" in window) {
    window.launchQueue.setConsumer(async (params) => {
      const [handle] = params.files || [];
      if (handle) await importBlob(upload.form, await handle.getFile());
    });
  }
  const shared = root.querySelector("[data-shared-run]");
  if (shared) fillRun(root.querySelector("[data-run-form]"), JSON.parse(shared.dataset.sharedRun), status(upload.form));
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
  const longAgo = form.querySelector("[data-long-ago]");
  if (longAgo && !longAgo.hidden && !field(form, "long_ago_ok").checked) {
    problem(form, "This run is from long ago: tick the box to log it anyway, or choose another file.");
    return;
  }
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
  askAboutLongAgo(form, null);
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

function status(importForm) {
  return importForm.querySelector("[data-import-status]");
}

async function importFile(input) {
  const file = input.files[0];
  if (file) await importBlob(input.form, file);
}

/** Sends one file to be read; the run's fields land on the run form. Answers whether
 * the server answered (false: no connection, the file can be tried again). */
async function importBlob(importForm, file, name = file.name) {
  const shown = status(importForm);
  shown.textContent = "Reading the file…";
  const body = new FormData();
  body.append("file", file, name);
  let answer;
  try {
    const response = await fetch(importForm.action, { method: "POST", body, credentials: "same-origin" });
    answer = await response.json();
  } catch {
    shown.textContent = "Importing needs a connection. Log the run by hand meanwhile, or try again with signal.";
    return false;
  }
  if (answer.error || !answer.run) {
    shown.textContent = answer.error || "runpt couldn't read that file.";
    return true;
  }
  fillRun(document.querySelector("[data-run-form]"), answer.run, shown);
  return true;
}

const SHARED_CACHE = "runpt-shared";
const SHARED_FILE = "/running/shared-file";

/** A file shared to runpt (the service worker kept it): read it now, or, with no
 * signal, as soon as the phone is back online. It stays kept until the server read it. */
async function takeSharedFile(importForm) {
  if (!new URLSearchParams(window.location.search).has("shared") || !("caches" in window)) return;
  const cache = await caches.open(SHARED_CACHE);
  const kept = await cache.match(SHARED_FILE);
  if (!kept) return;
  const name = decodeURIComponent(kept.headers.get("X-Runpt-Filename") || "shared.fit");
  const read = await importBlob(importForm, await kept.blob(), name);
  if (read) {
    await cache.delete(SHARED_FILE);
    return;
  }
  status(importForm).textContent =
    `${name} is kept on this phone. runpt reads it as soon as you have signal; meanwhile you can log the run by hand.`;
  window.addEventListener("online", () => takeSharedFile(importForm), { once: true });
}

function longAgoText(run) {
  const day = new Date(run.start).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  return `Yes, log this run from ${day} (${run.days_ago} days ago)`;
}

/** A run far in the past (the server says how far: `days_ago`) is logged only once
 * the runner ticks that they mean it: a wrong file or a watch reset to its factory
 * date would otherwise land in this week's plan and load. */
function askAboutLongAgo(form, run) {
  const ask = form.querySelector("[data-long-ago]");
  if (!ask) return;
  ask.hidden = !(run && run.days_ago);
  field(form, "long_ago_ok").checked = false;
  if (run && run.days_ago) ask.querySelector("[data-long-ago-text]").textContent = longAgoText(run);
}

function fillRun(form, run, status) {
  const { date, time } = localParts(run.start);
  field(form, "date").value = date;
  field(form, "time").value = time;
  field(form, "minutes").value = (run.duration_s / 60).toFixed(2);
  field(form, "km").value = run.distance_m === null ? "" : (run.distance_m / 1000).toFixed(2);
  field(form, "session").value = run.session;
  field(form, "source").value = run.source;
  askAboutLongAgo(form, run);
  const replacing = run.replaces ? " It replaces the run you logged at that time." : "";
  const note = run.note ? ` ${run.note}` : "";
  const old = run.days_ago ? ` It is from ${run.days_ago} days ago: tick the box to log it.` : "";
  status.textContent = `Read ${Math.round(run.duration_s / 60)} min from the file.${replacing}${note}${old} Add effort and pain, then Log run.`;
  field(form, "effort").focus();
}
