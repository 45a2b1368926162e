/* A metronome for capacity tests: a beat to rise on and a beat to lower on, at the
 * test's pace (30 raises a minute: a beat a second), shown on screen and sounded
 * (cues.js). Beats are counted from the start time, not from the timer's ticks, so a
 * late tick never slows the pace or loses a rep. */

import { beat } from "./cues.js";

/** Starts beating; `onRep(count)` is told after each "down" beat. Returns stop(),
 * which answers the reps completed. */
export function startMetronome(box, perMinute, onRep) {
  const beatMs = 60000 / perMinute / 2;
  const startedAt = Date.now();
  const label = box.querySelector("[data-beat]");
  let beats = 0;
  let timer = null;

  function play() {
    const up = beats % 2 === 0;
    beat(up);
    box.dataset.beat = up ? "up" : "down";
    label.textContent = up ? "Up" : "Down";
    if (!up) onRep((beats + 1) / 2);
    beats += 1;
    timer = setTimeout(play, Math.max(0, startedAt + beats * beatMs - Date.now()));
  }

  play();
  return function stop() {
    clearTimeout(timer);
    box.dataset.beat = "";
    label.textContent = "Stopped";
    return Math.floor(beats / 2);
  };
}

/** A clock for a hold: the seconds since the start, shown while it runs. Returns stop(),
 * which answers the whole seconds held. */
export function startClock(shown) {
  const startedAt = Date.now();
  const seconds = () => Math.floor((Date.now() - startedAt) / 1000);
  const timer = setInterval(() => { shown.textContent = String(seconds()); }, 250);
  return function stop() {
    clearInterval(timer);
    shown.textContent = String(seconds());
    return seconds();
  };
}
