"""Writes packages/sweep/src/tpe/fixtures/optuna-tpe.json: values computed by Optuna's own TPE
code (the version in bench/.venv, 5.0.0) for small fixed inputs, which the TypeScript port's
tests compare against.

    bench/.venv/bin/python bench/optuna/tpe_fixtures.py
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe import _truncnorm
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_gamma, default_weights

OUT = Path(__file__).resolve().parents[2] / "packages/sweep/src/tpe/fixtures/optuna-tpe.json"


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=float).ravel()]


def estimator_case(name, dist, dimension, observations, points, **kw):
    params = _ParzenEstimatorParameters(
        prior_weight=kw.get("prior_weight", 1.0),
        consider_magic_clip=kw.get("consider_magic_clip", True),
        consider_endpoints=kw.get("consider_endpoints", False),
        weights=default_weights,
        multivariate=True,
    )
    pe = _ParzenEstimator({"x": np.asarray(observations, dtype=float)}, {"x": dist}, params)
    mix = pe._mixture_distribution
    d = mix.distributions[0]
    case = {
        "name": name,
        "dimension": dimension,
        "observations": floats(observations),
        "options": kw,
        "weights": floats(mix.weights),
        "points": floats(points),
        "logPdf": floats(pe.log_pdf({"x": np.asarray(points, dtype=float)})),
    }
    if isinstance(dist, CategoricalDistribution):
        case["categoricalWeights"] = [floats(r) for r in d.weights]
    else:
        case["mus"] = floats(d.mu)
        case["sigmas"] = floats(d.sigma)
    return case


def joint_case(name, dists, dimensions, observations, points):
    """A multivariate estimator: one kernel per observation across all the dimensions."""
    params = _ParzenEstimatorParameters(
        prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
        weights=default_weights, multivariate=True,
    )
    names = [d["name"] for d in dimensions]
    obs = {n: np.asarray([o[i] for o in observations], dtype=float) for i, n in enumerate(names)}
    pe = _ParzenEstimator(obs, dict(zip(names, dists)), params)
    pts = {n: np.asarray([p[i] for p in points], dtype=float) for i, n in enumerate(names)}
    return {
        "name": name,
        "dimensions": dimensions,
        "observations": [floats(o) for o in observations],
        "weights": floats(pe._mixture_distribution.weights),
        "points": [floats(p) for p in points],
        "logPdf": floats(pe.log_pdf(pts)),
    }


rng = np.random.RandomState(0)
thirty = list(np.round(rng.uniform(-5, 5, size=30), 6))
cases = [
    estimator_case("float, no observations", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, [], [-4.0, 0.0, 4.5]),
    estimator_case("float, one observation", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, [1.5], [-4.0, 1.4, 4.5]),
    estimator_case("float, five observations", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, [0.3, -2.0, 4.9, 1.0, 1.1],
                   [-4.9, 0.0, 1.05, 4.95]),
    estimator_case("float, endpoints considered", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, [0.3, -2.0, 4.9, 1.0, 1.1],
                   [-4.9, 0.0, 1.05], consider_endpoints=True),
    estimator_case("float, no magic clip", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, [0.3, -2.0, 4.9, 1.0, 1.1],
                   [-4.9, 0.0, 1.05], consider_magic_clip=False),
    estimator_case("float, thirty observations (ramp weights)", FloatDistribution(-5, 5),
                   {"kind": "float", "low": -5, "high": 5}, thirty, [-3.0, 0.5, 2.5]),
    estimator_case("float, log", FloatDistribution(1e-5, 1e-1, log=True),
                   {"kind": "float", "low": 1e-5, "high": 1e-1, "log": True},
                   [1e-3, 3e-4, 2e-2], [1e-5, 1e-3, 0.05]),
    estimator_case("float, step", FloatDistribution(0, 1, step=0.1),
                   {"kind": "float", "low": 0, "high": 1, "step": 0.1},
                   [0.2, 0.5, 0.6, 1.0], [0.0, 0.5, 0.7, 1.0]),
    estimator_case("int", IntDistribution(1, 10),
                   {"kind": "int", "low": 1, "high": 10}, [2, 5, 9], [1, 5, 10]),
    estimator_case("int, step 4", IntDistribution(0, 64, step=4),
                   {"kind": "int", "low": 0, "high": 64, "step": 4}, [8, 32, 60], [0, 8, 64]),
    estimator_case("int, log", IntDistribution(1, 1024, log=True),
                   {"kind": "int", "low": 1, "high": 1024, "log": True}, [2, 64, 100, 512],
                   [1, 60, 1024]),
    estimator_case("categorical", CategoricalDistribution(["a", "b", "c"]),
                   {"kind": "categorical", "choices": ["a", "b", "c"]}, [0, 2, 2, 1], [0, 1, 2]),
    estimator_case("categorical, no observations", CategoricalDistribution(["a", "b", "c"]),
                   {"kind": "categorical", "choices": ["a", "b", "c"]}, [], [0, 2]),
]

grid = [-40.0, -25.0, -12.0, -6.5, -1.0, -0.3, 0.0, 0.2, 0.7, 1.0, 2.5, 5.0, 7.0]
pairs = [(-40.0, -38.0), (-8.0, -2.0), (-1.0, 0.5), (-0.5, 3.0), (0.3, 2.0), (4.0, 9.0),
         (-3.0, 3.0), (6.0, 40.0)]
qs = [0.0, 1e-9, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0]
fixture = {
    "optuna": optuna.__version__,
    "gamma": {str(n): default_gamma(n) for n in [0, 1, 9, 10, 11, 100, 249, 250, 251, 1000]},
    "weights": {str(n): floats(default_weights(n)) for n in [0, 1, 24, 25, 26, 27, 30, 40]},
    "erf": {str(x): [math.erf(x), math.erfc(x)] for x in
            [-30.0, -7.0, -3.0, -1.0, -0.5, -1e-10, 0.0, 0.1, 0.3, 0.84, 0.9, 1.2, 1.3, 2.0,
             2.9, 4.0, 5.9, 6.1, 27.0]},
    "logNdtr": {str(x): float(_truncnorm._log_ndtr(np.asarray([x]))[0]) for x in grid},
    "logGaussMass": [[a, b, float(_truncnorm._log_gauss_mass(np.asarray([a]), np.asarray([b]))[0])]
                     for a, b in pairs],
    "ppf": [[q, a, b, float(_truncnorm.ppf(np.asarray([q]), np.asarray([a]), np.asarray([b]))[0])]
            for q in qs for a, b in pairs],
    "logPdf": [[x, a, b, 0.5, 2.0,
                float(_truncnorm.logpdf(np.asarray([x]), np.asarray([a]), np.asarray([b]),
                                        loc=0.5, scale=2.0)[0])]
               for x in [-3.0, 0.5, 2.0, 7.0] for a, b in pairs],
    "estimators": cases,
    "joint": [
        joint_case(
            "float, log float, int step, categorical",
            [FloatDistribution(-5, 5), FloatDistribution(1e-4, 1, log=True),
             IntDistribution(0, 64, step=8), CategoricalDistribution(["a", "b", "c"])],
            [{"name": "x", "kind": "float", "low": -5, "high": 5},
             {"name": "lr", "kind": "float", "low": 1e-4, "high": 1, "log": True},
             {"name": "w", "kind": "int", "low": 0, "high": 64, "step": 8},
             {"name": "c", "kind": "categorical", "choices": ["a", "b", "c"]}],
            [[0.5, 1e-3, 16, 0], [-2.0, 0.2, 64, 2], [3.3, 3e-2, 40, 1], [1.0, 1e-4, 0, 2]],
            [[0.4, 1e-3, 16, 0], [4.0, 0.5, 48, 1], [-4.9, 2e-4, 8, 2]],
        ),
    ],
}


def finite_json(v):
    """JSON has no infinities: they travel as the strings "Infinity", "-Infinity", "NaN"."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, dict):
        return {k: finite_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [finite_json(x) for x in v]
    return v


OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(finite_json(fixture), indent=1, allow_nan=False) + "\n")
# The repository's lint checks JSON with prettier: write the bytes it would.
subprocess.run(["pnpm", "exec", "prettier", "--write", str(OUT)], cwd=OUT.parents[5], check=True,
               stdout=subprocess.DEVNULL)
print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}", file=sys.stderr)
