/* runpt service worker, the share layer (imported by sw.js after sw-offline-set.js).
 *
 * A watch app's Share sheet posts a .fit, .gpx or .tcx file to /running/share (the
 * manifest's share_target). The worker keeps the file on the phone before anything
 * else, in the `runpt-shared` cache, and opens the running page with ?shared=1; the
 * page (js/running.js) sends it to be read and lets it go once the server has read it.
 * With no signal the file waits there and is read when the phone is back online: a
 * share is never lost to a dead zone. Why keep rather than read on the phone: the
 * readers (runpt/running/watch_files.py) are the server's, bounded and tested against
 * real files; a second copy in JavaScript would be a second set of figures.
 *
 * Depends on nothing of the other layers; what sw.js needs from here is in
 * `self.RunptShare`.
 */
"use strict";

self.RunptShare = (() => {
  const SHARE_ACTION = "/running/share";
  const SHARED_CACHE = "runpt-shared";
  const SHARED_FILE = "/running/shared-file";
  const LANDING = "/running/?shared=1";

  function isShare(request) {
    return request.method === "POST" && new URL(request.url).pathname === SHARE_ACTION;
  }

  /** Keeps the shared file (only the latest: a share replaces one not read yet) and
   * opens the running page. A post with no file opens the page all the same. */
  async function keepShared(request) {
    try {
      const form = await request.formData();
      const file = form.get("file");
      if (file && typeof file !== "string") {
        const cache = await caches.open(SHARED_CACHE);
        await cache.put(SHARED_FILE, new Response(file, {
          headers: { "X-Runpt-Filename": encodeURIComponent(file.name || "shared.fit") },
        }));
      }
    } catch {
      /* a body the worker can't read: the page opens and says nothing was kept */
    }
    return Response.redirect(LANDING, 303);
  }

  return Object.freeze({ isShare, keepShared });
})();
