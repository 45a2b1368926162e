/* runpt service worker, the shared layer (imported by sw.js after outbox.js, before
 * sw-offline-set.js).
 *
 * The worker's files depend one way: outbox.js, then this file, then sw-offline-set.js,
 * then sw.js on top. Each reaches the ones below it only through their namespace
 * (`self.RunptOutbox`, `self.RunptWorker`, `self.RunptOfflineSet`) and never names
 * anything of the ones above: a rename in sw.js can't break the offline set silently.
 * tests/test_worker_seams.py and ESLint (eslint.config.js) hold them to it.
 */
"use strict";

self.RunptWorker = (() => {
  const outbox = self.RunptOutbox;

  // What the worker knows of the network and of its copies: how long the server usually
  // takes, until when it is suspect, whether the next page must be the server's answer,
  // and when the manifest last said every unit on the phone is current (`checkedAt`).
  // `changes` counts what the runner sent meanwhile, so a check that overlapped one
  // can't vouch for the copies. Written by sw.js (pages and messages) and by the
  // offline set (a refresh that found every unit current).
  const network = { typicalMs: 100, suspectUntil: 0, freshUntil: 0, checkedAt: 0, changes: 0 };

  /** The runner sent something: what the phone holds may be behind the server now. */
  function copiesMayBeBehind() {
    network.checkedAt = 0;
    network.changes += 1;
  }

  /** Who is signed in on this phone; null when unknown. Never waits on a database an
   * older tab holds: a page asked for then is answered as for no runner (from the
   * network, or the shared copies) rather than left blank until that tab closes. */
  async function signedInRunner() {
    try {
      if ((await outbox.openOrHeld()) !== "open") return null;
      return await outbox.getMeta(outbox.keys.signedIn);
    } catch {
      return null;
    }
  }

  function userCacheName(user) {
    return `runpt-user-${user}`;
  }

  function unitPath(routineId) {
    return `/offline/routines/${routineId}`;
  }

  function routineIdOfUnit(path) {
    const match = /^\/offline\/routines\/(\d+)$/.exec(path);
    return match ? Number(match[1]) : null;
  }

  function stepOf(path) {
    const match = /^\/session\/(\d+)\/steps\/(\d+)$/.exec(path);
    return match ? [Number(match[1]), Number(match[2])] : null;
  }

  /** How the worker asks for a copy: marked so the server doesn't hand it the runner's
   * one-time messages ("Routine saved.") or a cookie (runpt/security/sessions.py). */
  function copyRequest() {
    return { credentials: "same-origin", redirect: "manual", headers: { "X-Runpt-Offline-Copy": "1" } };
  }

  /** A response made for a runner goes into that runner's cache, nothing else does; nor
   * a page shown once (the share link just made, runpt/pages/sharing.py). */
  async function remember(request, response) {
    const owner = response.headers.get("X-Runpt-User");
    if (!response.ok || response.redirected || !owner) return;
    if (response.headers.get("X-Runpt-Not-Offline")) return;
    const cache = await caches.open(userCacheName(owner));
    await cache.put(request.url, response);
  }

  // The query keys that choose what a page shows: a library filter, all sessions, older
  // sessions, a share link's code (the ones runpt/pages reads: tests/test_worker_seams.py
  // holds this list to them). A page kept without one of them is another page, never
  // served in its place. Every other key only says how the page was opened, and the
  // server makes the same page with or without it: the home-screen icon's `?source=`,
  // a share's `?shared=1`, a reminder's `?reminder=`, Start's `?start=1` with its checks.
  const CHOOSES_PAGE = ["all", "before", "group", "problem", "q", "r"];

  /** The path and query a page is kept under, for `address`: its path, and of its query
   * only what chooses the page ("/library/?problem=knee-pain", "/" for "/?source=…"). */
  function keptPath(address) {
    const { pathname, search, searchParams } = new URL(address);
    const keys = [...searchParams.keys()];
    if (keys.every((key) => CHOOSES_PAGE.includes(key))) return pathname + search;
    const chosen = new URLSearchParams([...searchParams].filter(([key]) => CHOOSES_PAGE.includes(key)));
    const query = chosen.toString();
    return query ? `${pathname}?${query}` : pathname;
  }

  /** The signed-in runner's copy of `request`; for a page (`asPage`), also the copy
   * kept under its kept path (without how it was opened). */
  async function fromUserCache(request, asPage = false) {
    const user = await signedInRunner();
    if (!user) return undefined;
    const cache = await caches.open(userCacheName(user));
    const exact = await cache.match(request.url);
    if (exact || !asPage) return exact;
    const kept = new URL(keptPath(request.url), request.url).href;
    return kept === request.url ? undefined : cache.match(kept);
  }

  async function tellPages(message) {
    for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
  }

  return Object.freeze({
    outbox,
    network,
    copiesMayBeBehind,
    signedInRunner,
    userCacheName,
    unitPath,
    routineIdOfUnit,
    stepOf,
    copyRequest,
    remember,
    fromUserCache,
    keptPath,
    tellPages,
  });
})();
