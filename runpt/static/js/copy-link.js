/* A link to hand on (the physio's share link): Copy puts it on the clipboard, and Share
 * opens the phone's own share sheet where the browser has one (navigator.share); where
 * it hasn't, the Share button stays hidden rather than offering what can't work. */

export function start(root) {
  const field = document.getElementById(root.dataset.copyLink);
  const status = root.querySelector("[data-copy-status]");
  const share = root.querySelector("[data-share]");
  const shareData = { title: root.dataset.shareTitle || document.title, url: field.value };
  if (share && navigator.share && (!navigator.canShare || navigator.canShare(shareData))) share.hidden = false;
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-copy]")) status.textContent = await copied(field);
    else if (button.matches("[data-share]")) navigator.share(shareData).catch(() => {});
  });
}

async function copied(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return "Copied. Paste it into a message to your physio.";
  } catch {
    // No clipboard permission (an old browser, a page not in front): select it to copy.
    field.focus();
    field.select();
    return "Selected: copy it with your phone's menu.";
  }
}
