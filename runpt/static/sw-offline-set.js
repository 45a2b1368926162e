/* runpt service worker, the runner's offline set (imported by sw.js after sw-shared.js).
 *
 * The server lists what a phone should hold as units, each with a version
 * (GET /offline/urls, runpt/pwa/offline_set.py): every routine (its page, its player and
 * every step fragment, in one response), the library, and the runner's other pages.
 * A unit is fetched only when its version changed, stored whole, and only then marked
 * as kept in IndexedDB (`RunptOutbox.keys.offline`): a routine half fetched is never "ready", and
 * the player can't start one that isn't.
 *
 * Depends on outbox.js and sw-shared.js (loaded before it), never on sw.js: what sw.js
 * needs from here is in `self.RunptOfflineSet`.
 */
"use strict";

self.RunptOfflineSet = (() => {
  const {
    outbox, network, signedInRunner, userCacheName, unitPath, stepOf, copyRequest, tellPages, keptPath,
  } = self.RunptWorker;

  const OFFLINE_SET_URL = "/offline/urls";
  const MANIFEST_WAIT_MS = 10000;
  // Asked just as the connection comes back (the page's `online` event), the manifest's
  // first request can fail while the worker's network settles: one more try a moment on.
  const MANIFEST_RETRY_MS = 1500;
  const UNIT_WAIT_MS = 30000;
  // Units asked for in one request: a new phone's whole set (ten routines, the library and
  // the runner's pages) in a few round trips; a connection cut mid-way costs one batch.
  const UNITS_PER_REQUEST = 4;
  // For this long after a refresh found every unit current (`network.checkedAt`), a page
  // of a unit the phone holds is served at once (and refreshed behind): it is what the
  // server would send.
  const CURRENT_FOR_MS = 60000;

  /** Whether the phone's copy of this page is what the server would send now: a page of
   * a unit that the manifest, moments ago, said the phone holds in its current version,
   * with nothing sent to the server since (logs or a form: see `network.checkedAt`). */
  async function isCurrentCopy(request) {
    if (Date.now() - network.checkedAt > CURRENT_FOR_MS) return false;
    const user = await signedInRunner();
    const kept = user ? await outbox.getMeta(outbox.keys.offline(user)) : null;
    if (!kept) return false;
    const path = keptPath(request.url); // a filtered or older page is its own page
    const routine = /^\/(?:routines|session)\/(\d+)$/.exec(path);
    if (routine) return routine[1] in kept.routines;
    return Object.values(kept.paths || {}).some((paths) => paths.includes(path));
  }

  async function fetchUnit(url, milliseconds) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), milliseconds);
    try {
      const response = await fetch(url, { ...copyRequest(), signal: controller.signal });
      return response.ok ? await response.json() : null;
    } catch {
      return null; // offline part-way: the next page load tries again
    } finally {
      clearTimeout(timer);
    }
  }

  function page(html, user) {
    return new Response(html, {
      headers: { "Content-Type": "text/html; charset=utf-8", "X-Runpt-User": String(user) },
    });
  }

  // Units are written one after another: the player keeps a routine it fetched
  // (`keepRoutineFrom`) while a refresh of the offline set may be keeping the same one.
  let unitWrites = Promise.resolve();

  /** Store a unit's pages, then (for a routine) the unit itself, then mark it kept; never
   * over a copy of a later change of that routine (a response that was slower to come). */
  function keepUnit(user, unit) {
    const write = unitWrites.then(() => writeUnit(user, unit));
    unitWrites = write.catch(() => {});
    return write;
  }

  async function writeUnit(user, unit) {
    if (String(unit.user) !== String(user)) return false;
    const cache = await caches.open(userCacheName(user));
    if (unit.kind === "routine" && (await keptChange(cache, unit.id)) > unit.changed) return false;
    for (const [path, html] of Object.entries(unit.pages)) await cache.put(path, page(html, user));
    if (unit.kind === "routine") {
      const body = JSON.stringify(unit);
      await cache.put(unitPath(unit.id), new Response(body, {
        headers: {
          "Content-Type": "application/json",
          "X-Runpt-Version": unit.version,
          "X-Runpt-Routine-Changed": unit.changed,
          "X-Runpt-User": String(user),
        },
      }));
    }
    await outbox.updateMeta(outbox.keys.offline(user), (kept) => markKept(kept, unit));
    return true;
  }

  /** The last change of the routine the phone holds ("" for none). The server writes
   * changes as ISO 8601 UTC times in one format, so later is greater as text. */
  async function keptChange(cache, routineId) {
    const kept = await cache.match(unitPath(routineId));
    return (kept && kept.headers.get("X-Runpt-Routine-Changed")) || "";
  }

  function emptyKept() {
    return { routines: {}, rows: {}, paths: {} };
  }

  /** What the phone holds, with one more unit. Versions carry the app's release, so a new
   * release refetches every unit while the older whole copies go on working. */
  function markKept(kept, unit) {
    kept = kept || emptyKept();
    if (unit.kind === "routine") {
      kept.routines[unit.id] = unit.version;
      kept.rows = kept.rows || {};
      kept.rows[unit.id] = { html: unit.row, own: unit.own };
    } else {
      kept[unit.kind] = unit.version;
      kept.paths[unit.kind] = Object.keys(unit.pages);
    }
    return kept;
  }

  /** The player fetched a routine the phone didn't hold in that version: keep it. */
  async function keepRoutineFrom(response, user) {
    try {
      await keepUnit(user, await response.json());
    } catch {
      /* not a unit after all: nothing kept */
    }
  }

  let keeping = null;
  let keepAgain = null;
  let keepAgainFor = null;

  /** One refresh of the offline set at a time; a request during one queues exactly one
   * more, so a burst of page loads and edits costs one manifest each, not a pile. The
   * queued one is for whoever asked last: another runner may have signed in on this
   * phone meanwhile, and the first runner's refresh would find the second's manifest. */
  function keepOfflineSetSoon(user) {
    keepAgainFor = user;
    if (keepAgain) return keepAgain;
    const start = () => {
      keepAgain = null;
      keeping = keepOfflineSet(keepAgainFor).finally(() => { keeping = null; });
      return keeping;
    };
    if (keeping) {
      keepAgain = keeping.catch(() => {}).then(start);
      return keepAgain;
    }
    return start();
  }

  /** Fetch the manifest; fetch the units whose version the phone doesn't hold, a few per
   * request; drop what is gone; tell the pages what is ready. */
  async function keepOfflineSet(user) {
    // Taken before the manifest is asked for: logs or a form sent while it is on its way
    // may have reached the server after it made the manifest, which then can't vouch for
    // the phone's copies (a page served as current without the session just synced).
    const checked = Date.now();
    const changesBefore = network.changes;
    const manifest = (await fetchUnit(OFFLINE_SET_URL, MANIFEST_WAIT_MS)) ||
      (await new Promise((wait) => setTimeout(wait, MANIFEST_RETRY_MS)).then(
        () => fetchUnit(OFFLINE_SET_URL, MANIFEST_WAIT_MS)));
    if (!manifest || String(manifest.user) !== String(user)) return;
    const cache = await caches.open(userCacheName(user));
    const wanted = await unitsToFetch(manifest, cache, user);
    let kept = 0;
    for (let start = 0; start < wanted.length; start += UNITS_PER_REQUEST) {
      kept += await fetchAndKeep(manifest.units, wanted.slice(start, start + UNITS_PER_REQUEST), user, cache);
    }
    let changed = kept > 0;
    changed = (await dropRoutinesGone(user, cache, manifest)) || changed;
    if (changed) await dropSingleSteps(cache);
    // Everything the phone holds is what the server had when the manifest was read.
    if (kept === wanted.length && network.changes === changesBefore) network.checkedAt = checked;
    await tellPagesWhatIsKept(user, cache, changed);
  }

  /** The units the manifest lists in a version the phone doesn't hold:
   * [{kind: "routine", id, version}, {kind: "library", version}, ...]. */
  async function unitsToFetch(manifest, cache, user) {
    const kept = (await outbox.getMeta(outbox.keys.offline(user))) || emptyKept();
    const wanted = [];
    for (const routine of manifest.routines) {
      if (kept.routines[routine.id] === routine.version && (await cache.match(unitPath(routine.id)))) continue;
      wanted.push({ kind: "routine", id: routine.id, version: routine.version });
    }
    for (const kind of ["library", "pages"]) {
      if (kept[kind] !== manifest[kind].version) wanted.push({ kind, version: manifest[kind].version });
    }
    return wanted;
  }

  /** One request for a few units; each that comes whole, in the version the manifest
   * named, is kept (and its stale pages dropped). Returns how many were kept. */
  async function fetchAndKeep(unitsUrl, batch, user, cache) {
    const query = batch.map((unit) => (unit.kind === "routine" ? `routine=${unit.id}` : `${unit.kind}=1`));
    const answer = await fetchUnit(`${unitsUrl}?${query.join("&")}`, UNIT_WAIT_MS);
    if (!answer || !Array.isArray(answer.units)) return 0;
    let kept = 0;
    for (const wanted of batch) {
      const unit = answer.units.find((u) => u.kind === wanted.kind && (wanted.kind !== "routine" || u.id === wanted.id));
      if (!unit || unit.version !== wanted.version) continue;
      const before = wanted.kind === "routine" ? null : await outbox.getMeta(outbox.keys.offline(user));
      if (!(await keepUnit(user, unit))) continue;
      kept += 1;
      if (before) {
        const stale = ((before.paths || {})[wanted.kind] || []).filter((path) => !(path in unit.pages));
        await Promise.all(stale.map((path) => cache.delete(path)));
      }
    }
    return kept;
  }

  async function dropRoutinesGone(user, cache, manifest) {
    const listed = new Set(manifest.routines.map((routine) => String(routine.id)));
    const kept = (await outbox.getMeta(outbox.keys.offline(user))) || emptyKept();
    const gone = Object.keys(kept.routines).filter((id) => !listed.has(id));
    for (const id of gone) {
      await Promise.all([unitPath(id), `/routines/${id}`, `/session/${id}`].map((path) => cache.delete(path)));
    }
    if (!gone.length) return false;
    await outbox.updateMeta(outbox.keys.offline(user), (current) => {
      current = current || emptyKept();
      for (const id of gone) {
        delete current.routines[id];
        if (current.rows) delete current.rows[id];
      }
      return current;
    });
    return true;
  }

  /** Step fragments are kept inside their routine's unit; single copies kept by an older
   * version of runpt are only taking space. */
  async function dropSingleSteps(cache) {
    const singles = (await cache.keys()).filter((request) => stepOf(new URL(request.url).pathname));
    await Promise.all(singles.map((request) => cache.delete(request)));
  }

  /** "7 routines available offline · 1.2 MB": the size is counted only after a change,
   * and written into what is kept as it is then (a unit kept meanwhile stays marked; a
   * runner who logged out meanwhile stays forgotten). */
  async function tellPagesWhatIsKept(user, cache, changed) {
    let kept = (await outbox.getMeta(outbox.keys.offline(user))) || emptyKept();
    if (changed || kept.bytes === undefined) {
      const bytes = await cacheBytes(cache);
      const signedIn = String(await signedInRunner()) === String(user);
      kept = await outbox.updateMeta(outbox.keys.offline(user), (current) => (
        current || signedIn ? { ...(current || emptyKept()), bytes, at: Date.now() } : null
      ));
      if (!kept) return;
    }
    await tellPages({ type: outbox.messages.offlineReady, routines: Object.keys(kept.routines).length, bytes: kept.bytes });
  }

  async function cacheBytes(cache) {
    let bytes = 0;
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      bytes += (await response.clone().arrayBuffer()).byteLength;
    }
    return bytes;
  }

  return Object.freeze({ isCurrentCopy, keepRoutineFrom, keepOfflineSetSoon });
})();
