#!/usr/bin/env python3
"""Cross-check Neuromod's CartPole and Acrobot against Gymnasium's (classic_control).

Gymnasium is needed only here, never to build or test Neuromod:

    python3 -m venv /tmp/gymenv && /tmp/gymenv/bin/pip install gymnasium
    /tmp/gymenv/bin/python scripts/gymnasium_crosscheck.py compare [--binary .build/debug/neuromod]
    /tmp/gymenv/bin/python scripts/gymnasium_crosscheck.py literals

`compare` replays random states and action sequences through `neuromod env` (which prints every
state with 17 significant digits, so the doubles are read back exactly) and through Gymnasium's
environments (`gymnasium.make`, so the TimeLimit wrapper supplies truncation), and compares every
state value, reward and termination/truncation flag. It prints how many values were bitwise equal
and the largest difference, and exits 1 if a flag or reward differs or a value differs by more than
1e-12.

`literals` prints the reference transitions used by Tests/NeuromodTasksTests/CartPoleTests.swift and
AcrobotTests.swift, with repr(), which round-trips a float64 exactly.

In both, a trajectory starts from an exact float64 state set on `env.unwrapped.state` after
`reset()`; Gymnasium's own reset draws from NumPy's generator and is not compared (Neuromod draws
from GSL streams).
"""

import argparse
import math
import subprocess
import sys

import gymnasium as gym
import numpy as np


def make(kind, options):
    """A Gymnasium environment matching `neuromod env <kind> --option ...`."""
    if kind == "cartpole":
        env = gym.make("CartPole-v1", sutton_barto_reward=options.get("sutton_barto_reward") == "true")
        if options.get("integrator", "euler") != "euler":
            env.unwrapped.kinematics_integrator = "semi-implicit euler"
    elif kind == "acrobot":
        env = gym.make("Acrobot-v1")
        env.unwrapped.book_or_nips = options.get("dynamics", "book")
    else:
        raise ValueError(kind)
    return env


def gym_trajectory(kind, options, state, actions):
    """Rows (state, reward, terminated, truncated) after each action, stopping at the episode's end."""
    env = make(kind, options)
    env.reset(seed=0)
    env.unwrapped.state = np.array(state, dtype=np.float64)
    rows = []
    for a in actions:
        _, reward, terminated, truncated, _ = env.step(a)
        rows.append(([float(v) for v in env.unwrapped.state], float(reward), terminated, truncated))
        if terminated or truncated:
            break
    env.close()
    return rows


