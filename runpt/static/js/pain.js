/* What the player does with the pain a runner logs, decided on the phone, so it works
 * with no signal (pain-monitoring model, docs/content-rules.md, rule 1). The zones and the words
 * that mean sharp pain come from the server's one rule (runpt/pain.py), written into
 * the player page as data attributes. */

function rules() {
  const data = document.getElementById("pain-rules").dataset;
  return {
    safe: Number(data.safeMax),
    acceptable: Number(data.acceptableMax),
    sharp: data.sharpWords.split("|").filter(Boolean),
  };
}

/** Whether a note says the pain was sharp ("sharp at the front of the knee", "had to
 * stop"): whole words, any case. */
export function saysSharpPain(note, words = rules().sharp) {
  if (!note) return false;
  const text = note.toLowerCase();
  return words.some((word) => new RegExp(`(^|[^a-z])${word}([^a-z]|$)`).test(text));
}

/** What a logged set means now: {stop: "pain" | "sharp-pain"} ends the exercise for
 * today; {acceptable: pain} is a note on the next step; {} nothing to say. */
export function painResponse(set) {
  const zones = rules();
  if (set.pain !== null && set.pain > zones.acceptable) return { stop: "pain" };
  if (saysSharpPain(set.note, zones.sharp)) return { stop: "sharp-pain" };
  if (set.pain !== null && set.pain > zones.safe) return { acceptable: set.pain };
  return {};
}
