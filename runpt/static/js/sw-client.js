/* The page's side of the service worker: registration, updates that never interrupt a
 * session, the offline set (what is kept, which routines are ready), Background Sync,
 * and logging out or deleting an account with or without a signal. */

import { outbox, plural, user } from "./page.js";
import { showSyncStatus, tellWorkerDataChanged } from "./sync-status.js";

const { keys, messages } = outbox;

const LOGOUT_WAIT_MS = 4000;
let waitingWorker = null;
let updateRequested = false;

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const offerUpdate = (worker) => {
    waitingWorker = worker;
    const banner = document.getElementById("update-banner");
    if (banner) banner.hidden = false;
  };
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  // Reload only for an update the runner asked for: the very first worker also
  // changes the controller (clients.claim), and a reload then would wipe a half-typed form.
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!updateRequested) return;
    updateRequested = false;
    location.reload();
  });
  navigator.serviceWorker.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === messages.synced) showSyncStatus();
    if (message.type === messages.offlineReady) showWhatIsKept();
  });
  if (user) {
    await navigator.serviceWorker.ready;
    keepOfflineSet(registration);
  }
}

/** Take the update only when the runner asks; a session in progress resumes after the
 * reload from the device's own copy of the session. */
export function applyUpdate() {
  if (!waitingWorker) return;
  updateRequested = true;
  waitingWorker.postMessage({ type: messages.skipWaiting });
}

function keepOfflineSet(registration) {
  const worker = registration.active;
  if (worker) worker.postMessage({ type: messages.cacheRoutines, user });
}

/** At a sync moment (back online, runpt back in view): a routine changed on another
 * device replaces its copy. Not while a session runs: its logs change what steps show,
 * and the player has its own copy of the routine anyway. */
export async function refreshOfflineSetBetweenSessions() {
  if (user && !(await outbox.loadSession(user))) refreshOfflineSet();
}

/** A routine changed (edited, copied, a suggestion accepted): keep its new version now. */
export function refreshOfflineSet() {
  if (!user || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then(keepOfflineSet).catch(() => {});
}

/** The runner sent a form: the page that answers must be the server's, not a copy. */
export function expectFreshPage() {
  tellWorkerDataChanged(messages.expectFresh);
}

/** Where the browser has Background Sync (Chromium), the service worker sends what
 * waits as soon as there is a connection, even if runpt is closed by then. */
export function askForBackgroundSync() {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register("runpt-sync"))
    .catch(() => {});
}

function megabytes(bytes) {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** What the phone holds: "7 routines available offline · 1.2 MB", and on every routine
 * row or page, whether that routine can be started with no signal. */
export async function showWhatIsKept() {
  if (!user) return;
  const kept = (await outbox.getMeta(keys.offline(user))) || { routines: {} };
  const line = document.querySelector("[data-offline-summary]");
  const count = Object.keys(kept.routines).length;
  if (line && kept.bytes !== undefined) {
    line.textContent = `${plural(count, "routine", "routines")} available offline · ${megabytes(kept.bytes)} on this phone`;
    line.hidden = false;
  }
  addRowsOfKeptRoutines(kept);
  for (const badge of document.querySelectorAll("[data-offline-routine]")) {
    const ready = badge.dataset.offlineRoutine in kept.routines;
    badge.textContent = ready ? "Ready offline" : "Not on this phone yet";
    badge.classList.toggle("ready", ready);
    badge.hidden = false;
  }
}

/** A routine list kept on the phone from before a routine was made (a copy, an accepted
 * suggestion) still shows it: its row comes with the routine's own unit. */
function addRowsOfKeptRoutines(kept) {
  for (const list of document.querySelectorAll("[data-routine-list]")) {
    for (const [id, row] of Object.entries(kept.rows || {})) {
      if (list.querySelector(`[data-routine-row="${id}"]`)) continue;
      if (list.dataset.routineList === "own" && !row.own) continue;
      if (document.querySelector(`[data-routine-row="${id}"]`)) continue; // listed elsewhere
      const holder = document.createElement("template");
      holder.innerHTML = row.html; // the server's own escaped markup, as in any page
      list.append(holder.content);
      document.querySelector("[data-no-own-routines]")?.remove();
    }
  }
}

/* ---------- logging out and deleting: this phone forgets the runner's pages ---------- */

export async function forgetCachedPages(runner = user) {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  const registration = await navigator.serviceWorker.ready;
  await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    registration.active.postMessage({ type: messages.forgetUser, user: runner }, [channel.port2]);
    setTimeout(resolve, 1500);
  });
}

/** Log out: warn about logs that haven't synced (they stay and wait for sign-in), drop
 * this runner's pages, then end the sign-in on the server. With no signal, the phone
 * forgets the runner at once, shows a page that says what happened, and the server's
 * side follows at the next page the phone opens online. */
export async function logOut(form) {
  const pending = await outbox.waiting(user);
  const warning = `${plural(pending.length, "log has", "logs have")} not synced yet. ` +
    "They stay on this phone and sync when you log in again. Log out anyway?";
  if (pending.length && !confirm(warning)) return;
  await forgetCachedPages();
  // Every key of theirs goes (the worker's side too, above); their unsent logs stay.
  await outbox.forgetRunner(user, { keepLogs: true });
  await outbox.setMeta(keys.signedIn, null);
  try {
    const answer = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      signal: AbortSignal.timeout(LOGOUT_WAIT_MS),
    });
    if (answer.type !== "opaqueredirect" && !answer.ok) throw new Error(`logout answered ${answer.status}`);
    location.assign(form.dataset.after);
  } catch {
    await outbox.setMeta(keys.logOutLater(user), true);
    location.assign(form.dataset.offline);
  }
}

/** A logout made with no signal is finished as soon as a page comes from the server. */
export async function finishLoggingOut() {
  if (!user || !(await outbox.getMeta(keys.logOutLater(user)))) return false;
  const form = document.querySelector("form[data-logout]");
  try {
    await fetch(form.action, { method: "POST", credentials: "same-origin", redirect: "manual" });
  } catch {
    return false; // still no signal: this page is the phone's copy; try again next time
  }
  await outbox.deleteMeta(keys.logOutLater(user));
  await forgetCachedPages();
  await outbox.forgetRunner(user, { keepLogs: true });
  location.assign(form.dataset.after);
  return true;
}

/** After an account is deleted: its unsynced logs, session in progress and cached
 * pages go from this phone too, since the runner asked for all of it to go. */
export async function forgetDeletedRunner() {
  const marker = document.querySelector("[data-forget-runner]");
  if (!marker) return;
  const runner = Number(marker.dataset.forgetRunner);
  await outbox.forgetRunner(runner);
  if ("serviceWorker" in navigator) {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active) registration.active.postMessage({ type: messages.forgetUser, user: runner });
  }
}

export async function rememberSignedInRunner() {
  // The service worker flushes for this runner on Background Sync, with no page open.
  await outbox.setMeta(keys.signedIn, user);
  if (user && navigator.storage && navigator.storage.persist) {
    // Ask the browser not to evict the outbox under storage pressure.
    navigator.storage.persist().catch(() => {});
  }
}

/** The offline page is kept in the shell without a runner: its header shows the
 * signed-in links when the phone has a runner signed in. */
export async function showSignedInHeader() {
  const links = document.querySelector("[data-when-signed-in]");
  if (!links) return;
  const runner = await outbox.getMeta(keys.signedIn).catch(() => null);
  links.hidden = !runner;
  document.querySelector("[data-when-signed-out]").hidden = Boolean(runner);
}
