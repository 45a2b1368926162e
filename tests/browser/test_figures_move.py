"""A strength exercise's figure moves gently between its start and end positions, and
stands still, both positions on screen, for a runner who asks for reduced motion."""

from tests.browser.helpers import register

STYLE_OF_POSES = """() => [...document.querySelectorAll(".figure .pose")].map((pose) => {
  const style = getComputedStyle(pose);
  return [pose.classList[1], style.animationName, Number(style.opacity)];
})"""


def test_a_figure_takes_turns_between_its_two_positions(page):
    register(page)
    page.goto("/library/glute-bridge")
    poses = page.evaluate(STYLE_OF_POSES)
    assert [(name, animation) for name, animation, _ in poses] == [
        ("pose-start", "pose-start"), ("pose-end", "pose-end"),
    ]  # fmt: skip


def test_with_reduced_motion_both_positions_stand_still_the_end_one_faded(page):
    page.emulate_media(reduced_motion="reduce")
    register(page)
    page.goto("/library/glute-bridge")
    poses = page.evaluate(STYLE_OF_POSES)
    assert [(name, animation) for name, animation, _ in poses] == [
        ("pose-start", "none"), ("pose-end", "none"),
    ]  # fmt: skip
    (_, _, start), (_, _, end) = poses
    assert start == 1 and 0.2 <= end < 1
