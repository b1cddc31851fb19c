#!/usr/bin/env python3
"""Writes packages/sweep/src/fixtures/wandb-*.json from W&B's own sweeps library.

Run from anywhere:  python3 packages/sweep/scripts/wandb-fixtures.py

It installs PyPI `sweeps` (the engine W&B's sweeps run on) into a virtualenv outside the
repository ($HEADROOM_SWEEPS_VENV, default: <tmp>/headroom-sweeps-venv), re-runs itself there
and writes, for the configs below:

- wandb-configs.json: each config's YAML text as W&B (PyYAML) reads it, W&B's parsed parameters
  (`HyperParameter`: the distribution it infers, the defaults it fills), its validation verdict
  (`SweepConfig`), the early_terminate it fills, hyperband's bands, and for grid configs every
  trial `grid_search_next_runs` suggests, in order;
- wandb-laws.json: for every distribution, W&B's inverse CDF `HyperParameter.ppf(u)` at fixed
  u, and a summary of 20,000 draws of `HyperParameter.sample()` (quantiles, min, max, mean,
  share on the q-grid, per-value frequencies) to compare Headroom's sampler with.

The JSON is small and committed; rerun after upgrading `sweeps` (pinned below).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SWEEPS_VERSION = "0.3.0"
HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "src" / "fixtures"


def ensure_venv() -> None:
    try:
        import sweeps  # noqa: F401
        from importlib.metadata import version

        if version("sweeps") == SWEEPS_VERSION:
            return
    except ImportError:
        pass
    if os.environ.get("HEADROOM_SWEEPS_CHILD"):
        sys.exit(f"sweeps {SWEEPS_VERSION} did not install into the virtualenv")
    venv = Path(
        os.environ.get(
            "HEADROOM_SWEEPS_VENV", Path(tempfile.gettempdir()) / "headroom-sweeps-venv"
        )
    )
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"sweeps=={SWEEPS_VERSION}"], check=True
    )
    env = {**os.environ, "HEADROOM_SWEEPS_CHILD": "1"}
    sys.exit(subprocess.run([str(python), __file__, *sys.argv[1:]], env=env).returncode)


# Configs whose parsing, validation and grids the tests compare with Headroom's. YAML text, so
# number types are read as W&B reads them (1 an int, 1.0 a float).
CONFIGS = {
    "inference": """
program: train.py
method: random
parameters:
  int_range: {min: 1, max: 3}
  float_range: {min: 1.0, max: 3.0}
  mixed_range: {min: 1, max: 3.5}
  listed: {values: [a, b, c]}
  weighted: {values: [x, y], probabilities: [0.25, 0.75]}
  fixed: {value: 7}
  normal_default: {distribution: normal}
  lognormal_default: {distribution: log_normal}
  beta_default: {distribution: beta}
  qbeta_default: {distribution: q_beta}
  quniform_default: {distribution: q_uniform, min: 0, max: 10}
  qnormal: {distribution: q_normal, mu: 3, sigma: 2, q: 0.5}
""",
    "bayes_lr": """
program: train.py
method: bayes
metric: {name: val_loss}
parameters:
  learning_rate: {distribution: log_uniform_values, min: 0.00001, max: 0.1}
  batch_size: {values: [16, 32, 64]}
  dropout: {min: 0.0, max: 0.5}
  epochs: {value: 10}
""",
    "grid_nested": """
program: train.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  batch_size: {values: [32, 64]}
  layers: {min: 1, max: 3}
  warmup: {distribution: q_uniform, min: 0.0, max: 1.0, q: 0.25}
  seed: {value: 1}
  optimizer:
    parameters:
      lr: {values: [0.001, 0.0001]}
      nadam:
        parameters:
          beta: {values: [0.9, 0.95]}
""",
    "grid_q_int": """
program: train.py
method: grid
parameters:
  steps: {distribution: q_uniform, min: 0, max: 100, q: 30}
  name: {values: [alpha, beta]}
""",
    "hyperband_max_iter": """
program: train.py
method: random
metric: {name: val_acc, goal: maximize, target: 0.99}
early_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 3}
parameters:
  lr: {min: 0.0001, max: 0.1}
""",
    "hyperband_min_iter": """
program: train.py
method: random
metric: {name: loss}
early_terminate: {type: hyperband, min_iter: 2}
parameters:
  lr: {min: 0.0001, max: 0.1}
""",
    "hyperband_max_iter_eta2": """
program: train.py
method: random
metric: {name: loss}
early_terminate: {type: hyperband, max_iter: 81, s: 3, eta: 2, strict: false}
parameters:
  lr: {min: 0.0001, max: 0.1}