def neuromod_trajectory(binary, kind, options, state, actions):
    """The same rows from `neuromod env` (its CSV minus the initial-state row)."""
    command = [binary, "env", kind, "--state", ",".join(repr(float(v)) for v in state),
               "--actions", ",".join(str(a) for a in actions)]
    for key, value in options.items():
        command += ["--option", f"{key}={value}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        cells = line.split(",")
        values = [float(c) for c in cells[2:6]]
        rows.append((values, float(cells[6]), cells[7] == "true", cells[8] == "true"))
    return rows


def balancing_actions(state, steps):
    """CartPole actions of a simple stabilizing controller (push toward the falling side), computed on
    Gymnasium's dynamics, so that an episode reaches the 500-step limit."""
    env = make("cartpole", {})
    env.reset(seed=0)
    env.unwrapped.state = np.array(state, dtype=np.float64)
    actions = []
    for _ in range(steps):
        x, x_dot, theta, theta_dot = env.unwrapped.state
        a = 1 if theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot > 0 else 0
        actions.append(a)
        _, _, terminated, truncated, _ = env.step(a)
        if terminated or truncated:
            break
    env.close()
    return actions


def cases(episodes, rng):
    """(kind, options, state, actions) to compare: random states and actions, plus long episodes."""
    out = []
    for i in range(episodes):
        for options in ({}, {"integrator": "semi-implicit-euler"}, {"sutton_barto_reward": "true"}):
            state = rng.uniform(-0.2, 0.2, 4)
            out.append(("cartpole", options, state, list(rng.integers(0, 2, 100))))
        for options in ({}, {"dynamics": "nips"}):
            state = np.array([rng.uniform(-math.pi, math.pi), rng.uniform(-math.pi, math.pi),
                              rng.uniform(-4 * math.pi, 4 * math.pi), rng.uniform(-9 * math.pi, 9 * math.pi)])
            out.append(("acrobot", options, state, list(rng.integers(0, 3, 60))))
    start = np.array([0.01, -0.02, 0.03, 0.04])
    out.append(("cartpole", {}, start, balancing_actions(start, 520) + [1] * 20))
    out.append(("acrobot", {}, np.array([0.05, -0.03, 0.02, -0.04]), [(7 * i + 3) % 3 for i in range(520)]))
    return out


def compare(args):
    rng = np.random.default_rng(args.seed)
    values = exact = 0
    worst = 0.0
    failures = []
    steps = 0
    for kind, options, state, actions in cases(args.episodes, rng):
        ours = neuromod_trajectory(args.binary, kind, options, state, actions)
        theirs = gym_trajectory(kind, options, state, actions)
        label = f"{kind} {options} from {list(map(float, state))}"
        if len(ours) != len(theirs):
            failures.append(f"{label}: {len(ours)} steps, Gymnasium {len(theirs)}")
            continue
        for t, ((s1, r1, te1, tr1), (s2, r2, te2, tr2)) in enumerate(zip(ours, theirs)):
            steps += 1
            if (r1, te1, tr1) != (r2, te2, tr2):
                failures.append(f"{label} step {t + 1}: reward/terminated/truncated {(r1, te1, tr1)} vs {(r2, te2, tr2)}")
            for a, b in zip(s1, s2):
                values += 1
                exact += a == b
                worst = max(worst, abs(a - b))
        if worst > 1e-12:
            failures.append(f"{label}: state differs by {worst:.3g}")
    print(f"{steps} steps compared, {values} state values: {exact} bitwise equal, largest difference {worst:.3g}")
    for f in failures[:20]:
        print("FAIL", f)
    return 1 if failures else 0


def literals(_args):
    """Print the reference transitions the Swift tests hold as literals."""
    def show(kind, options, state, actions, note):
        rows = gym_trajectory(kind, options, state, actions)
        print(f"// {kind} {options or ''} from {list(map(float, state))}, actions {actions}: {note}")
        for s, r, te, tr in rows:
            print(f"    ([{', '.join(repr(v) for v in s)}], {r!r}, {str(te).lower()}, {str(tr).lower()}),")
        print()

    show("cartpole", {}, [0.01, -0.02, 0.03, 0.04], [1, 0, 0, 1, 1], "euler")
    show("cartpole", {"integrator": "semi-implicit-euler"}, [0.01, -0.02, 0.03, 0.04], [1, 0, 0, 1, 1],
         "semi-implicit euler")
    show("cartpole", {}, [2.39, 1.0, 0.0, 0.0], [1, 1], "terminates on x > 2.4 at step 1")
    show("cartpole", {}, [0.0, 0.0, 0.2, 1.0], [1, 1, 1], "terminates on theta > 12 degrees")
    start = [0.01, -0.02, 0.03, 0.04]
    actions = balancing_actions(start, 500)
    rows = gym_trajectory("cartpole", {}, start, actions)
    print(f"// cartpole balancing controller from {start}: {len(rows)} steps, last row {rows[-1]}")
    print(f"// actions: {''.join(map(str, actions))}")
    print()
    show("acrobot", {}, [0.05, -0.03, 0.02, -0.04], [0, 1, 2, 2, 0], "book dynamics")
    show("acrobot", {"dynamics": "nips"}, [0.05, -0.03, 0.02, -0.04], [0, 1, 2, 2, 0], "nips dynamics")
    show("acrobot", {}, [3.0, 0.5, 6.0, -27.0], [2, 2], "wraps theta1 (step 1) and theta2 (step 2) from above pi")
    show("acrobot", {}, [-3.0, 0.2, -14.0, 30.0], [0, 0],
         "wraps theta1 from below -pi and clips theta1_dot to -4pi, then terminates")
    show("acrobot", {}, [-3.0, 0.2, -14.0, -30.0], [0], "clips theta1_dot to 4pi and theta2_dot to -9pi; terminates")
    show("acrobot", {}, [1.9, 0.0, 3.0, 0.0], [1, 1, 1], "terminates")
    show("acrobot", {}, [-0.007250695681297166, -0.039055121783103865, 0.19464344570811148, -0.47085235973819944], [1],
         "a step where Python's x**2 (libm pow) and x*x differ by an ulp in theta2_dot")
    pattern = [(7 * i + 3) % 3 for i in range(500)]
    rows = gym_trajectory("acrobot", {}, [0.05, -0.03, 0.02, -0.04], pattern)
    print(f"// acrobot from [0.05, -0.03, 0.02, -0.04], actions (7i+3)%3: {len(rows)} steps, last row {rows[-1]}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("compare", help="compare `neuromod env` with Gymnasium")
    c.add_argument("--binary", default=".build/debug/neuromod")
    c.add_argument("--episodes", type=int, default=40, help="random episodes per environment variant")
    c.add_argument("--seed", type=int, default=1)
    sub.add_parser("literals", help="print the reference transitions for the Swift tests")
    args = parser.parse_args()
    sys.exit(compare(args) if args.mode == "compare" else literals(args))


if __name__ == "__main__":
    main()
