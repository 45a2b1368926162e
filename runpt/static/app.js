/* runpt in the browser: the session player, timers, sync status, service worker.
 * Plain JavaScript, no inline scripts (the Content-Security-Policy forbids them).
 * Storage and the sync loop live in outbox.js (RunptOutbox). */
"use strict";

const outbox = self.RunptOutbox;
const page = document.body.dataset;
const user = page.user ? Number(page.user) : null;
const syncUrl = page.syncUrl || "/api/sync";
const SEND_AFTER_LOG_MS = 300;

/* ---------- sync: triggers and the status a runner always sees ---------- */

function syncNow() {
  if (!user) return Promise.resolve();
  return outbox.flush(user, syncUrl).then(showSyncStatus, showSyncStatus);
}

function minutesAgo(time) {
  const minutes = Math.round((Date.now() - time) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

async function showSyncStatus() {
  const bar = document.getElementById("sync-status");
  if (!bar || !user) return;
  const [pending, attention, lastSync, needsSignIn] = await Promise.all([
    outbox.waiting(user),
    outbox.needingAttention(user),
    outbox.getMeta(`last-sync:${user}`),
    outbox.getMeta(`needs-sign-in:${user}`),
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

function watchForSyncMoments() {
  window.addEventListener("online", syncNow);
  window.addEventListener("offline", showSyncStatus);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    syncNow();
    // The browser drops the wake lock when the page is hidden; take it again.
    if (currentRun) keepScreenOn();
  });
  // Keep "Synced 2 min ago" true while the page stays open.
  setInterval(showSyncStatus, 30000);
}

/* ---------- sessions page: what waits and what was refused ---------- */

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

function showPendingSessions(pending) {
  const section = document.querySelector("[data-pending-sessions]");
  if (!section) return;
  const sessions = new Map();
  for (const event of pending) {
    const entry = sessions.get(event.session) || { sets: 0, at: event.at, name: "" };
    if (event.type === "set.logged") entry.sets += 1;
    if (event.type === "session.started") entry.name = event.name || "";
    sessions.set(event.session, entry);
  }
  section.querySelector("[data-pending-items]").replaceChildren(...[...sessions.values()].map((entry) => {
    const item = document.createElement("li");
    item.className = "session-row";
    item.textContent = `${entry.name || "Session"} · ${entry.at.slice(0, 16).replace("T", " ")} · ${plural(entry.sets, "set", "sets")} waiting to sync`;
    return item;
  }));
  section.hidden = sessions.size === 0;
}

/* ---------- the session in progress (kept on the device to survive a killed app) ---------- */

function loadRun() {
  return outbox.transaction(["runs"], "readonly", ({ runs }) => outbox.asPromise(runs.get(user)));
}

function saveRun(run) {
  return outbox.transaction(["runs"], "readwrite", ({ runs }) => runs.put(run));
}

function clearRun() {
  return outbox.transaction(["runs"], "readwrite", ({ runs }) => runs.delete(user));
}

async function logEvent(type, session, data, extra = {}) {
  const event = { ...outbox.makeEvent(user, type, session, data), ...extra };
  await outbox.add(event); // outbox first: the log is safe before any network request
  showSyncStatus();
  // Sending waits a moment so the next step is drawn first: the upload and the service
  // worker's work for it would otherwise compete with fetching and showing that step.
  setTimeout(() => {
    if (navigator.onLine) syncNow();
    askForBackgroundSync();
  }, SEND_AFTER_LOG_MS);
  return event;
}

/** Where the browser has Background Sync (Chromium), the service worker sends what
 * waits as soon as there is a connection, even if runpt is closed by then. */
function askForBackgroundSync() {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register("runpt-sync"))
    .catch(() => {});
}

async function startSession(button) {
  const existing = await loadRun();
  if (existing && !confirm(`“${existing.routineName}” is still in progress. Start a new session instead?`)) {
    return;
  }
  const player = document.getElementById("player-page");
  const run = {
    user,
    session: crypto.randomUUID(),
    routine: /^\d+$/.test(button.dataset.routine) ? Number(button.dataset.routine) : button.dataset.routine,
    routineId: Number(button.dataset.routineId),
    routineName: button.dataset.routineName,
    playerUrl: button.dataset.href || location.pathname,
    position: 0,
    startedAt: Date.now(),
    logged: [],
    timer: null,
  };
  await saveRun(run);
  await logEvent("session.started", run.session, { routine: run.routine }, { name: run.routineName });
  if (player && Number(player.dataset.routineId) === run.routineId) {
    showStep(run, 0);
  } else {
    location.assign(run.playerUrl);
  }
}

async function offerResume() {
  const card = document.querySelector("[data-resume]");
  if (!card || !user) return;
  const run = await loadRun();
  if (!run) return;
  card.querySelector("[data-resume-name]").textContent = run.routineName;
  card.querySelector("[data-resume-link]").href = run.playerUrl;
  card.hidden = false;
}

/* ---------- the player: one fragment per step, swapped in by htmx ---------- */

let currentRun = null;

function playerPage() {
  return document.getElementById("player-page");
}

async function initPlayer() {
  const player = playerPage();
  if (!player || !user) return;
  showCueSetting();
  const run = await loadRun();
  if (run && run.routineId === Number(player.dataset.routineId)) {
    showStep(run, run.position);
  }
}

/* ---------- the screen stays on while a session runs (phone on the floor by the mat) ---------- */

let wakeLock = null;

async function keepScreenOn() {
  if (!("wakeLock" in navigator) || wakeLock || document.visibilityState !== "visible") return;
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    wakeLock.addEventListener("release", () => { wakeLock = null; });
  } catch {
    wakeLock = null; // battery saver or no permission: the session still works
  }
}

function letScreenSleep() {
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
}

/* ---------- the runner's choice of sound and vibration at the end of a timer ---------- */

function cuesOn() {
  return localStorage.getItem("runpt:cues") !== "off";
}

function showCueSetting() {
  const toggle = document.querySelector("[data-cues-toggle]");
  if (!toggle) return;
  toggle.checked = cuesOn();
  toggle.addEventListener("change", () => {
    localStorage.setItem("runpt:cues", toggle.checked ? "on" : "off");
  });
}

function showStep(run, index) {
  const player = playerPage();
  const total = Number(player.dataset.total);
  currentRun = run;
  keepScreenOn();
  if (index >= total) return finishSession();
  run.position = Math.max(0, index);
  saveRun(run);
  player.querySelector("[data-progress]").style.width = `${(100 * run.position) / total}%`;
  return htmx.ajax("GET", player.dataset.stepUrl + run.position, { target: "#player", swap: "innerHTML" });
}

function stepElement() {
  return document.getElementById("step");
}

/** After htmx swapped a step in: focus it for screen readers and start its countdown. */
function onStepShown() {
  const step = stepElement();
  if (!step || !currentRun) return;
  step.focus({ preventScroll: false });
  const index = Number(step.dataset.index);
  const saved = currentRun.timer && currentRun.timer.step === index ? currentRun.timer : null;
  const wait = Number(step.dataset.wait);
  if (saved) {
    runTimer(saved);
  } else if (wait > 0) {
    startTimer({ step: index, kind: step.dataset.waitKind, endsAt: Date.now() + wait * 1000 });
  }
}

function readLogForm(form, step) {
  const value = (name) => {
    const field = form.elements[name];
    return field && field.value !== "" ? field.value : null;
  };
  const whole = (name, low, high, label) => {
    const raw = value(name);
    if (raw === null) return null;
    const number = Number(raw);
    if (!Number.isInteger(number) || number < low || number > high) {
      throw new Error(`${label}: a whole number from ${low} to ${high}.`);
    }
    return number;
  };
  const load = value("load_kg") === null ? null : Number(value("load_kg"));
  if (load !== null && !(load >= 0 && load <= 500)) throw new Error("Load: a number from 0 to 500 kg.");
  const note = (value("note") || "").trim();
  return {
    exercise: step.dataset.exercise,
    set: Number(step.dataset.set),
    side: step.dataset.side || null,
    reps: whole("reps", 0, 500, "Reps"),
    hold_s: whole("hold_s", 0, 3600, "Held seconds"),
    load_kg: load,
    rpe: whole("rpe", 1, 10, "Effort"),
    pain: whole("pain", 0, 10, "Pain"),
    note: note ? note.slice(0, 1000) : null,
    level: Number(step.dataset.level || 0), // the ladder rung this step is at
  };
}

async function logSet(form) {
  const step = stepElement();
  const error = form.querySelector("[data-log-error]");
  let data;
  try {
    data = readLogForm(form, step);
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    return;
  }
  const run = currentRun;
  const index = Number(step.dataset.index);
  await logEvent("set.logged", run.session, data);
  run.logged.push({ index, ...data });
  run.timer = null;
  await showStep(run, index + 1);
}

async function finishSession() {
  const run = currentRun || (await loadRun());
  if (!run) return;
  stopTimer();
  await logEvent("session.finished", run.session, {});
  await rememberForTomorrow(run.session);
  await clearRun();
  currentRun = null;
  letScreenSleep();
  showSummary(run, Date.now());
}

function showSummary(run, finishedAt) {
  const player = playerPage();
  player.querySelector("#player").replaceChildren();
  player.querySelector("[data-progress]").style.width = "100%";
  const summary = document.getElementById("summary");
  const pains = run.logged.map((set) => set.pain).filter((pain) => pain !== null);
  const highest = pains.length ? Math.max(...pains) : null;
  const minutes = Math.max(1, Math.round((finishedAt - run.startedAt) / 60000));
  summary.querySelector("[data-summary-sets]").textContent = String(run.logged.length);
  summary.querySelector("[data-summary-time]").textContent = `${minutes} min`;
  summary.querySelector("[data-summary-pain]").textContent = highest === null ? "not logged" : `${highest} / 10`;
  // The pain-monitoring model (Silbernagel 2007): 0-2 safe, 3-5 acceptable, over 5 too much.
  summary.querySelector("[data-summary-advice]").textContent =
    highest === null || highest <= 2 ? "Pain stayed in the safe zone (0–2). Nice work."
      : highest <= 5 ? "Pain of 3–5 is acceptable if it settles by tomorrow morning."
        : "Pain went above 5: too much. Go easier next time, and see a clinician if it lasts.";
  summary.hidden = false;
  summary.focus();
}

/* ---------- timers: computed from timestamps, so they stay right after the screen
   was off or the app was in the background (ticks are only for drawing) ---------- */

const TIMER_LABELS = { "get-ready": "Get ready", rest: "Rest", switch: "Switch sides", hold: "Hold" };
let ticking = null;

function startTimer(timer) {
  if (currentRun) {
    currentRun.timer = timer;
    saveRun(currentRun);
  }
  runTimer(timer);
}

function runTimer(timer) {
  stopTimer();
  const step = stepElement();
  if (!step) return;
  const box = step.querySelector("[data-timer]");
  box.hidden = false;
  box.classList.remove("done");
  box.dataset.kind = timer.kind;
  box.querySelector("[data-timer-label]").textContent = TIMER_LABELS[timer.kind] || "Timer";
  box.querySelector("[data-timer-skip]").textContent = timer.kind === "hold" ? "Stop hold" : "Skip countdown";
  announce(`${TIMER_LABELS[timer.kind]}: ${Math.ceil((timer.endsAt - Date.now()) / 1000)} seconds`);
  const draw = () => {
    const left = Math.max(0, Math.ceil((timer.endsAt - Date.now()) / 1000));
    box.querySelector("[data-timer-clock]").textContent = clockText(left);
    if (left === 0) timerDone(timer, box);
  };
  draw();
  ticking = setInterval(draw, 250);
}

function clockText(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes}:${String(seconds % 60).padStart(2, "0")}` : String(seconds);
}

function stopTimer() {
  if (ticking) clearInterval(ticking);
  ticking = null;
}

function timerDone(timer, box) {
  stopTimer();
  box.classList.add("done");
  box.querySelector("[data-timer-label]").textContent = timer.kind === "hold" ? "Hold done" : "Go";
  box.querySelector("[data-timer-skip]").hidden = true;
  if (timer.kind === "hold") fillHeldSeconds(timer, timer.endsAt);
  if (currentRun && currentRun.timer === timer) {
    currentRun.timer = { ...timer, finished: true };
    saveRun(currentRun);
  }
  if (!timer.finished) {
    announce(timer.kind === "hold" ? "Hold done. Log the set." : "Time to go.");
    signalEnd();
  }
}

function fillHeldSeconds(timer, endedAt) {
  const field = stepElement() && stepElement().querySelector("[name=hold_s]");
  if (field && timer.startedAt) field.value = String(Math.round((endedAt - timer.startedAt) / 1000));
}

function skipTimer() {
  const step = stepElement();
  const timer = currentRun && currentRun.timer;
  if (!step || !timer) return;
  if (timer.kind === "hold") fillHeldSeconds(timer, Date.now());
  stopTimer();
  step.querySelector("[data-timer]").hidden = true;
  currentRun.timer = null;
  saveRun(currentRun);
}

function startHold() {
  const step = stepElement();
  const seconds = Number(step.dataset.hold);
  const now = Date.now();
  startTimer({ step: Number(step.dataset.index), kind: "hold", startedAt: now, endsAt: now + seconds * 1000 });
}

function announce(text) {
  const region = stepElement() && stepElement().querySelector("[data-timer-announce]");
  if (region) region.textContent = text;
}

/** A short beep and a buzz at the end of a hold or rest, where the phone allows it. */
function signalEnd() {
  if (!cuesOn()) return;
  if (navigator.vibrate) navigator.vibrate(200);
  try {
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.value = 0.15;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.18);
    tone.onended = () => audio.close();
  } catch {
    /* no audio on this device: the screen still says "Go" */
  }
}

/* ---------- one listener for every button, so swapped-in fragments need no wiring ---------- */

function onClick(event) {
  const target = event.target.closest("button, a");
  if (!target) return;
  if (target.matches("[data-start-session]")) {
    event.preventDefault();
    startSession(target);
  } else if (target.matches("[data-step-skip]")) {
    const step = stepElement();
    currentRun.timer = null;
    showStep(currentRun, Number(step.dataset.index) + 1);
  } else if (target.matches("[data-step-back]")) {
    const step = stepElement();
    currentRun.timer = null;
    showStep(currentRun, Number(step.dataset.index) - 1);
  } else if (target.matches("[data-finish]")) {
    finishSession();
  } else if (target.matches("[data-hold-start]")) {
    startHold();
  } else if (target.matches("[data-timer-skip]")) {
    skipTimer();
  } else if (target.matches("[data-apply-update]")) {
    applyUpdate();
  } else if (target.matches("[data-print]")) {
    window.print();
  } else if (target.matches("[data-morning-feel], [data-morning-later]")) {
    answerMorningQuestion(target);
  }
}

async function onSubmit(event) {
  const form = event.target;
  if (form.matches("[data-log-form]")) {
    event.preventDefault();
    logSet(form);
  } else if (form.matches("[data-confirm]")) {
    if (!confirm(form.dataset.confirm)) event.preventDefault();
  } else if (form.matches("[data-logout]") && user && !form.dataset.confirmed) {
    event.preventDefault();
    const pending = await outbox.waiting(user);
    const warning = `${plural(pending.length, "log has", "logs have")} not synced yet. ` +
      "They stay on this phone and sync when you log in again. Log out anyway?";
    if (pending.length && !confirm(warning)) return;
    await forgetCachedPages();
    form.dataset.confirmed = "yes";
    form.submit();
  }
}

/* ---------- service worker: offline pages, updates that never interrupt a session ---------- */

let waitingWorker = null;
let updateRequested = false;

async function registerServiceWorker() {
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
    if (message.type === "synced") showSyncStatus();
    if (message.type === "offline-ready") showOfflineSummary();
  });
  if (user) {
    await navigator.serviceWorker.ready;
    keepRoutinesOffline(registration);
  }
}

/** Take the update only when the runner asks; a session in progress resumes after the
 * reload from the device's own copy of the run. */
function applyUpdate() {
  if (!waitingWorker) return;
  updateRequested = true;
  waitingWorker.postMessage({ type: "skip-waiting" });
}

function keepRoutinesOffline(registration) {
  const worker = registration.active;
  if (worker) worker.postMessage({ type: "cache-routines", user });
}

function refreshOfflineSet() {
  if (!user || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then(keepRoutinesOffline).catch(() => {});
}

async function forgetCachedPages() {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  const registration = await navigator.serviceWorker.ready;
  await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    registration.active.postMessage({ type: "forget-user", user }, [channel.port2]);
    setTimeout(resolve, 1500);
  });
}

function megabytes(bytes) {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** "7 routines available offline · 1.2 MB", from what the service worker last kept. */
async function showOfflineSummary() {
  const line = document.querySelector("[data-offline-summary]");
  if (!line || !user) return;
  const summary = await outbox.getMeta(`offline:${user}`);
  if (!summary) return;
  line.textContent = `${plural(summary.routines, "routine", "routines")} available offline · ${megabytes(summary.bytes)} on this phone`;
  line.hidden = false;
}

/** After an account is deleted: its unsynced logs, session in progress and cached
 * pages go from this phone too, since the runner asked for all of it to go. */
async function forgetDeletedRunner() {
  const marker = document.querySelector("[data-forget-runner]");
  if (!marker) return;
  const runner = Number(marker.dataset.forgetRunner);
  await outbox.forgetRunner(runner);
  if ("serviceWorker" in navigator) {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active) registration.active.postMessage({ type: "forget-user", user: runner });
  }
}

async function rememberSignedInRunner() {
  // The service worker flushes for this runner on Background Sync, with no page open.
  await outbox.setMeta("signed-in", user);
  if (user && navigator.storage && navigator.storage.persist) {
    // Ask the browser not to evict the outbox under storage pressure.
    navigator.storage.persist().catch(() => {});
  }
}

/* ---------- the next-morning check (pain-monitoring model: pain must settle by the
   next morning; worse means less load next time). Asked once, on the first opening
   on a later day; the answer is an event like any log, so it works offline. ---------- */

function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysBetween(earlier, later) {
  return Math.round((Date.parse(`${later}T12:00:00Z`) - Date.parse(`${earlier}T12:00:00Z`)) / 86400000);
}

function rememberForTomorrow(session) {
  return outbox.setMeta(`morning:${user}`, { session, day: localDay() });
}

async function sessionToAskAbout() {
  // This phone's last finished session, or one the server knows from another device.
  const fromServer = document.querySelector("[data-morning-session]");
  const candidates = [await outbox.getMeta(`morning:${user}`)];
  if (fromServer) candidates.push({ session: fromServer.dataset.morningSession, day: fromServer.dataset.morningDay });
  const asked = (await outbox.getMeta(`morning-asked:${user}`)) || [];
  return candidates.find((c) => c && !asked.includes(c.session) &&
    daysBetween(c.day, localDay()) >= 1 && daysBetween(c.day, localDay()) <= 2);
}

async function askMorningQuestion() {
  const box = document.getElementById("morning-check");
  if (!box || playerPage()) return;
  const candidate = await sessionToAskAbout();
  if (!candidate) return;
  box.dataset.session = candidate.session;
  box.querySelector("[data-morning-when]").textContent =
    daysBetween(candidate.day, localDay()) === 1 ? "yesterday's session" : "your last session";
  box.hidden = false;
}

async function answerMorningQuestion(button) {
  const box = document.getElementById("morning-check");
  const session = box.dataset.session;
  const feel = button.dataset.morningFeel;
  if (feel) await logEvent("morning.checked", session, { feel });
  const asked = (await outbox.getMeta(`morning-asked:${user}`)) || [];
  await outbox.setMeta(`morning-asked:${user}`, [...asked.slice(-20), session]);
  box.querySelector("[data-morning-choices]").hidden = true;
  const thanks = box.querySelector("[data-morning-thanks]");
  thanks.textContent = feel === "worse"
    ? "Saved. runpt will suggest less load for the exercises that hurt next time."
    : feel ? "Saved. Thanks!" : "OK, not this time.";
  thanks.hidden = false;
}

/* ---------- history pages: how old the data on screen is ---------- */

async function labelDataAge() {
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

/** On a first visit the service worker's install (the shell, then every routine's
 * pages) would compete with the page's own loading for the network and the CPU. */
function afterLoad(work) {
  if (document.readyState === "complete") work();
  else window.addEventListener("load", work, { once: true });
}

function start() {
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "player") onStepShown();
    // A routine's steps changed: keep the new version offline now, not at the next page.
    if (target && target.id === "steps") refreshOfflineSet();
  });
  if (user) {
    rememberSignedInRunner();
    watchForSyncMoments();
    showSyncStatus();
    syncNow();
    offerResume();
    initPlayer();
    showOfflineSummary();
    askMorningQuestion();
    labelDataAge();
  } else {
    outbox.setMeta("signed-in", null);
    forgetDeletedRunner();
  }
  afterLoad(() => registerServiceWorker().catch(() => {}));
}

start();
