"""Draw the strength exercises' figures: each shows the start and the end of the movement,
two poses of one figure over the same props, as inline-safe SVG in currentColor.

    .venv/bin/python docs/figures/draw.py

Writes runpt/static/figures/<slug>.svg for every exercise below. A pose is a few joints
(hips, shoulders, ankles, hands); knees and elbows are found from the limb lengths, so
both poses keep one body. The page crossfades the two poses gently (app.css, stopped
under prefers-reduced-motion, where both stay on screen, the end one faded). Near limbs
are drawn solid, far limbs faded; in a front view both are solid.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "runpt" / "static" / "figures"
GROUND = 150
THIGH, SHIN, FOOT = 30, 29, 12
UPPER_ARM, FOREARM = 22, 20
HEAD_R, NECK = 10, 4
BAND = "#0d9488"  # a resistance band's colour, readable on light and dark


def point(p) -> str:
    return f"{round(p[0])} {round(p[1])}"


def toward(start, angle_deg: float, length: float):
    angle = math.radians(angle_deg)
    return (start[0] + length * math.cos(angle), start[1] + length * math.sin(angle))


def joint(start, end, first: float, second: float, bend: int):
    """The middle joint of a two-part limb from `start` to `end` (a knee, an elbow), on
    the `bend` side (+1 or -1) of the line between them."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    reach = math.hypot(dx, dy)
    reach = min(max(reach, abs(first - second) + 0.01), first + second - 0.01)
    along = (first**2 - second**2 + reach**2) / (2 * reach)
    across = math.sqrt(max(first**2 - along**2, 0))
    ux, uy = dx / math.hypot(dx, dy), dy / math.hypot(dx, dy)
    middle = (start[0] + along * ux, start[1] + along * uy)
    return (middle[0] + bend * across * uy, middle[1] - bend * across * ux)


@dataclass
class Leg:
    ankle: tuple
    bend: int = 1  # +1: the knee forward (to the right of a leg pointing down; up when lying)
    toe: float = 0  # the foot's angle (0: pointing right)
    knee: tuple | None = None  # given, when the limb lengths shouldn't decide it


@dataclass
class Arm:
    hand: tuple
    bend: int = -1
    elbow: tuple | None = None


@dataclass
class Pose:
    hip: tuple
    shoulder: tuple
    legs: list  # [near, far]
    arms: list  # [near, far]
    head: float | None = None  # direction from the shoulders; None: along the trunk
    front: bool = False  # facing the viewer: both sides solid
    extra: list = field(default_factory=list)  # svg of things held, moving with the pose


def leg_path(hip, leg: Leg) -> str:
    knee = leg.knee or joint(hip, leg.ankle, THIGH, SHIN, leg.bend)
    toe = toward(leg.ankle, leg.toe, FOOT)
    return f"M{point(hip)}L{point(knee)}L{point(leg.ankle)}L{point(toe)}"


def arm_path(shoulder, arm: Arm) -> str:
    elbow = arm.elbow or joint(shoulder, arm.hand, UPPER_ARM, FOREARM, arm.bend)
    return f"M{point(shoulder)}L{point(elbow)}L{point(arm.hand)}"


def head_centre(pose: Pose):
    if pose.head is not None:
        return toward(pose.shoulder, pose.head, NECK + HEAD_R)
    trunk = math.degrees(math.atan2(pose.shoulder[1] - pose.hip[1], pose.shoulder[0] - pose.hip[0]))
    return toward(pose.shoulder, trunk, NECK + HEAD_R)


