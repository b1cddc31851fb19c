"""Optuna's side of `pnpm bench:search`: a child that answers one JSON line per JSON line.

Requests (stdin):
  {"op": "create", "study": ID, "seed": S, "space": [dimension...], "multivariate": bool}
  {"op": "ask", "study": ID}                 -> {"trial": N, "params": {...}}
  {"op": "tell", "study": ID, "trial": N, "value": V}  -> {"ok": true}
  {"op": "drop", "study": ID}                -> {"ok": true}
Dimensions are Headroom's TPE dimensions (kind float | int | categorical), so both sides search
the same space; bench/search.mjs evaluates the objective, so both see the same function.
"""

import json
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)


def distribution(d):
    if d["kind"] == "categorical":
        return CategoricalDistribution(d["choices"])
    if d["kind"] == "int":
        return IntDistribution(d["low"], d["high"], log=d.get("log", False), step=d.get("step", 1))
    return FloatDistribution(d["low"], d["high"], log=d.get("log", False), step=d.get("step"))


studies = {}
print(json.dumps({"ready": True, "optuna": optuna.__version__}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    try:
        if op == "create":
            sampler = optuna.samplers.TPESampler(
                seed=req["seed"],
                **({} if req.get("multivariate") is None else {"multivariate": req["multivariate"]}),
            )
            study = optuna.create_study(direction="minimize", sampler=sampler)
            space = {d["name"]: distribution(d) for d in req["space"]}
            studies[req["study"]] = (study, space, {}, [0.0])
            out = {"ok": True}
        elif op == "ask":
            study, space, trials, seconds = studies[req["study"]]
            t0 = time.perf_counter()
            trial = study.ask(space)
            seconds[0] += time.perf_counter() - t0
            trials[trial.number] = trial
            out = {"trial": trial.number, "params": trial.params}
        elif op == "tell":
            study, space, trials, seconds = studies[req["study"]]
            t0 = time.perf_counter()
            study.tell(trials.pop(req["trial"]), req["value"])
            seconds[0] += time.perf_counter() - t0
            out = {"ok": True}
        elif op == "drop":
            _, _, _, seconds = studies.pop(req["study"])
            out = {"ok": True, "seconds": seconds[0]}
        else:
            out = {"error": f"unknown op {op}"}
    except Exception as e:  # noqa: BLE001 — reported to the parent, which stops the bench
        out = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(out), flush=True)
