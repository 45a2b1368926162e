/* runpt in the browser: wires the page to its modules. Plain native ES modules, no
 * bundler, no inline scripts (the Content-Security-Policy forbids them); the outbox and
 * the sync loop are in outbox.js, shared with the service worker. */

import { afterLoad, outbox, user } from "./page.js";
import {
  applyUpdate, expectFreshPage, finishLoggingOut, forgetDeletedRunner, logOut, refreshOfflineSet,
  refreshOfflineSetBetweenSessions, registerServiceWorker, rememberSignedInRunner, showSignedInHeader,
  showWhatIsKept,
} from "./sw-client.js";
import { labelDataAge, showSyncStatus, syncNow, watchForSyncMoments } from "./sync-status.js";

// The session player, and everything it uses, loads only where a session plays: on
// every other page a Start opens the player page (session-start.js), so the start page's
// first load stays small. The service worker keeps the player's modules for no signal.
const player = document.getElementById("player-page") ? await import("./player.js") : null;

// Modules only some pages use, loaded when their page is open: the start page's first
// load stays small, and the service worker keeps them for use with no signal.
const PAGE_MODULES = [
  ["[data-capacity-test]", "./capacity.js"],
  ["[data-running-page]", "./running.js"],
  ["[data-reminders]", "./reminders.js"],
  ["[data-copy-link]", "./copy-link.js"],
  ["[data-phone-kept]", "./phone-kept.js"],
  ["[data-waiting-warning]", "./phone-kept.js"],
];

// Starting a session (its checks, resuming one) and the next-morning question: loaded
// only on a page that has them (history pages have neither), so a page that needs little
// loads five modules fewer before it is ready (issue 27 item 2). The browser loads each
// once; the service worker keeps them all for no signal.
const STARTS = "[data-start-session], [data-resume], [data-start-check-fields], [data-forget-start-checks]";
const sessionStart = () => import("./session-start.js");
const startChecks = () => import("./start-check.js");
const morning = () => import("./morning.js");

function startPageModules() {
  for (const [marker, path] of PAGE_MODULES) {
    const root = document.querySelector(marker);
    if (root) import(path).then((module) => module.start(root));
  }
}

/** One listener for every button, so swapped-in fragments need no wiring. */
function onClick(event) {
  const target = event.target.closest("button, a");
  if (!target) {
    if (player && player.onPlayerTap(event)) event.preventDefault(); // "phone on the floor": the big tap
    return;
  }
  if (target.matches("[data-start-session]")) event.preventDefault();
  if (player && player.onPlayerClick(target, event)) return;
  if (target.matches("[data-start-session]")) {
    // Off the player page: it opens the player (or the check first).
    sessionStart().then(({ startSession }) => startSession(target, null));
  } else if (target.matches("[data-apply-update]")) {
    applyUpdate();
  } else if (target.matches("[data-red-flags-link]")) {
    event.preventDefault(); // no #red-flags in the address: a reload resumes the step
    showRedFlags();
  } else if (target.matches("[data-print]")) {
    window.print();
  } else if (target.matches("[data-morning-feel], [data-morning-later]")) {
    morning().then(({ answerMorningQuestion }) => answerMorningQuestion(target));
  }
}

/** A step's "Red flags": the routine's red flags and triage, opened under the player. */
function showRedFlags() {
  const details = document.getElementById("red-flags");
  if (!details) return;
  details.open = true;
  details.scrollIntoView({ block: "start" });
}

function onSubmit(event) {
  const form = event.target;
  if (player && player.onPlayerSubmit(form)) {
    event.preventDefault();
  } else if (form.matches("[data-logout]") && user) {
    event.preventDefault();
    logOut(form);
  } else if (form.matches("[data-confirm]") && !confirm(form.dataset.confirm)) {
    event.preventDefault();
  } else if (form.method === "post") {
    expectFreshPage();
  }
}

/** A page that starts sessions: a session kept on the phone offered to resume, and every
 * start check showing the runner's answers (a problem just added asks its routines'
 * checks again first), before a resumed or asked-for start on the player looks at them. */
async function showStarts() {
  if (!player && !document.querySelector(STARTS)) return;
  const [{ offerResume }, { forgetStartChecks, showStartChecks }] = await Promise.all([sessionStart(), startChecks()]);
  offerResume();
  await forgetStartChecks();
  await showStartChecks();
  if (player) player.resumeSession();
}

/** A start check's answer changed: kept at once (start-check.js). */
function onChange(event) {
  if (player && player.onPlayerChange(event.target)) return;
  if (event.target.closest("[data-start-check-fields]")) {
    startChecks().then(({ onStartCheckChange }) => onStartCheckChange(event.target));
  }
}

async function startSignedIn() {
  if (await finishLoggingOut()) return;
  rememberSignedInRunner();
  watchForSyncMoments(player ? player.onPlayerVisible : () => {}, refreshOfflineSetBetweenSessions);
  showSyncStatus();
  syncNow();
  showStarts();
  showWhatIsKept();
  if (document.getElementById("morning")) morning().then(({ askMorningQuestion }) => askMorningQuestion());
  labelDataAge();
  startPageModules();
}

function start() {
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("change", onChange);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    // A routine's steps changed in the editor: keep the new version offline now.
    if (event.detail.target && event.detail.target.id === "steps") refreshOfflineSet();
  });
  if (user) {
    startSignedIn();
  } else {
    showSignedInHeader();
    if (!document.querySelector("[data-when-signed-in]")) outbox.setMeta(outbox.keys.signedIn, null);
    forgetDeletedRunner();
  }
  afterLoad(() => registerServiceWorker().catch(() => {}));
}

start();