def pose_svg(pose: Pose, which: str) -> str:
    far = "" if pose.front else ' stroke-opacity=".45"'
    far_limbs = leg_path(pose.hip, pose.legs[1]) + arm_path(pose.shoulder, pose.arms[1])
    near_limbs = leg_path(pose.hip, pose.legs[0]) + arm_path(pose.shoulder, pose.arms[0])
    head = head_centre(pose)
    return (
        f'<g class="pose pose-{which}" fill="none" stroke="currentColor" '
        'stroke-linecap="round" stroke-linejoin="round">'
        f'<path{far} stroke-width="8" d="{far_limbs}"/>'
        f'<path stroke-width="13" d="M{point(pose.hip)}L{point(pose.shoulder)}"/>'
        f'<path stroke-width="8" d="{near_limbs}"/>'
        f'<circle fill="currentColor" stroke="none" cx="{round(head[0])}" cy="{round(head[1])}" '
        f'r="{HEAD_R}"/>' + "".join(pose.extra) + "</g>"
    )


def props_svg(parts: list[str]) -> str:
    return (
        '<g fill="none" stroke="currentColor" stroke-opacity=".45" stroke-width="4" '
        f'stroke-linecap="round">{"".join(parts)}</g>'
    )


def figure(slug: str, title: str, props: list[str], start: Pose, end: Pose) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 160" width="240" '
        f'height="160" role="img" aria-labelledby="fig-{slug}">\n'
        f'<title id="fig-{slug}">{title}</title>\n'
        f"{props_svg(props)}\n{pose_svg(start, 'start')}\n{pose_svg(end, 'end')}\n</svg>\n"
    )


# --- things in the picture ----------------------------------------------------------


def floor(y=GROUND) -> str:
    return f'<path d="M8 {y}H232"/>'


def wall(x) -> str:
    return f'<path d="M{x} 10V{GROUND}"/>'


def step(x, width, height=24, name="step", slug="") -> str:
    ident = f' id="fig-{slug}-{name}"' if slug else ""
    return f'<rect{ident} x="{x}" y="{GROUND - height}" width="{width}" height="{height}" rx="3"/>'


def chair(x, seat=112) -> str:
    """A chair seen from the side, its back at `x`, seat running right."""
    return f'<path d="M{x} {seat - 44}V{GROUND}M{x} {seat}H{x + 40}V{GROUND}"/>'


def band(a, b) -> str:
    return f'<path stroke="{BAND}" stroke-opacity="1" stroke-width="4" d="M{point(a)}L{point(b)}"/>'


def dumbbell(hand) -> str:
    x, y = hand
    return (
        f'<path stroke-width="5" d="M{x - 8} {y}H{x + 8}"/>'
        f'<path stroke-width="9" d="M{x - 9} {y - 1}v2M{x + 9} {y - 1}v2"/>'
    )


def ball(x, y, r) -> str:
    return f'<circle cx="{x}" cy="{y}" r="{r}"/>'


def along(a, b, share: float):
    return (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)


# Standing, facing right, feet at the floor: hips 57 above the ankles.
STAND_HIP_Y = GROUND - 4 - 57


def standing(x, hip_drop=0, lean=0, heel_up=0, **changes) -> Pose:
    """A figure standing at `x`, hips `hip_drop` lower, trunk leaning `lean` px forward,
    heels `heel_up` px off the floor (on the toes)."""
    ankle_y = GROUND - 4 - heel_up
    hip = (x, STAND_HIP_Y + hip_drop - heel_up)
    shoulder = (x + lean, hip[1] - 38 + abs(lean) * 0.25)
    toe = math.degrees(math.asin(min(heel_up / FOOT, 1)))  # the toes stay on the floor
    pose = Pose(
        hip=hip,
        shoulder=shoulder,
        legs=[Leg((x + 2, ankle_y), toe=toe), Leg((x - 2, ankle_y), toe=toe)],
        arms=[Arm((shoulder[0] + 4, shoulder[1] + 40)), Arm((shoulder[0], shoulder[1] + 40))],
    )
    for name, value in changes.items():
        setattr(pose, name, value)
    return pose


