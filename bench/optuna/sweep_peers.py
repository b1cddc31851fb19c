"""The peers' side of `pnpm bench:sweep`: the same trivial trials (the objective returns at once)
run by Optuna on a PostgreSQL RDB study or by Ray Tune, timed here with perf_counter.

A bench baseline only: the product never calls Optuna or Ray.

  python sweep_peers.py --peer optuna --trials N [--processes P] --storage postgresql://...
                        [--sampler grid|random]
  python sweep_peers.py --peer ray --trials N [--concurrency C] [--ray-cpus K]
                        [--sampler grid|random] [--reuse-actors] [--max-trials M]

Prints ONE JSON line on stdout: {peer, trials, processes, concurrency, wallSeconds, msPerTrial,
trialsPerSecond, version, checks: {completed, duplicates}, ...}. Everything else (warnings, Ray's
and Optuna's logs, their child processes' output) goes to stderr: fd 1 is pointed at stderr
before anything is imported, and the result is written to a saved copy of the real stdout.

The trials are bench/sweep.mjs's grid: 10 d_h x 10 lr x N/100 seeds (`--sampler grid`, N a
multiple of 100), or the same space sampled at random (`--sampler random`, any N).

Optuna: a fresh study in --storage (the caller creates and drops the database); P spawned
processes each load it and run `study.optimize(objective, n_trials=N/P)` (the first ones take
the remainder). The processes import Optuna and connect first, then start together: wallSeconds
runs from that start to the last one's end (startupSeconds is the import and connect before).

Ray Tune: `ray.init(num_cpus=K)` (local, no dashboard), a function trainable reporting one
metric once, `max_concurrent_trials=C`, each trial asking K/C CPUs so that C fit, results in a
temp storage_path. wallSeconds is `Tuner.fit()` alone; initSeconds is ray.init and
wallWithInitSeconds both.
"""

from __future__ import annotations

import os
import sys

# Before any import that may print: every write to fd 1 (ours, the libraries', child processes')
# goes to stderr, and the one result line to the real stdout kept here.
_RESULT_OUT = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

D_H = [8, 16, 24, 32, 40, 48, 56, 64, 72, 80]
LR = [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3]
STUDY = "headroom-bench-sweep"