""",
}

# One parameter per distribution for the law fixtures; the W&B-v1 log forms are valid for
# HyperParameter (SweepConfig flags them as deprecated in favour of *_values).
LAWS = {
    "categorical": {"values": ["a", "b", "c", "d"]},
    "categorical_probabilities": {"values": ["a", "b", "c"], "probabilities": [0.5, 0.3, 0.2]},
    "int_uniform": {"distribution": "int_uniform", "min": -3, "max": 4},
    "uniform": {"distribution": "uniform", "min": -2.0, "max": 5.0},
    "q_uniform": {"distribution": "q_uniform", "min": 0.0, "max": 10.0, "q": 0.5},
    "q_uniform_int_q": {"distribution": "q_uniform", "min": 0, "max": 100, "q": 7},
    "log_uniform": {"distribution": "log_uniform", "min": -9.2, "max": -2.3},
    "log_uniform_values": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
    "q_log_uniform": {"distribution": "q_log_uniform", "min": 0.0, "max": 6.0, "q": 4},
    "q_log_uniform_values": {
        "distribution": "q_log_uniform_values",
        "min": 1.0,
        "max": 1000.0,
        "q": 10,
    },
    "inv_log_uniform": {"distribution": "inv_log_uniform", "min": 1.0, "max": 5.0},
    "inv_log_uniform_values": {
        "distribution": "inv_log_uniform_values",
        "min": 0.001,
        "max": 0.5,
    },
    "normal": {"distribution": "normal", "mu": 2.0, "sigma": 3.0},
    "q_normal": {"distribution": "q_normal", "mu": 10.0, "sigma": 4.0, "q": 2},
    "log_normal": {"distribution": "log_normal", "mu": -1.0, "sigma": 0.5},
    "q_log_normal": {"distribution": "q_log_normal", "mu": 2.0, "sigma": 0.7, "q": 0.5},
    "beta": {"distribution": "beta", "a": 2.0, "b": 5.0},
    "beta_skewed": {"distribution": "beta", "a": 0.5, "b": 0.5},
    "q_beta": {"distribution": "q_beta", "a": 3.0, "b": 2.0, "q": 0.1},
}

U = [0.0005, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99, 0.9995]
QUANTILES = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
DRAWS = 20_000


def plain(value):
    """numpy scalars and arrays as JSON values."""
    import numpy as np

    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def unwrap(config):
    """A W&B run config ({name: {value: v}}) as the trial's values."""
    return {k: v["value"] for k, v in config.items()}


def main() -> None:
    ensure_venv()
    import random

    import numpy as np
    import yaml
    from sweeps import RunState, SweepRun
    from sweeps.config import SweepConfig, schema_violations_from_proposed_config
    from sweeps.grid_search import grid_search_next_runs
    from sweeps.hyperband_stopping import hyperband_stop_runs
    from sweeps.params import HyperParameter, HyperParameterSet

    configs = {}
    for name, text in CONFIGS.items():
        config = yaml.safe_load(text)
        entry = {
            "yaml": text.lstrip(),
            "violations": schema_violations_from_proposed_config(config),
            "parameters": {
                hp.name.replace(HyperParameterSet.NESTING_DELIMITER, "."): {
                    "type": hp.type,
                    "config": plain(hp.config),
                }
                for hp in HyperParameterSet.from_config(config["parameters"])
            },
        }
        filled = SweepConfig(config)
        if "early_terminate" in filled:
            entry["early_terminate"] = plain(filled["early_terminate"])
            run = SweepRun(
                name="probe", state=RunState.running, history=[{config["metric"]["name"]: 1.0}]
            )
            hyperband_stop_runs([run], filled)
            # min_iter gives W&B 100 bands; the first few say the rule.
            entry["bands"] = plain(run.early_terminate_info["bands"][:8])
        if config["method"] == "grid":
            # The config as written: SweepConfig's filling drops nested parameters, which W&B's
            # service passes on to the grid search.
            runs = grid_search_next_runs([], config, n=100_000)
            entry["grid"] = [plain(unwrap(r.config)) for r in runs if r is not None]
        configs[name] = entry

    laws = {}
    for name, config in LAWS.items():
        hp = HyperParameter(name, config)
        random.seed(12345)
        draws = [hp.sample() for _ in range(DRAWS)]
        summary = {"draws": DRAWS}
        if hp.type in (HyperParameter.CATEGORICAL, HyperParameter.CATEGORICAL_PROB):
            summary["frequencies"] = {
                str(v): sum(1 for d in draws if d == v) / DRAWS for v in hp.config["values"]
            }
            ppf = [hp.ppf(u) for u in U]
        else:
            x = np.asarray(draws, dtype=float)
            summary.update(
                {
                    "min": float(x.min()),
                    "max": float(x.max()),
                    "mean": float(x.mean()),
                    "quantiles": {str(q): float(np.quantile(x, q)) for q in QUANTILES},
                    "integer_share": float(np.mean(np.equal(np.mod(x, 1), 0))),
                }
            )
            if "q" in hp.config:
                q = hp.config["q"]
                summary["q_grid_share"] = float(
                    np.mean(np.isclose(np.round(x / q) * q, x, rtol=0, atol=1e-9))
                )
            ppf = [float(hp.ppf(u)) for u in U]
        laws[name] = {
            "type": hp.type,
            "config": plain(hp.config),
            "ppf": {"u": U, "values": plain(ppf)},
            "summary": summary,
        }

    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"generator": "packages/sweep/scripts/wandb-fixtures.py", "sweeps": SWEEPS_VERSION}
    (OUT / "wandb-configs.json").write_text(json.dumps({**meta, "configs": configs}, indent=1) + "\n")
    (OUT / "wandb-laws.json").write_text(json.dumps({**meta, "laws": laws}, indent=1) + "\n")
    written = [str(OUT / "wandb-configs.json"), str(OUT / "wandb-laws.json")]
    # The repository's formatting (`pnpm lint` runs prettier --check on JSON too).
    root = HERE.parents[2]
    subprocess.run(["pnpm", "exec", "prettier", "--write", *written], cwd=root, check=False)
    print(f"wrote {' and '.join(written)}")


if __name__ == "__main__":
    main()