def lying_on_back(hip, shoulder_x, knees_up=True, **changes) -> Pose:
    """Lying face up, head to the left."""
    shoulder = (shoulder_x, GROUND - 9)
    pose = Pose(
        hip=hip,
        shoulder=shoulder,
        legs=[Leg((hip[0] + 32, GROUND - 4), bend=1), Leg((hip[0] + 36, GROUND - 4), bend=1)],
        arms=[Arm((shoulder[0] + 38, GROUND - 5), bend=1), Arm((shoulder[0] + 40, GROUND - 6))],
        head=180,
    )
    for name, value in changes.items():
        setattr(pose, name, value)
    return pose


# --- the exercises ------------------------------------------------------------------


def glute_bridge():
    start = lying_on_back((112, GROUND - 9), 72)
    end = lying_on_back((112, 118), 74, head=184)
    end.legs = [Leg((144, GROUND - 4), bend=1), Leg((148, GROUND - 4), bend=1)]
    return ("glute-bridge",
            "Glute bridge: lying on the back, knees bent and feet flat, the hips lift until "
            "knees, hips and shoulders line up, then lower",
            [floor()], start, end)  # fmt: skip


def clamshell():
    # Side-lying, seen from the front, propped on an elbow: hips and knees bent so the
    # knees are forward and the feet together behind them; the top knee opens like a
    # shell against a loop band just above the knees.
    def pose(top_knee):
        hip, shoulder = (116, 138), (68, 134)
        bottom = Leg((128, 146), knee=(154, 143), toe=180)
        top = Leg((130, 140), knee=top_knee, toe=180)
        extra = [band(along(hip, (154, 143), 0.8), along(hip, top_knee, 0.8))]
        return Pose(hip=hip, shoulder=shoulder, legs=[top, bottom],
                    arms=[Arm((98, 144), elbow=(84, 130)), Arm((34, 142), elbow=(52, 146))],
                    head=195, extra=extra)  # fmt: skip

    return ("clamshell",
            "Clamshell: lying on one side, knees bent and feet together, the top knee opens "
            "against a loop band and closes again, hips still",
            [floor()], pose((154, 134)), pose((146, 104)))  # fmt: skip


def single_leg_squat():
    start = standing(118)
    start.legs = [Leg((120, GROUND - 4)), Leg((140, 132), bend=1, toe=-10)]
    start.arms = [Arm((128, 96)), Arm((124, 96))]
    end = standing(106, hip_drop=20, lean=14)
    end.legs = [Leg((120, GROUND - 4)), Leg((160, 130), bend=1, toe=-10)]
    end.arms = [Arm((162, 74), bend=1), Arm((158, 76), bend=1)]
    return ("single-leg-squat",
            "Single-leg squat: standing on one leg, the hips sit back and down with the "
            "knee over the toes, the other leg held forward, then stand tall",
            [floor()], start, end)  # fmt: skip


def front_view(x, hip_drop=0, left_foot=None, right_foot=None, arms=None) -> Pose:
    hip = (x, STAND_HIP_Y + hip_drop)
    shoulder = (x, hip[1] - 38)
    left = left_foot or (x - 10, GROUND - 4)
    right = right_foot or (x + 10, GROUND - 4)
    hands = arms or [(x - 20, shoulder[1] + 38), (x + 20, shoulder[1] + 38)]
    return Pose(
        hip=hip, shoulder=shoulder, head=-90, front=True,
        legs=[Leg(left, bend=-1, toe=180), Leg(right, bend=1, toe=0)],
        arms=[Arm(hands[0], bend=-1), Arm(hands[1], bend=1)],
    )  # fmt: skip


def with_band_on_shins(pose: Pose, share=0.7) -> Pose:
    knees = [joint(pose.hip, leg.ankle, THIGH, SHIN, leg.bend) for leg in pose.legs]
    ends = [along(knee, leg.ankle, share) for knee, leg in zip(knees, pose.legs, strict=True)]
    pose.extra.append(band(*ends))
    return pose


