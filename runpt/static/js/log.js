/* Logging: every fact a runner records goes to the outbox first, before any network
 * request, and is sent a moment later (docs/sync-protocol.md). */

import { outbox, user } from "./page.js";
import { askForBackgroundSync } from "./sw-client.js";
import { showSyncStatus, syncNow } from "./sync-status.js";

// Sending waits a moment so the next step is drawn first: the upload would otherwise
// compete with drawing it.
const SEND_AFTER_LOG_MS = 300;

/** A log is safe in the outbox: count it ("3 logs waiting") and send it soon. */
function sendSoon() {
  showSyncStatus();
  setTimeout(() => {
    if (navigator.onLine) syncNow();
    askForBackgroundSync();
  }, SEND_AFTER_LOG_MS);
}

export async function logEvent(type, session, data, extra = {}) {
  const event = { ...outbox.makeEvent(user, type, session, data), ...extra };
  await outbox.add(event); // outbox first: the log is safe before any network request
  sendSoon();
  return event;
}

/** A set from the player: the event and the session as it is after the set (its new
 * position, the set counted) go to the device in one transaction, so a resumed session
 * never counts a set the outbox doesn't hold, nor shows a logged set as still to do.
 * Events the set causes (`also`: a pain stop, {type, data}) go in the same transaction:
 * a stop is never without its set, nor a set that stopped without its stop.
 * The events are made now, at the tap; the returned promise settles when the write has
 * committed (or failed), so the player draws the next step without waiting for it. */
export function logWithSession(type, session, data, also = []) {
  const event = outbox.makeEvent(user, type, session.session, data);
  const caused = also.map((one) => outbox.makeEvent(user, one.type, session.session, one.data));
  return outbox.addWithSession([event, ...caused], structuredClone(session)).then(() => {
    sendSoon();
    return event;
  });
}