def grid(trials: int) -> dict:
    return {"d_h": D_H, "lr": LR, "seed": list(range(trials // 100))}


def value_of(d_h: int, lr: float, seed: int) -> float:
    # Cheap and deterministic: the trial is the orchestration, not this.
    return d_h * lr + seed * 1e-6


def cpu_pressure() -> float | None:
    """The kernel's share of the last 10 s in which some task waited for a CPU (%): the
    contention from the machine's other users, which the load average (I/O waits too) blurs."""
    try:
        with open("/proc/pressure/cpu") as f:
            return float(f.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return None


def say(obj: dict) -> None:
    _RESULT_OUT.write(json.dumps(obj) + "\n")
    _RESULT_OUT.flush()


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


# ------------------------------------------------------------------ Optuna


def optuna_sampler(optuna, kind: str, trials: int, seed: int):
    if kind == "grid":
        # The same seed in every process: GridSampler's documented advice for distributed runs.
        return optuna.samplers.GridSampler(grid(trials), seed=0)
    return optuna.samplers.RandomSampler(seed=seed)


def optuna_objective(seeds: int):
    def objective(trial) -> float:
        d_h = trial.suggest_categorical("d_h", D_H)
        lr = trial.suggest_categorical("lr", LR)
        seed = trial.suggest_int("seed", 0, seeds - 1)
        return value_of(d_h, lr, seed)

    return objective


def optuna_worker(storage, sampler, trials, n_trials, index, ready, go, results) -> None:
    """One process of the study: import, connect, wait for the start, optimize, report."""
    try:
        warnings.simplefilter("ignore")
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.load_study(
            study_name=STUDY,
            storage=storage,
            sampler=optuna_sampler(optuna, sampler, trials, seed=index),
        )
        ready.put(index)
        go.wait()
        c0, t0 = cpu_seconds(), time.perf_counter()
        study.optimize(optuna_objective(max(trials // 100, 1)), n_trials=n_trials)
        results.put(
            {
                "index": index,
                "start": t0,
                "end": time.perf_counter(),
                "cpuSeconds": cpu_seconds() - c0,
                "trials": n_trials,
            }
        )
    except BaseException as err:  # noqa: BLE001 - the parent reports it with the others
        results.put({"index": index, "error": f"{type(err).__name__}: {err}"})
        raise


def run_optuna(args) -> dict:
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(args.storage)
    study = optuna.create_study(study_name=STUDY, storage=storage, direction="minimize")
    storage.engine.dispose()  # no connection of ours open while the workers run

    # spawn, not fork: each worker a fresh interpreter with its own connections, as P separate
    # `python` processes sharing the study would be.
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    base, extra = divmod(args.trials, args.processes)
    t_spawn = time.perf_counter()
    procs = [
        ctx.Process(
            target=optuna_worker,
            args=(
                args.storage,
                args.sampler,
                args.trials,
                base + (1 if i < extra else 0),
                i,
                ready,
                go,
                results,
            ),
        )
        for i in range(args.processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    startup = time.perf_counter() - t_spawn
    t0 = time.perf_counter()
    go.set()
    reports = [results.get() for _ in procs]
    t1 = time.perf_counter()
    for p in procs:
        p.join()
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise RuntimeError(f"an Optuna process failed: {'; '.join(errors)}")

    # Read back from the database, not from any process's cache.
    study = optuna.load_study(study_name=STUDY, storage=args.storage)
    all_trials = study.get_trials(deepcopy=False)
    complete = [t for t in all_trials if t.state == TrialState.COMPLETE]
    configs = [(t.params["d_h"], t.params["lr"], t.params["seed"]) for t in complete]
    wall = t1 - t0
    return {
        "version": optuna.__version__,
        "sampler": args.sampler,
        "wallSeconds": wall,
        "startupSeconds": startup,
        "cpuSeconds": sum(r["cpuSeconds"] for r in reports),
        "perProcess": [
            {
                "trials": r["trials"],
                "seconds": round(r["end"] - r["start"], 3),
                "cpuSeconds": round(r["cpuSeconds"], 3),
            }
            for r in sorted(reports, key=lambda r: r["index"])
        ],
        "checks": {
            "completed": len(complete),
            "notComplete": len(all_trials) - len(complete),
            # Grid: a point run twice (GridSampler's race between processes). Random: repeats
            # are expected draws, reported for information only.
            "duplicates": len(configs) - len(set(configs)),
        },
    }


# ------------------------------------------------------------------ Ray Tune


class TreeCpu:
    """CPU seconds of this process's descendants (Ray's GCS, raylet and its workers), sampled from
    /proc every `interval` s: a worker's last fraction of a second before it exits is missed."""

    def __init__(self, interval: float = 0.5) -> None:
        import threading

        self.interval = interval
        self.seen: dict[int, float] = {}
        self.tick = os.sysconf("SC_CLK_TCK")
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        parent: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    # Fields after the ")" that ends the command name: state ppid ... utime stime.
                    rest = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(name)] = int(rest[1])
            cpu[int(name)] = (int(rest[11]) + int(rest[12])) / self.tick
        me = os.getpid()
        for pid in cpu:
            p, depth = parent.get(pid), 0
            while p is not None and p > 1 and depth < 20:
                if p == me:
                    self.seen[pid] = max(self.seen.get(pid, 0.0), cpu[pid])
                    break
                p, depth = parent.get(p), depth + 1

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.sample()

    def total(self) -> float:
        self.stop.set()
        self.thread.join()
        return sum(self.seen.values())



def ray_trainable(config: dict) -> None:
    from ray import tune

    tune.report({"mpjpe": value_of(config["d_h"], config["lr"], config["seed"])})


def run_ray(args) -> dict:
    # Before ray is imported: no usage-stats upload, no dashboard chatter.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    warnings.simplefilter("ignore")
    import logging

    import ray
    from ray import tune

    # The caller's directory when given (it removes it even if this process is killed).
    temp = args.temp_dir or tempfile.mkdtemp(prefix="hr-ray-")
    try:
        c0, t_init = cpu_seconds(), time.perf_counter()
        tree = TreeCpu()
        ray.init(
            num_cpus=args.ray_cpus,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            _temp_dir=os.path.join(temp, "session"),
        )
        init = time.perf_counter() - t_init
        if args.sampler == "grid":
            space = {k: tune.grid_search(v) for k, v in grid(args.trials).items()}
            samples = 1
        else:
            seeds = max(args.trials // 100, 1)
            space = {
                "d_h": tune.choice(D_H),
                "lr": tune.choice(LR),
                "seed": tune.randint(0, seeds),
            }
            samples = args.trials
        per_trial = args.ray_cpus / args.concurrency
        tuner = tune.Tuner(
            tune.with_resources(ray_trainable, {"cpu": per_trial}),
            param_space=space,
            tune_config=tune.TuneConfig(
                num_samples=samples,
                max_concurrent_trials=args.concurrency,
                reuse_actors=args.reuse_actors,
            ),
            run_config=tune.RunConfig(
                name="headroom-bench-sweep",
                storage_path=os.path.join(temp, "results"),
                verbose=0,
            ),
        )
        t0 = time.perf_counter()
        results = tuner.fit()
        wall = time.perf_counter() - t0
        errors = [str(r.error) for r in results if r.error is not None]
        done = [r for r in results if r.error is None and r.metrics and "mpjpe" in r.metrics]
        configs = [(r.config["d_h"], r.config["lr"], r.config["seed"]) for r in done]
        tree.sample()  # before shutdown ends the workers
        ray.shutdown()
        cpu = cpu_seconds() - c0 + tree.total()
        return {
            "version": ray.__version__,
            "sampler": args.sampler,
            "wallSeconds": wall,
            "initSeconds": init,
            "wallWithInitSeconds": wall + init,
            "cpuSeconds": cpu,
            "cpuSecondsIncludes": "driver + Ray's processes (sampled), ray.init to shutdown",
            "rayCpus": args.ray_cpus,
            "cpuPerTrial": per_trial,
            "reuseActors": args.reuse_actors,
            "checks": {
                "completed": len(done),
                "errors": len(errors),
                "firstError": errors[0][:500] if errors else None,
                "duplicates": len(configs) - len(set(configs)),
            },
        }
    finally:
        if ray.is_initialized():
            ray.shutdown()
        if not args.temp_dir:
            shutil.rmtree(temp, ignore_errors=True)


# ------------------------------------------------------------------ main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--peer", choices=["optuna", "ray"], required=True)
    p.add_argument("--trials", type=int, required=True)
    p.add_argument("--processes", type=int, default=1, help="Optuna: processes sharing the study")
    p.add_argument("--concurrency", type=int, default=16, help="Ray: max_concurrent_trials")
    p.add_argument("--storage", help="Optuna: postgresql://... of an empty database")
    p.add_argument("--sampler", choices=["grid", "random"], default="grid")
    p.add_argument("--ray-cpus", type=float, default=2, help="Ray: ray.init(num_cpus)")
    # Tune's default is False (a new worker process per trial: ~5x slower here at 100 trials);
    # Ray's docs advise reusing actors when trials are many and short, as here.
    p.add_argument(
        "--reuse-actors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Ray: TuneConfig.reuse_actors (default on)",
    )
    p.add_argument("--temp-dir", help="Ray: session and results directory (default: a new one)")
    p.add_argument(
        "--max-trials",
        type=int,
        default=None,
        help="refuse more trials than this (a guard for the slow peer)",
    )
    args = p.parse_args()
    if args.trials < 1:
        p.error(f"--trials must be at least 1, got {args.trials}")
    if args.sampler == "grid" and args.trials % 100:
        p.error(
            f"--trials must be a multiple of 100 with --sampler grid "
            f"(10 d_h x 10 lr x trials/100 seeds), got {args.trials}"
        )
    if args.max_trials is not None and args.trials > args.max_trials:
        p.error(f"--trials {args.trials} is above --max-trials {args.max_trials}")
    if args.processes < 1 or args.processes > args.trials:
        p.error(f"--processes must be between 1 and --trials, got {args.processes}")
    if args.concurrency < 1:
        p.error(f"--concurrency must be at least 1, got {args.concurrency}")
    storage_ok = re.match(r"^postgres(ql)?(\+psycopg2)?://", args.storage or "")
    if args.peer == "optuna" and not storage_ok:
        p.error("--peer optuna needs --storage postgresql://... (an empty database)")

    if args.storage:
        # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the bench venv has psycopg2.
        args.storage = re.sub(r"^postgres(ql)?:", "postgresql+psycopg2:", args.storage)
    load_start, pressure_start = os.getloadavg(), cpu_pressure()
    out = run_optuna(args) if args.peer == "optuna" else run_ray(args)
    wall = out["wallSeconds"]
    checks = out.pop("checks")
    say(
        {
            "peer": args.peer,
            "trials": args.trials,
            "processes": args.processes if args.peer == "optuna" else 1,
            "concurrency": args.concurrency if args.peer == "ray" else args.processes,
            "wallSeconds": round(wall, 3),
            "msPerTrial": round(wall * 1000 / args.trials, 2),
            "trialsPerSecond": round(args.trials / wall, 2),
            **{k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()},
            "python": sys.version.split()[0],
            "loadAverageAtStart": [round(x, 2) for x in load_start],
            "loadAverageAtEnd": [round(x, 2) for x in os.getloadavg()],
            "cpuPressure10sAtStart": pressure_start,
            "cpuPressure10sAtEnd": cpu_pressure(),
            "checks": checks,
        }
    )


if __name__ == "__main__":
    main()