def lateral_band_walk():
    start = with_band_on_shins(front_view(110, hip_drop=10))
    end = with_band_on_shins(
        front_view(124, hip_drop=10, left_foot=(96, GROUND - 4), right_foot=(158, GROUND - 4))
    )
    return ("lateral-band-walk",
            "Lateral band walk, facing you: in a half squat with a loop band around the "
            "legs, one foot steps out to the side against the band, then the other follows",
            [floor()], start, end)  # fmt: skip


def standing_hip_abduction():
    arms = [(84, 60), (140, 96)]
    start = front_view(118, arms=arms)
    end = front_view(118, arms=arms, right_foot=(147, 140))
    return ("standing-hip-abduction",
            "Standing hip abduction, facing you: one hand on a wall, the outside leg lifts "
            "out to the side with the toes forward, then lowers",
            [floor(), wall(70)], start, end)  # fmt: skip


def monster_walk():
    start = with_band_on_shins(standing(104, hip_drop=10, lean=8))
    end = with_band_on_shins(standing(118, hip_drop=12, lean=8))
    end.legs = [Leg((146, GROUND - 4)), Leg((96, GROUND - 4), toe=10)]
    end.extra = []
    with_band_on_shins(end)
    return ("monster-walk",
            "Monster walk: in a half squat with a loop band around the legs, long steps "
            "forward and out, keeping the band tight",
            [floor()], start, end)  # fmt: skip


def adductor_squeeze():
    start = lying_on_back((112, GROUND - 9), 72)
    end = lying_on_back((112, GROUND - 9), 72)
    knee = joint(start.hip, start.legs[0].ankle, THIGH, SHIN, 1)
    x, y = round(knee[0]) - 3, round(knee[1]) + 9
    start.extra = [f'<circle stroke-width="4" cx="{x}" cy="{y}" r="9"/>']
    end.extra = [
        f'<ellipse stroke-width="4" cx="{x}" cy="{y}" rx="5" ry="10"/>',
        f'<path stroke-width="3" d="M{x - 18} {y}h8M{x - 13} {y - 4}l3 4l-3 4'
        f'M{x + 18} {y}h-8M{x + 13} {y - 4}l-3 4l3 4"/>',
    ]
    return ("adductor-squeeze",
            "Adductor squeeze: lying on the back with knees bent and a ball or pillow "
            "between them, the knees squeeze the ball, hold, then ease off",
            [floor()], start, end)  # fmt: skip


def calf_raise(slug, title, one_leg=False, held=None, towel=False, backpack=False):
    def pose(heel_up):
        p = standing(120, heel_up=heel_up)
        p.arms = [Arm((172, p.shoulder[1] + 8), bend=1), Arm((170, p.shoulder[1] + 10), bend=1)]
        if one_leg:
            p.legs[1] = Leg((98, GROUND - 22 - heel_up), bend=-1, toe=30)
        if held:
            p.arms[1] = Arm((p.shoulder[0] - 2, p.shoulder[1] + 40))
            p.extra.append(dumbbell((round(p.shoulder[0] - 2), round(p.shoulder[1] + 42))))
        if backpack:
            p.extra.append(
                f'<rect x="{round(p.shoulder[0]) - 16}" y="{round(p.shoulder[1]) + 4}" '
                'width="10" height="22" rx="3" stroke-width="4"/>'
            )
        return p

    props = [floor(), wall(180)]
    if towel:
        props.append(ball(130, GROUND - 5, 4))
    return (slug, title, props, pose(0), pose(10))


