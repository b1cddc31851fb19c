"""Optuna's side of `pnpm bench:leaderboard`: the same trials in an Optuna RDB study on the same
PostgreSQL, and the reads a researcher would use there, each timed here with perf_counter.

A bench baseline only: the product never calls Optuna.

Protocol (bench/leaderboard.mjs drives it): one JSON object per line on stdin, one answer per
line on stdout (`{"ok": true, ...}` or `{"error": "..."}`); the first line out says it is ready.

  {"op": "count", "study": S}              -> {"complete": N}  (trials in state COMPLETE)
  {"op": "fill", "file": F, "batch": B, "study": S}
                                           -> fresh study from the JSON-lines trials in F
  S is "all" (default: every trial, one study) or "sweep" (the first sweep's trials alone, as a
  study per sweep would hold them).
  {"op": "read", "kind": K, "arg": A}      -> {"ms": t, "n": rows, "check": what the driver
                                              compares with Headroom's answer}; K in READS
"""

from __future__ import annotations

import datetime
import json
import math
import sys
import time

import optuna
import pandas as pd
import sqlalchemy
from optuna.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from optuna.storages._rdb import models
from optuna.trial import TrialState, create_trial

STUDY = "headroom-bench-leaderboard"
# One sweep as its own study: what an Optuna user reading "a sweep" reads.
SWEEP_STUDY = "headroom-bench-leaderboard-sweep"
STUDIES = {"all": STUDY, "sweep": SWEEP_STUDY}
GEOMETRY = ["params_d_m", "params_heads", "params_d_h", "params_qk_tied", "params_lr"]

DISTRIBUTIONS = {
    "d_m": CategoricalDistribution([128, 192, 256, 384, 512]),
    "heads": CategoricalDistribution([2, 4, 8, 16]),
    "d_h": CategoricalDistribution([16, 32, 48, 64, 96]),
    "qk_tied": CategoricalDistribution([False, True]),
    "layers": IntDistribution(1, 12),
    "lr": FloatDistribution(1e-5, 1e-1, log=True),
    "seed": IntDistribution(0, 1_000_000),
}

optuna.logging.set_verbosity(optuna.logging.WARNING)


