/* Reminders in Settings (docs/reminders.md): the browser is asked for permission only
 * when the runner taps "Turn on reminders", never on page load. The phone's push
 * subscription and time zone go to the server; what can't work on this phone (an iPhone
 * not on the Home Screen, an iOS before 16.4, a browser without Web Push) is said plainly
 * and nothing that would fail is offered. */

export function start(root) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  for (const field of root.querySelectorAll("[data-time-zone]")) field.value = zone;
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.matches("[data-reminders-on]")) turnOn(root, zone);
    else if (button.matches("[data-reminders-off]")) turnOff(root);
  });
  return showWhatWorks(root);
}

export function isIPhone() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
}

export function onHomeScreen() {
  return navigator.standalone === true || window.matchMedia("(display-mode: standalone)").matches;
}

function canPush() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function reveal(root, marker, shown = true) {
  const element = root.querySelector(marker);
  if (element) element.hidden = !shown;
}

function say(root, text) {
  root.querySelector("[data-reminders-state]").textContent = text;
}

/** This phone can't show reminders: say why; and unless another phone of the runner
 * has them on, offer no choices either (saving them would change nothing). */
function cannot(root, marker) {
  reveal(root, marker);
  if (root.dataset.phones === "0") reveal(root, "[data-reminders-choices]", false);
}

async function showWhatWorks(root) {
  if (isIPhone()) {
    if (!onHomeScreen()) return cannot(root, "[data-reminders-ios]");
    if (!canPush()) return cannot(root, "[data-reminders-ios-old]");
    reveal(root, "[data-reminders-ios-home]");
  } else if (!canPush()) {
    return cannot(root, "[data-reminders-unsupported]");
  }
  if (Notification.permission === "denied") {
    reveal(root, "[data-reminders-blocked]");
    return;
  }
  const subscription = await currentSubscription();
  reveal(root, "[data-reminders-on]", !subscription);
  reveal(root, "[data-reminders-off]", Boolean(subscription));
  if (subscription) say(root, "Reminders are on for this phone.");
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

/** The VAPID public key as PushManager takes it (base64url text to bytes). */
function keyBytes(text) {
  const base64 = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

async function turnOn(root, zone) {
  say(root, "Asking this phone…");
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    say(root, "Reminders are off: this phone wasn't allowed to show them.");
    if (permission === "denied") reveal(root, "[data-reminders-blocked]");
    return;
  }
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(root.dataset.publicKey),
    });
    const response = await post(root.dataset.phoneUrl, {
      subscription: subscription.toJSON(), time_zone: zone,
    });
    if (!response.ok) throw new Error((await response.json()).error);
    say(root, "Reminders are on for this phone.");
    reveal(root, "[data-reminders-on]", false);
    reveal(root, "[data-reminders-off]");
    reveal(root, "[data-reminders-test]");
  } catch (problem) {
    say(root, `Reminders couldn't be turned on (${problem.message}). Try again with a signal.`);
  }
}

async function turnOff(root) {
  const subscription = await currentSubscription();
  if (subscription) {
    await post(root.dataset.removeUrl, { endpoint: subscription.endpoint }).catch(() => null);
    await subscription.unsubscribe();
  }
  say(root, "Reminders are off for this phone.");
  reveal(root, "[data-reminders-off]", false);
  reveal(root, "[data-reminders-on]");
}

function post(url, body) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}