def eccentric_heel_drop(slug, bent_knee: bool):
    # On the ball of one foot at the back edge of a step (x=100), the heel hanging off it;
    # a dashed line carries the step's top back, so "below the step" is plain to see.
    height = 14
    top = GROUND - height

    def pose(heel_y):
        ball_of_foot = (108, top - 4)
        heel = (92, heel_y)
        ankle = (95, heel_y - 5)
        toe = math.degrees(math.atan2(ball_of_foot[1] - ankle[1], ball_of_foot[0] - ankle[0]))
        lower = 5 if bent_knee else 0
        hip = (96 + 2 * lower, ankle[1] - 57 + lower)
        shoulder = (hip[0] - lower, hip[1] - 38)
        leg = Leg(ankle, bend=1, toe=toe)
        other = Leg((112, hip[1] + 48), bend=-1, toe=50)
        arms = [Arm((154, shoulder[1] + 12), bend=1), Arm((152, shoulder[1] + 14), bend=1)]
        name = "heel-up" if heel_y < top else "heel-down"
        extra = [f'<circle id="fig-{slug}-{name}" fill="currentColor" stroke="none" '
                 f'cx="{heel[0]}" cy="{heel_y}" r="3"/>']  # fmt: skip
        return Pose(hip=hip, shoulder=shoulder, legs=[leg, other], arms=arms, extra=extra)

    props = [floor(), wall(162), step(100, 56, height, slug=slug),
             f'<path stroke-dasharray="4 5" d="M56 {top}H100"/>']  # fmt: skip
    knee = "bent" if bent_knee else "straight"
    title = (
        f"Eccentric heel drop, knee {knee}: up on the ball of one foot at the edge of a "
        "step, the heel lowers slowly below the level of the step"
    )
    return (slug, title, props, pose(top - 8), pose(top + 10))


def seated_calf_raise():
    def pose(heel_up):
        hip, shoulder = (92, 112), (88, 74)
        ankle = (124, GROUND - 4 - heel_up)
        knee = (122, ankle[1] - SHIN)
        toe = math.degrees(math.asin(min(heel_up / FOOT, 1)))
        # One leg at a time: the far foot stays flat while the near heel rises.
        legs = [Leg(ankle, knee=knee, toe=toe),
                Leg((116, GROUND - 4), knee=(114, GROUND - 4 - SHIN), toe=0)]  # fmt: skip
        weight = (122, knee[1] - 8)
        arms = [Arm((weight[0] - 2, weight[1]), bend=1), Arm((weight[0] - 6, weight[1]), bend=1)]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, extra=[dumbbell(weight)])

    return ("seated-calf-raise",
            "Seated calf raise: sitting with a weight on one knee, that heel rises slowly "
            "as high as it goes, then lowers",
            [floor(), chair(70, 120)], pose(0), pose(10))  # fmt: skip


def ankle_dorsiflexion_band():
    def pose(toe_angle):
        hip, shoulder = (70, GROUND - 9), (58, GROUND - 46)
        ankle = (128, GROUND - 6)
        legs = [Leg(ankle, knee=(99, GROUND - 8), toe=toe_angle),
                Leg((124, GROUND - 6), knee=(96, GROUND - 8), toe=toe_angle)]  # fmt: skip
        arms = [Arm((78, GROUND - 8), bend=-1), Arm((44, GROUND - 6), bend=1)]
        foot_top = toward(ankle, toe_angle, 8)
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=-80,
                    extra=[band(foot_top, (206, 138))])  # fmt: skip

    return ("ankle-dorsiflexion-band",
            "Ankle dorsiflexion with a band: sitting with the legs out, a band over the foot "
            "tied low in front, the toes pull up toward the shin, then return slowly",
            [floor(), '<path d="M206 150V130"/>'], pose(-40), pose(-95))  # fmt: skip


