/* The runner's choice of sound and vibration at the end of a timer. */

export function cuesOn() {
  return localStorage.getItem("runpt:cues") !== "off";
}

export function showCueSetting() {
  const toggle = document.querySelector("[data-cues-toggle]");
  if (!toggle) return;
  toggle.checked = cuesOn();
  toggle.addEventListener("change", () => {
    localStorage.setItem("runpt:cues", toggle.checked ? "on" : "off");
  });
}

/** A short beep and a buzz at the end of a hold or rest, where the phone allows it. */
export function signalEnd() {
  if (!cuesOn()) return;
  if (navigator.vibrate) navigator.vibrate(200);
  try {
    const audio = new (window.AudioContext || window.webkitAudioContext)();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.value = 0.15;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.18);
    tone.onended = () => audio.close();
  } catch {
    /* no audio on this device: the screen still says "Go" */
  }
}

// One audio context for a metronome's many beats: browsers allow only a few at a time,
// and a new one per beat would fall silent after a handful.
let beatAudio = null;

/** A short click on each metronome beat: high on "up", low on "down". Call the first one
 * from a tap, so the phone lets it sound. */
export function beat(up) {
  if (!cuesOn()) return;
  try {
    beatAudio = beatAudio || new (window.AudioContext || window.webkitAudioContext)();
    if (beatAudio.state === "suspended") beatAudio.resume();
    const tone = beatAudio.createOscillator();
    const volume = beatAudio.createGain();
    tone.frequency.value = up ? 1320 : 660;
    volume.gain.value = 0.2;
    tone.connect(volume).connect(beatAudio.destination);
    tone.start();
    tone.stop(beatAudio.currentTime + 0.06);
  } catch {
    /* no audio on this device: the beat still shows on screen */
  }
}
