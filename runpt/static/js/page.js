/* What every runpt page shares: who is signed in, the outbox (outbox.js, loaded before
 * the modules because the service worker uses the same file), and small words. */

export const outbox = self.RunptOutbox;
export const page = document.body.dataset;
export const user = page.user ? Number(page.user) : null;
export const syncUrl = page.syncUrl || "/api/sync";

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

export function minutesAgo(time) {
  const minutes = Math.round((Date.now() - time) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** On a first visit the service worker's install and the offline set would compete
 * with the page's own loading for the network and the CPU. */
export function afterLoad(work) {
  if (document.readyState === "complete") work();
  else window.addEventListener("load", work, { once: true });
}

/** `work` once the next frame has been drawn: what can wait until a change is on the
 * screen, so that a slow phone shows it first (focus, speech: docs/performance.md,
 * issue 27). A hidden page draws no frames. All that waits for one frame is done in one
 * task, asked for once: a tap's scroll, focus and speech cost a slow phone one timer. */
const afterFrame = [];

export function afterNextFrame(work) {
  afterFrame.push(work);
  if (afterFrame.length === 1) requestAnimationFrame(() => setTimeout(runAfterFrame, 0));
}

function runAfterFrame() {
  for (const work of afterFrame.splice(0)) {
    try {
      work();
    } catch (problem) {
      queueMicrotask(() => { throw problem; }); // reported as ever; the rest still runs
    }
  }
}

/** `element` made to say `text`, the page changed only where it says something else:
 * `textContent =` puts in a new text node even for the same words, and a slow phone
 * then styles and lays out that node again (docs/performance.md, issue 27). */
export function writeText(element, text) {
  if (element.textContent === text) return;
  const only = element.firstChild;
  if (text && only && only === element.lastChild && only.nodeType === Node.TEXT_NODE) only.data = text;
  else element.textContent = text;
}

/** Copies of the app's <template> elements: texts and cards live in the markup, where
 * the server fills them from the rule they come from. */
export function fromTemplate(id) {
  const template = document.getElementById(id);
  return template ? template.content.firstElementChild.cloneNode(true) : null;
}
