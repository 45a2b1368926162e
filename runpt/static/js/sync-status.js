/* Sync: the moments the outbox is sent, and the state a runner always sees ("3 logs
 * waiting", "Synced 2 min ago", what needs attention, how old a page's data is). */

import { minutesAgo, outbox, plural, syncUrl, user } from "./page.js";
import { reportWaitingLogs } from "./waiting-report.js";

export function syncNow() {
  if (!user) return Promise.resolve();
  const synced = outbox.flush(user, syncUrl).then((outcome) => {
    if (outcome === "sent") tellWorkerDataChanged();
    return showSyncStatus();
  }, showSyncStatus);
  // After the attempt, sent or not: a phone with reminders on says what still waits.
  synced.then(reportWaitingLogs).catch(() => {});
  return synced;
}

/** The server knows more than the pages on the phone show (logs sent, a form sent):
 * the service worker stops serving its copies as current until it checks again. */
export function tellWorkerDataChanged(kind = outbox.messages.dataChanged) {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (worker) worker.postMessage({ type: kind });
}

export async function showSyncStatus() {
  const bar = document.getElementById("sync-status");
  if (!bar || !user) return;
  const [pending, attention, lastSync, needsSignIn] = await Promise.all([
    outbox.waiting(user),
    outbox.needingAttention(user),
    outbox.getMeta(outbox.keys.lastSync(user)),
    outbox.getMeta(outbox.keys.needsSignIn(user)),
  ]);
  let text;
  if (pending.length) {
    text = `${plural(pending.length, "log", "logs")} waiting` +
      (navigator.onLine ? "" : " · offline, will sync when back online");
  } else if (lastSync) {
    text = `Synced ${minutesAgo(lastSync)}`;
  } else {
    text = "Nothing waiting to sync";
  }
  bar.querySelector("[data-sync-text]").textContent = text;
  bar.classList.toggle("waiting", pending.length > 0);
  const attentionLink = bar.querySelector("[data-attention]");
  attentionLink.hidden = attention.length === 0;
  attentionLink.textContent = `${plural(attention.length, "log needs", "logs need")} attention`;
  bar.hidden = false;
  const signIn = document.getElementById("signin-banner");
  if (signIn) signIn.hidden = !needsSignIn;
  showAttentionList(attention);
  showPendingSessions(pending);
}

/** Sync when the connection comes back or runpt comes into view. `onVisible` is told
 * at once (the player takes the wake lock again); `afterSync` once the sync has been
 * tried, so what follows it (checking the offline set) runs when the network is really
 * there, not the moment the phone says it may be. */
export function watchForSyncMoments(onVisible, afterSync) {
  const syncMoment = () => {
    onVisible();
    syncNow().then(afterSync, afterSync);
  };
  window.addEventListener("online", syncMoment);
  window.addEventListener("offline", showSyncStatus);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncMoment();
  });
  // Keep "Synced 2 min ago" true while the page stays open.
  setInterval(showSyncStatus, 30000);
}

/* ---------- past sessions: what waits and what was refused ---------- */

function showAttentionList(attention) {
  const list = document.querySelector("[data-attention-list]");
  if (!list) return;
  const items = list.querySelector("[data-attention-items]");
  items.replaceChildren(...attention.map((event) => {
    const item = document.createElement("li");
    const what = event.data && event.data.exercise ? `${event.data.exercise}, set ${event.data.set}` : event.type;
    item.textContent = `${what} (${event.at.slice(0, 16).replace("T", " ")}): ${event.error}`;
    return item;
  }));
  list.hidden = attention.length === 0;
}

/** Sessions this phone logged that the server hasn't seen yet, with their sets counted
 * as the server will count them: one per step, the latest log of a step winning. */
function showPendingSessions(pending) {
  const section = document.querySelector("[data-pending-sessions]");
  if (!section) return;
  const sessions = new Map();
  for (const event of pending) {
    const entry = sessions.get(event.session) || { steps: new Set(), at: event.at, name: "" };
    if (event.type === "set.logged") {
      const { exercise, set, side } = event.data;
      entry.steps.add(`${exercise}|${set}|${side || ""}`);
    }
    if (event.type === "session.started") entry.name = event.name || "";
    sessions.set(event.session, entry);
  }
  const rows = [...sessions.values()].filter((entry) => entry.steps.size || entry.name);
  section.querySelector("[data-pending-items]").replaceChildren(...rows.map((entry) => {
    const item = document.createElement("li");
    item.className = "session-row";
    item.textContent = `${entry.name || "Session"} · ${entry.at.slice(0, 16).replace("T", " ")} · ` +
      `${plural(entry.steps.size, "set", "sets")} waiting to sync`;
    return item;
  }));
  section.hidden = rows.length === 0;
}

/* ---------- history pages: how old the data on screen is ---------- */

export async function labelDataAge() {
  const label = document.querySelector("[data-as-of]");
  if (!label) return;
  const madeAt = new Date(label.dataset.asOf);
  const time = madeAt.toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  const waiting = user ? (await outbox.waiting(user)).length : 0;
  let text = `Data as of the last sync, ${time}.`;
  if (Date.now() - madeAt.getTime() > 5 * 60000) text += " This is the copy saved on your phone.";
  if (waiting) text += ` ${plural(waiting, "log", "logs")} on this phone aren't in it yet.`;
  label.textContent = text;
}