def say(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Bench:
    def __init__(self, url: str) -> None:
        self.url = url
        # pool_pre_ping: the driver may drop and recreate the database between two requests.
        self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True)
        self.study: optuna.Study | None = None
        self.sweep_study: optuna.Study | None = None

    # ------------------------------------------------------------------ setup

    def count(self, study: str = STUDY) -> int:
        with self.engine.connect() as c:
            has = c.execute(
                sqlalchemy.text("select to_regclass('public.trials') is not null")
            ).scalar()
            if not has:
                return 0
            return int(
                c.execute(
                    sqlalchemy.text(
                        "select count(*) from trials t join studies s using (study_id) "
                        "where s.study_name = :n and t.state = 'COMPLETE'"
                    ),
                    {"n": study},
                ).scalar()
            )

    def fill(self, path: str, batch: int, study_name: str = STUDY) -> dict:
        """A fresh study holding the trials of `path` (SWEEP_STUDY: those of its first sweep),
        written in Optuna's own tables.

        `study.add_trials` runs at ~13 trials/s here (one transaction and ~25 statements a
        trial), about two hours for 10^5; so the study, its direction and the first trial go
        through Optuna's API and the rest are inserted in batches into the same tables, with
        the values Optuna's storage writes (state, internal parameter representation,
        distribution JSON, value types). The driver then checks that Optuna reads back the same
        best trial, best group and Pareto front as Headroom.
        """
        self.engine.dispose()  # connections from `count` may point at a dropped database
        try:
            optuna.delete_study(study_name=study_name, storage=self.url)
        except KeyError:
            pass
        study = optuna.create_study(study_name=study_name, storage=self.url, direction="minimize")
        t0 = time.perf_counter()
        with open(path) as f:
            trials = [json.loads(line) for line in f if line.strip()]
        if study_name == SWEEP_STUDY:
            trials = [t for t in trials if t["sweepId"] == trials[0]["sweepId"]]
        study.add_trial(self.frozen(trials[0]))
        tables = {
            name: model.__table__
            for name, model in (
                ("trials", models.TrialModel),
                ("params", models.TrialParamModel),
                ("values", models.TrialValueModel),
                ("intermediate", models.TrialIntermediateValueModel),
                ("attrs", models.TrialUserAttributeModel),
            )
        }
        finite = models.TrialValueModel.TrialValueType.FINITE
        finite_iv = models.TrialIntermediateValueModel.TrialIntermediateValueType.FINITE
        dist_json = {k: distribution_to_json(d) for k, d in DISTRIBUTIONS.items()}
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        written = 1
        for start in range(1, len(trials), batch):
            chunk = trials[start : start + batch]
            with self.engine.begin() as conn:
                ids = conn.execute(
                    sqlalchemy.insert(tables["trials"]).returning(
                        tables["trials"].c.trial_id, sort_by_parameter_order=True
                    ),
                    [
                        {
                            "number": start + i,
                            "study_id": study._study_id,
                            "state": TrialState.COMPLETE,
                            "datetime_start": now,
                            "datetime_complete": now,
                        }
                        for i in range(len(chunk))
                    ],
                ).scalars().all()
                params, values, inter, attrs = [], [], [], []
                for trial_id, t in zip(ids, chunk):
                    for k, d in DISTRIBUTIONS.items():
                        params.append(
                            {
                                "trial_id": trial_id,
                                "param_name": k,
                                "param_value": d.to_internal_repr(t["params"][k]),
                                "distribution_json": dist_json[k],
                            }
                        )
                    values.append(
                        {
                            "trial_id": trial_id,
                            "objective": 0,
                            "value": t["epochs"][-1]["mpjpe"],
                            "value_type": finite,
                        }
                    )
                    for step, e in enumerate(t["epochs"], start=1):
                        inter.append(
                            {
                                "trial_id": trial_id,
                                "step": step,
                                "intermediate_value": e["mpjpe"],
                                "intermediate_value_type": finite_iv,
                            }
                        )
                    for k, v in self.user_attrs(t).items():
                        attrs.append({"trial_id": trial_id, "key": k, "value_json": json.dumps(v)})
                conn.execute(sqlalchemy.insert(tables["params"]), params)
                conn.execute(sqlalchemy.insert(tables["values"]), values)
                conn.execute(sqlalchemy.insert(tables["intermediate"]), inter)
                conn.execute(sqlalchemy.insert(tables["attrs"]), attrs)
            written += len(chunk)
            rate = written / (time.perf_counter() - t0)
            print(f"  optuna fill: {written} trials, {rate:.0f}/s", file=sys.stderr)
        self.study = None
        self.sweep_study = None
        return {"written": written, "seconds": time.perf_counter() - t0}

    @staticmethod
    def user_attrs(t: dict) -> dict:
        finals = t["epochs"][-1]
        return {
            "sweep_id": t["sweepId"],
            "trial_id": t["id"],
            "param_count": t["paramCount"],
            "flops": t["flops"],
            "p_mpjpe": finals["p_mpjpe"],
            "loss": finals["loss"],
        }

    @classmethod
    def frozen(cls, t: dict) -> optuna.trial.FrozenTrial:
        return create_trial(
            params={k: t["params"][k] for k in DISTRIBUTIONS},
            distributions=DISTRIBUTIONS,
            value=t["epochs"][-1]["mpjpe"],
            intermediate_values={i + 1: e["mpjpe"] for i, e in enumerate(t["epochs"])},
            user_attrs=cls.user_attrs(t),
        )

    def load(self) -> optuna.Study:
        if self.study is None:
            self.study = optuna.load_study(study_name=STUDY, storage=self.url)
        return self.study

    # ------------------------------------------------------------------ reads

    def best_trial(self, _arg) -> tuple[int, object]:
        t = self.load().best_trial
        return 1, t.value

    def best_trial_cold(self, _arg) -> tuple[int, object]:
        # What a fresh script or notebook kernel pays: load the study, then ask for the best.
        t = optuna.load_study(study_name=STUDY, storage=self.url).best_trial
        return 1, t.value

    def top20(self, _arg) -> tuple[int, object]:
        trials = self.load().get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        top = sorted(trials, key=lambda t: (t.value, t.number))[:20]
        return len(top), top[0].value

    def frame(self) -> pd.DataFrame:
        return self.load().trials_dataframe(
            attrs=("number", "value", "params", "user_attrs", "state")
        )

    @staticmethod
    def grouped_of(df: pd.DataFrame, value: str) -> pd.DataFrame:
        g = df.groupby(GEOMETRY, sort=False).agg(
            n=(value, "count"),
            mean=(value, "mean"),
            std=(value, "std"),
            min=(value, "min"),
            max=(value, "max"),
            p_mpjpe_mean=("user_attrs_p_mpjpe", "mean"),
            p_mpjpe_std=("user_attrs_p_mpjpe", "std"),
            param_count=("user_attrs_param_count", "max"),
            flops=("user_attrs_flops", "max"),
        )
        return g.reset_index().sort_values(["mean"] + GEOMETRY, kind="stable")

    def grouped(self, _arg) -> tuple[int, object]:
        df = self.frame()
        df = df[df["state"] == "COMPLETE"]
        top = self.grouped_of(df, "value").head(20)
        return len(top), [float(top["mean"].iloc[0]), int(top["n"].iloc[0])]

    def grouped_cold(self, _arg) -> tuple[int, object]:
        # A fresh process (script, notebook kernel): no cached trials, the whole study is read.
        study = optuna.load_study(study_name=STUDY, storage=self.url)
        df = study.trials_dataframe(attrs=("number", "value", "params", "user_attrs", "state"))
        top = self.grouped_of(df[df["state"] == "COMPLETE"], "value").head(20)
        return len(top), [float(top["mean"].iloc[0]), int(top["n"].iloc[0])]

    def grouped_best(self, _arg) -> tuple[int, object]:
        # trials_dataframe has no intermediate values: each trial's best epoch from the trials.
        trials = self.load().get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        df = pd.DataFrame(
            {
                **{
                    f"params_{k}": [t.params[k] for t in trials]
                    for k in ("d_m", "heads", "d_h", "qk_tied", "lr")
                },
                "best": [min(t.intermediate_values.values()) for t in trials],
                "user_attrs_p_mpjpe": [t.user_attrs["p_mpjpe"] for t in trials],
                "user_attrs_param_count": [t.user_attrs["param_count"] for t in trials],
                "user_attrs_flops": [t.user_attrs["flops"] for t in trials],
            }
        )
        top = self.grouped_of(df, "best").head(20)
        return len(top), [float(top["mean"].iloc[0]), int(top["n"].iloc[0])]

    def pareto(self, _arg) -> tuple[int, object]:
        df = self.frame()
        g = self.grouped_of(df[df["state"] == "COMPLETE"], "value")
        g = g.sort_values(["param_count", "mean"], kind="stable")
        front, best = [], math.inf
        for row in g.itertuples(index=False):
            if row.mean < best:
                front.append(row)
                best = row.mean
        return len(front), [int(r.param_count) for r in front]

    @staticmethod
    def sweep_rows(trials: list) -> list:
        return [(t.number, t.params, t.value, dict(t.intermediate_values)) for t in trials]

    def sweep_study_cached(self, _arg) -> tuple[int, object]:
        # A sweep as its own study, in a long-lived process: finished trials come from memory.
        if self.sweep_study is None:
            self.sweep_study = optuna.load_study(study_name=SWEEP_STUDY, storage=self.url)
        return len(self.sweep_rows(self.sweep_study.get_trials(deepcopy=False))), None

    def sweep_study_cold(self, _arg) -> tuple[int, object]:
        # The same from a fresh script: a new storage loads the study's trials from the database.
        study = optuna.load_study(study_name=SWEEP_STUDY, storage=self.url)
        return len(self.sweep_rows(study.get_trials(deepcopy=False))), None

    def sweep(self, sweep_id) -> tuple[int, object]:
        # No sweeps in Optuna: one "sweep" is the study's trials carrying its id, in order,
        # each with its per-epoch (intermediate) values.
        trials = self.load().get_trials(deepcopy=False)
        rows = [t for t in trials if t.user_attrs.get("sweep_id") == sweep_id]
        rows.sort(key=lambda t: t.number)
        return len(self.sweep_rows(rows)), None


READS = (
    "best_trial",
    "best_trial_cold",
    "top20",
    "grouped",
    "grouped_cold",
    "grouped_best",
    "pareto",
    "sweep",
    "sweep_study_cached",
    "sweep_study_cold",
)


def main() -> None:
    bench = Bench(sys.argv[1])
    say({"ready": True, "optuna": optuna.__version__, "pandas": pd.__version__})
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "count":
                say({"ok": True, "complete": bench.count(STUDIES[req.get("study", "all")])})
            elif op == "fill":
                study = STUDIES[req.get("study", "all")]
                say({"ok": True, **bench.fill(req["file"], int(req.get("batch", 1000)), study)})
            elif op == "read" and req["kind"] in READS:
                fn = getattr(bench, req["kind"])
                t0 = time.perf_counter()
                n, check = fn(req.get("arg"))
                ms = (time.perf_counter() - t0) * 1000
                say({"ok": True, "ms": ms, "n": n, "check": check})
            else:
                say({"error": f"unknown request {line.strip()}"})
        except Exception as err:  # noqa: BLE001 - report to the driver, keep serving
            say({"error": f"{type(err).__name__}: {err}"})


if __name__ == "__main__":
    main()