def band_foot_inversion():
    # Seen from the front, sitting: the right foot's sole turns in and up against a band
    # tied low on its outside.
    def pose(tilt):
        hip, shoulder = (120, 98), (120, 60)
        right_ankle = (136, GROUND - 6)
        sole_in = toward(right_ankle, 180 + tilt, 10)
        legs = [Leg((104, GROUND - 6), knee=(104, 104), toe=180),
                Leg(right_ankle, knee=(136, 104), toe=tilt)]  # fmt: skip
        arms = [Arm((104, 98), bend=-1), Arm((136, 98), bend=1)]
        extra = [f'<path stroke-width="6" d="M{point(right_ankle)}L{point(sole_in)}"/>',
                 band(toward(right_ankle, tilt, 8), (200, 146))]  # fmt: skip
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=-90, front=True,
                    extra=extra)  # fmt: skip

    return ("band-foot-inversion",
            "Band foot inversion, facing you: sitting with a band around the forefoot tied "
            "low on the outside, the sole turns in and up, heel down, then returns",
            [floor(), '<path d="M88 100H152"/>', '<path d="M200 150V136"/>'],
            pose(0), pose(28))  # fmt: skip


def toe_walking():
    def pose(x, near_ahead):
        p = standing(x, heel_up=10)
        ahead, behind = (x + 16, GROUND - 14), (x - 16, GROUND - 14)
        toe = math.degrees(math.asin(10 / FOOT))
        p.legs = [Leg(ahead if near_ahead else behind, toe=toe),
                  Leg(behind if near_ahead else ahead, toe=toe)]  # fmt: skip
        p.arms = [Arm((x - 14 if near_ahead else x + 14, p.shoulder[1] + 36)),
                  Arm((x + 14 if near_ahead else x - 14, p.shoulder[1] + 36))]  # fmt: skip
        return p

    return ("toe-walking",
            "Toe walking: walking tall, high on the balls of the feet, heels never touching "
            "the floor, one short step after another",
            [floor()], pose(96, True), pose(130, False))  # fmt: skip


def stability_ball_hamstring_curl():
    def pose(ball_x, hip):
        heels = (ball_x - 6, GROUND - 34)
        legs = [Leg(heels, bend=1, toe=-60), Leg((heels[0] + 4, heels[1] + 2), bend=1, toe=-60)]
        arms = [Arm((100, GROUND - 5), bend=1), Arm((104, GROUND - 6))]
        ball = f'<circle stroke-width="4" cx="{ball_x + 8}" cy="{GROUND - 18}" r="18"/>'
        return Pose(hip=hip, shoulder=(66, GROUND - 9), legs=legs, arms=arms, head=184,
                    extra=[ball])  # fmt: skip

    return ("stability-ball-hamstring-curl",
            "Stability-ball hamstring curl: lying on the back, heels on a ball and hips "
            "lifted, the heels roll the ball in toward the hips, then out again",
            [floor()], pose(176, (104, 128)), pose(142, (104, 116)))  # fmt: skip


def romanian_deadlift():
    start = standing(110)
    start.arms = [Arm((114, start.shoulder[1] + 40)), Arm((110, start.shoulder[1] + 40))]
    start.extra = [dumbbell((114, round(start.shoulder[1]) + 42))]
    hip = (98, STAND_HIP_Y + 6)
    end = Pose(
        hip=hip, shoulder=(132, hip[1] - 20),
        legs=[Leg((114, GROUND - 4)), Leg((110, GROUND - 4))],
        arms=[Arm((130, 112), bend=1), Arm((126, 112), bend=1)],
        extra=[dumbbell((130, 114))],
    )  # fmt: skip
    return ("romanian-deadlift",
            "Romanian deadlift: standing tall with a weight, the hips push back and the "
            "back stays flat as the weight slides down the legs to mid-shin, then up",
            [floor()], start, end)  # fmt: skip


def step_down():
    top = GROUND - 24

    def pose(hip_drop, free_ankle):
        p = standing(96, hip_drop=hip_drop, lean=6 if hip_drop else 0)
        p.hip = (p.hip[0], p.hip[1] - 24)
        p.shoulder = (p.shoulder[0], p.shoulder[1] - 24)
        p.legs = [Leg((102, top - 4)), Leg(free_ankle, bend=1, toe=10)]
        p.arms = [Arm((p.shoulder[0] + 30, p.shoulder[1] + 14), bend=-1),
                  Arm((p.shoulder[0] + 28, p.shoulder[1] + 16), bend=-1)]  # fmt: skip
        return p

    return ("step-down",
            "Step-down: standing on one leg on a low step, that knee bends to lower the "
            "other heel toward the floor, then straightens",
            [floor(), step(50, 84)], pose(0, (138, 108)), pose(20, (144, GROUND - 6)))  # fmt: skip


