/* Runs in the page (tests/browser/test_one_thumb.py): every step of the session on
 * screen, from the first to the last, each measured right after it was swapped in, then
 * skipped. Returns what was wrong, in words. */
async () => {
  const problems = [];
  const painted = () =>
    new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const total = Number(document.getElementById("step").dataset.total);

  // On screen above `floor`, below the header, not off the side, and itself at its
  // centre: nothing covers it.
  const seen = (where, header, element, what, floor) => {
    if (!element) return problems.push(`${where}: no ${what}`);
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height) return problems.push(`${where}: ${what} not shown`);
    if (box.top < header.bottom - 0.5) {
      problems.push(`${where}: ${what} under the header (${box.top} < ${header.bottom})`);
    }
    if (box.bottom > floor + 0.5) problems.push(`${where}: ${what} below ${floor} (${box.bottom})`);
    if (box.left < -0.5 || box.right > window.innerWidth + 0.5) {
      problems.push(`${where}: ${what} off the side`);
    }
    const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
    const found = document.elementFromPoint(x, y);
    if (!found || !(element === found || element.contains(found))) {
      problems.push(`${where}: ${what} covered by ${found && found.outerHTML.slice(0, 60)}`);
    }
  };

  for (let index = 0; index < total; index += 1) {
    await painted();
    const step = document.getElementById("step");
    if (!step || Number(step.dataset.index) !== index) {
      problems.push(`step ${index} was not shown`);
      break;
    }
    const side = step.dataset.side ? ` ${step.dataset.side}` : "";
    const where = `step ${index + 1} of ${total} (${step.dataset.exerciseName}, set ` +
      `${step.dataset.set}${side})`;
    const header = document.querySelector("header.top").getBoundingClientRect();
    const bar = step.querySelector(".log-dock").getBoundingClientRect();
    seen(where, header, step.querySelector("#step-title"), "the exercise's name", bar.top);
    seen(where, header, step.querySelector(".dose-now"), "the set and dose", bar.top);
    if (step.dataset.side) seen(where, header, step.querySelector(".side"), "the side", bar.top);
    if (Number(step.dataset.wait) > 0) {
      const timer = step.querySelector("[data-timer]");
      if (timer.hidden) problems.push(`${where}: the countdown isn't running`);
      else seen(where, header, timer.querySelector("[data-timer-clock]"), "the countdown", bar.top);
    }
    const logSet = step.querySelector("[data-log-set]");
    seen(where, header, logSet, "Log set", window.innerHeight);
    if (logSet.getBoundingClientRect().top < window.innerHeight * 0.75) {
      problems.push(`${where}: Log set out of thumb reach`);
    }
    // The pain question: 0-10 and Sharp pain on screen above Log set, each a target of
    // at least 44 px, and nothing chosen for the runner.
    const targets = [...step.querySelectorAll(".pain-scale label")];
    if (targets.length !== 12) problems.push(`${where}: ${targets.length} pain targets, not 12`);
    for (const target of targets) {
      const what = `pain "${target.textContent.trim()}"`;
      seen(where, header, target, what, logSet.getBoundingClientRect().top);
      const box = target.getBoundingClientRect();
      if (box.width < 44 || box.height < 44) problems.push(`${where}: ${what} is ${box.width}×${box.height}`);
    }
    if (step.querySelector(".pain-scale input:checked")) problems.push(`${where}: pain chosen already`);
    if (step.querySelector("details.log-more").open) {
      problems.push(`${where}: load, effort and note not folded away`);
    }
    const page = document.scrollingElement;
    if (page.scrollWidth > page.clientWidth) problems.push(`${where}: the page scrolls sideways`);
    step.querySelector("[data-step-skip]").click();
  }
  return problems;
}
