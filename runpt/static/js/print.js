/* The one script of a page opened with a share link: its Print button. The rest of
 * runpt's browser code (outbox, sync, service worker) is for a signed-in runner's own
 * phone, not a physio's browser. */

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