def wall_sit():
    start = standing(150)
    start.shoulder = (150, start.shoulder[1])
    start.arms = [Arm((152, start.shoulder[1] + 40)), Arm((150, start.shoulder[1] + 40))]
    hip = (152, 100)
    end = Pose(
        hip=hip, shoulder=(150, hip[1] - 38),
        legs=[Leg((176, GROUND - 4), bend=1), Leg((172, GROUND - 4), bend=1)],
        arms=[Arm((178, 104), bend=1), Arm((176, 106), bend=1)],
    )  # fmt: skip
    return ("wall-sit",
            "Wall sit: back against a wall, the body slides down until the knees bend to "
            "about 60 degrees, thighs well above parallel, and holds",
            [floor(), wall(140)], start, end)  # fmt: skip


def split_squat():
    def pose(hip_drop):
        hip = (112, STAND_HIP_Y + 4 + hip_drop)
        shoulder = (114, hip[1] - 38)
        legs = [Leg((144, GROUND - 4)), Leg((80, GROUND - 4), bend=-1, toe=-30)]
        arms = [Arm((116, shoulder[1] + 40)), Arm((112, shoulder[1] + 40))]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms,
                    extra=[dumbbell((116, round(shoulder[1]) + 42))])  # fmt: skip

    return ("split-squat",
            "Split squat: one foot forward and one back, the back knee lowers toward the "
            "floor while the front knee bends over the foot, then both straighten",
            [floor()], pose(0), pose(22))  # fmt: skip


def front_plank():
    def pose(lifted):
        shoulder = (70, GROUND - 20 if lifted else GROUND - 16)
        hip = (126, GROUND - 26 if lifted else GROUND - 9)
        knee_y = GROUND - 17 if lifted else GROUND - 8
        legs = [Leg((184, GROUND - 8), knee=(156, knee_y), toe=100),
                Leg((186, GROUND - 8), knee=(158, knee_y), toe=100)]  # fmt: skip
        arms = [
            Arm((92, GROUND - 5), elbow=(70, GROUND - 5)),
            Arm((94, GROUND - 6), elbow=(72, GROUND - 6)),
        ]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=184 if lifted else 196)

    return ("front-plank",
            "Front plank: lying face down on the forearms, the body lifts into one straight "
            "line from head to heels and holds, breathing steadily",
            [floor()], pose(False), pose(True))  # fmt: skip


def side_plank():
    def pose(lifted):
        shoulder = (66, 114)
        hip = (118, 130) if lifted else (118, GROUND - 8)
        legs = [Leg((138, GROUND - 5), knee=(160, GROUND - 8), toe=180),
                Leg((140, GROUND - 7), knee=(162, GROUND - 10), toe=180)]  # fmt: skip
        arms = [Arm((90, GROUND - 5), elbow=(68, GROUND - 5)), Arm((100, hip[1] - 12), bend=-1)]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=200)

    return ("side-plank",
            "Side plank from the knees: on one forearm, elbow under the shoulder and knees "
            "bent behind, the hips lift until the body is straight from head to knees",
            [floor()], pose(False), pose(True))  # fmt: skip


