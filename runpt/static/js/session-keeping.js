/* The session in progress, kept on the device: saved at every step, and each logged set
 * written together with the session that counts it (one IndexedDB transaction,
 * log.js `logWithSession`). The player draws the next step without waiting for that
 * write; later saves of the session wait for it, so the device never holds a session that
 * has moved past a set the outbox doesn't hold. */

import { logWithSession } from "./log.js";
import { outbox } from "./page.js";

// The write of the last set logged, while it is under way: a promise of true once it
// committed, false once it failed (its `notSaved` has been told by then).
let saving = null;

/** Log a set with its session, and with it any `also` events it causes (a pain stop:
 * {type, data}); `notSaved(problem)` is told if the write fails (then none is stored). */
export function saveSet(session, data, notSaved, also = []) {
  const write = logWithSession("set.logged", session, data, also).then(
    () => {
      if (saving === write) saving = null;
      return true;
    },
    (problem) => {
      if (saving === write) saving = null;
      notSaved(problem);
      return false;
    },
  );
  saving = write;
}

/** Whether every set logged so far is on the device (waits for one being written). */
export async function setsSaved() {
  return saving ? saving : true;
}

/** Save the session as it is when its turn comes (not awaited: IndexedDB keeps the
 * order of the writes), after a set being written, and only if `stillPlaying()` then. */
export function keepSession(session, stillPlaying) {
  const write = () => {
    if (stillPlaying()) outbox.saveSession(session);
  };
  if (saving) saving.then(write);
  else write();
}
