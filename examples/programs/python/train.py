"""A Headroom program trial in Python (docs/programs.md): fits y = 3x + 1 by gradient descent.

Headroom runs it as `python train.py --epochs=8 --lr=0.05 ...` (the sweep's `command`), in the
sweep's `workdir`, with:

- HEADROOM_CHECKPOINT_DIR: this trial's directory, the same for every attempt;
- HEADROOM_RESUME=1 when an earlier attempt ran (a retry after a crash or a lost worker, a
  resume after pause): pick up from the checkpoint there;
- HEADROOM_SWEEP_ID, HEADROOM_TRIAL_ID, HEADROOM_ATTEMPT.

Each JSON-object line on stdout is one epoch's metrics; anything else is only logged. Exit 0:
succeeded; exit 78: a configuration that no retry can fix (the trial fails at once); any other
non-zero exit is retried. Standard library only.
"""

import argparse
import json
import os
import random
import signal
import sys
import time

PERMANENT = 78  # EX_CONFIG: Headroom does not retry it


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--optimizer", default="sgd")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epoch_seconds", type=float, default=0.0, help="pretend work per epoch")
    args = parser.parse_args()
    if args.optimizer not in ("sgd", "momentum"):
        print(f"unknown optimizer {args.optimizer!r}; use sgd or momentum", file=sys.stderr)
        sys.exit(PERMANENT)

    # SIGTERM (cancel, pause, a worker shutting down): finish the epoch, checkpoint, stop.
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    rng = random.Random(args.seed)
    xs = [rng.uniform(-1, 1) for _ in range(256)]
    data = [(x, 3 * x + 1 + rng.gauss(0, 0.1)) for x in xs]
    train, val = data[:200], data[200:]

    checkpoint_dir = os.environ.get("HEADROOM_CHECKPOINT_DIR", ".")
    state_path = os.path.join(checkpoint_dir, "state.json")
    state = {"epoch": 0, "w": 0.0, "b": 0.0, "vw": 0.0, "vb": 0.0}
    if os.environ.get("HEADROOM_RESUME") == "1" and os.path.exists(state_path):
        with open(state_path) as f:
            state = json.load(f)
        print(f"resuming from epoch {state['epoch']}", flush=True)

    def loss(points, w, b):
        return sum((w * x + b - y) ** 2 for x, y in points) / len(points)

    def report(epoch):
        metrics = {"epoch": epoch, "loss": loss(train, state["w"], state["b"])}
        metrics["val_loss"] = loss(val, state["w"], state["b"])
        print(json.dumps(metrics), flush=True)

    if state["epoch"] > 0:
        # The checkpoint's epoch again: the killed attempt may have died before Headroom heard of it
        # (an epoch reported twice is recorded once).
        report(state["epoch"])

    beta = 0.9 if args.optimizer == "momentum" else 0.0
    for epoch in range(state["epoch"] + 1, args.epochs + 1):
        w, b = state["w"], state["b"]
        gw = sum(2 * (w * x + b - y) * x for x, y in train) / len(train)
        gb = sum(2 * (w * x + b - y) for x, y in train) / len(train)
        state["vw"] = beta * state["vw"] + gw
        state["vb"] = beta * state["vb"] + gb
        state["w"] = w - args.lr * state["vw"]
        state["b"] = b - args.lr * state["vb"]
        state["epoch"] = epoch
        time.sleep(args.epoch_seconds)
        # Checkpoint atomically (write, then rename), then report the epoch.
        tmp = state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, state_path)
        report(epoch)
        if stopping:
            print(f"stopping after epoch {epoch} (SIGTERM)", flush=True)
            sys.exit(0)


if __name__ == "__main__":
    main()
