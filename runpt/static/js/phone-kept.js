/* What runpt keeps on this phone, said where the runner can see it: Settings lists the
 * routines kept offline and their size, the logs waiting to sync and the answers kept
 * (`[data-phone-kept]`); home warns when logs have waited longer than a few days
 * (`[data-waiting-warning]`, the days from the server's rule in the markup). Both offer
 * the waiting logs as a JSON file, so a phone that never reaches runpt again loses
 * nothing the runner wants kept. */

import { outbox, plural, user } from "./page.js";

const DAY_MS = 86400000;

export async function start(root) {
  if (!user) return;
  root.addEventListener("click", (event) => {
    if (event.target.closest("[data-export-waiting]")) exportWaiting();
  });
  const kept = await outbox.keptFor(user);
  const waitedDays = kept.oldestQueued ? Math.floor((Date.now() - kept.oldestQueued) / DAY_MS) : 0;
  if (root.matches("[data-waiting-warning]")) {
    const tooLong = Number(root.dataset.days);
    root.hidden = !(kept.waiting && waitedDays > tooLong);
    root.querySelector("[data-waiting-text]").textContent =
      `${plural(kept.waiting, "log has", "logs have")} waited ${waitedDays} days to reach runpt.`;
  } else {
    await showKept(root, kept, waitedDays);
  }
  root.dataset.ready = "yes"; // tests can tell the numbers are in
}

function megabytes(bytes) {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

async function showKept(root, kept, waitedDays) {
  const offline = (await outbox.getMeta(outbox.keys.offline(user))) || { routines: {} };
  const checks = (await outbox.getMeta(outbox.keys.startChecks(user))) || {};
  const mornings = (await outbox.getMeta(outbox.keys.morningAsked(user))) || [];
  const routines = Object.keys(offline.routines || {}).length;
  root.querySelector("[data-kept-routines]").textContent =
    `${plural(routines, "routine", "routines")} kept for use with no signal` +
    (offline.bytes ? `, ${megabytes(offline.bytes)}` : "");
  root.querySelector("[data-kept-waiting]").textContent = kept.waiting
    ? `${plural(kept.waiting, "log", "logs")} waiting to sync, the oldest from ${waitedDays ? plural(waitedDays, "day", "days") + " ago" : "today"}`
    : "No logs waiting to sync";
  root.querySelector("[data-kept-answers]").textContent =
    `Your answers to the checks before set 1 for ${plural(Object.keys(checks).length, "routine", "routines")}, ` +
    `and ${plural(mornings.length, "next-morning question", "next-morning questions")} already asked`;
  root.querySelector("[data-export-waiting]").hidden = kept.waiting === 0;
}

/** The phone's waiting logs as a JSON file: the events as they will be sent. */
async function exportWaiting() {
  const events = (await outbox.waiting(user)).map(({ id, type, at, session, data }) => ({ id, type, at, session, data }));
  const file = new Blob([JSON.stringify({ waiting: events }, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file);
  link.download = `runpt-waiting-logs-${outbox.localTimestamp().slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
