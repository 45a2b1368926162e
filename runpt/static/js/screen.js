/* The screen during a session: it stays on (the phone lies on the floor by the mat), and
 * each new step starts just below the sticky header, never under it. */

let wakeLock = null;

export async function keepScreenOn() {
  if (!("wakeLock" in navigator) || wakeLock || document.visibilityState !== "visible") return;
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    wakeLock.addEventListener("release", () => { wakeLock = null; });
  } catch {
    wakeLock = null; // battery saver or no permission: the session still works
  }
}

export function letScreenSleep() {
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
}

// Room between the header's bottom edge and the step's top.
const GAP_PX = 6;

/** Scroll a new step to just below the sticky header, so its name, set and side, dose
 * and countdown are on screen above the pinned Log set bar, whatever was scrolled before. */
export function bringStepIntoView(step) {
  const header = document.querySelector("header.top");
  const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
  const top = step.getBoundingClientRect().top + window.scrollY - headerBottom - GAP_PX;
  window.scrollTo(0, Math.max(0, top));
}

/** The session's progress bar, `fraction` of the way. Drawn by scaling, not by width: a
 * scale is animated by the phone's compositor, while a width would be laid out and
 * painted again on the main thread every frame of the animation (docs/performance.md,
 * issue 27). */
export function showProgress(playerPage, fraction) {
  playerPage.querySelector("[data-progress]").style.transform = `scaleX(${Math.min(1, Math.max(0, fraction))})`;
}