def dead_bug():
    def pose(reaching):
        hip, shoulder = (118, GROUND - 9), (78, GROUND - 9)
        tucked = Leg((150, 108), knee=(122, 114), toe=-10)
        long = Leg((176, 130), bend=1, toe=-10)
        arm_up = Arm((84, 100), bend=1)
        arm_back = Arm((40, 128), bend=1)
        legs = [long, tucked] if reaching else [tucked, Leg((152, 106), knee=(124, 112), toe=-10)]
        arms = [arm_up, arm_back] if reaching else [arm_up, Arm((88, 100), bend=1)]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=180)

    return ("dead-bug",
            "Dead bug: lying on the back, arms up and knees bent over the hips, one arm "
            "reaches overhead as the opposite leg straightens, back flat",
            [floor()], pose(False), pose(True))  # fmt: skip


def bird_dog():
    def pose(reaching):
        hip, shoulder = (140, 102), (92, 102)
        knee_down = Leg((166, GROUND - 6), knee=(140, GROUND - 6), toe=0)
        hands = Arm((92, GROUND - 4), bend=-1)
        if reaching:
            legs = [Leg((196, 96), knee=(170, 100), toe=0), knee_down]
            arms = [hands, Arm((38, 92), elbow=(70, 96))]
        else:
            legs = [Leg((168, GROUND - 6), knee=(142, GROUND - 6), toe=0), knee_down]
            arms = [Arm((94, GROUND - 4), bend=-1), hands]
        return Pose(hip=hip, shoulder=shoulder, legs=legs, arms=arms, head=190)

    return ("bird-dog",
            "Bird dog: on hands and knees, one arm reaches forward as the opposite leg "
            "reaches back, hips level, then they come back",
            [floor()], pose(False), pose(True))  # fmt: skip


def pallof_press():
    def pose(pressed):
        p = standing(124)
        hands = (170, p.shoulder[1] + 18) if pressed else (134, p.shoulder[1] + 20)
        p.arms = [Arm(hands, bend=1), Arm((hands[0] - 2, hands[1] + 1), bend=1)]
        p.extra = [band((30, 64), hands)]
        return p

    return ("pallof-press",
            "Pallof press: standing side-on to a band tied at chest height, the hands press "
            "straight out from the chest without letting the body turn, then come back",
            [floor(), '<path d="M26 150V40"/>'], pose(False), pose(True))  # fmt: skip


FIGURES = [
    glute_bridge, clamshell, single_leg_squat, lateral_band_walk, standing_hip_abduction,
    monster_walk, adductor_squeeze,
    lambda: calf_raise("double-leg-calf-raise",
                       "Double-leg calf raise: standing tall with a hand on the wall, the heels "
                       "rise as high as they go, then lower slowly"),
    lambda: calf_raise("single-leg-calf-raise",
                       "Single-leg calf raise: on one foot with a hand on the wall, the heel "
                       "rises as high as it goes, then lowers slowly", one_leg=True),
    lambda: calf_raise("high-load-heel-raise",
                       "High-load heel raise: on one foot with the toes on a rolled towel and "
                       "a loaded backpack, the heel rises in 3 seconds, holds 2, lowers in 3",
                       one_leg=True, towel=True, backpack=True),
    lambda: eccentric_heel_drop("eccentric-heel-drop", bent_knee=False),
    lambda: eccentric_heel_drop("eccentric-heel-drop-bent-knee", bent_knee=True),
    seated_calf_raise,
    lambda: calf_raise("heavy-slow-calf-raise",
                       "Heavy slow calf raise: on one foot with a loaded backpack and a hand on "
                       "the wall, the heel rises in 3 seconds and lowers in 3",
                       one_leg=True, backpack=True),
    ankle_dorsiflexion_band, band_foot_inversion, toe_walking, stability_ball_hamstring_curl,
    romanian_deadlift, step_down, wall_sit, split_squat, front_plank, side_plank, dead_bug,
    bird_dog, pallof_press,
]  # fmt: skip


def main() -> None:
    for make in FIGURES:
        slug, title, props, start, end = make()
        (OUT / f"{slug}.svg").write_text(figure(slug, title, props, start, end), "utf-8")
        print(slug)


if __name__ == "__main__":
    main()
