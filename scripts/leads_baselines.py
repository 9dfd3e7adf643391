#!/usr/bin/env python3
"""Baselines for `roomwork-bench leads`: scikit-learn's HistGradientBoostingClassifier and
LightGBM with default settings, and a naive-Bayes prior (categorical naive Bayes over the same
quantile bands roomwork's prior uses), on the same chronological split of the same CSV.

Prints one JSON object: {"rows": .., "test_rows": .., "models": [{"name", "auc", "brier",
"log_loss", "train_seconds"}]}. Training time is the fit call only (best of --runs)."""
import argparse, json, sys, time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.naive_bayes import CategoricalNB
import lightgbm as lgb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--target", default="y")
    ap.add_argument("--exclude", default="duration")
    ap.add_argument("--test-share", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    df = pd.read_csv(a.csv, sep=None, engine="python")
    y = df[a.target].astype(str).str.lower().isin(["yes", "1", "true", "won", "converted"]).to_numpy()
    X = df.drop(columns=[a.target] + [c for c in a.exclude.split(",") if c])
    cats = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    for c in cats:
        X[c] = X[c].astype("category")
    n = len(X)
    cut = n - int(round(n * a.test_share))
    Xtr, Xte, ytr, yte = X.iloc[:cut], X.iloc[cut:], y[:cut], y[cut:]
    out = {"rows": n, "test_rows": int(n - cut), "models": []}

    def record(name, fit, predict):
        best = None
        for _ in range(a.runs):
            t = time.perf_counter()
            model = fit()
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        p = np.clip(predict(model), 1e-15, 1 - 1e-15)
        out["models"].append({
            "name": name,
            "auc": float(roc_auc_score(yte, p)),
            "brier": float(brier_score_loss(yte, p)),
            "log_loss": float(log_loss(yte, p)),
            "train_seconds": best,
        })

    record(
        "scikit-learn HistGradientBoostingClassifier (defaults)",
        lambda: HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0).fit(Xtr, ytr),
        lambda m: m.predict_proba(Xte)[:, 1],
    )
    record(
        "LightGBM LGBMClassifier (defaults)",
        lambda: lgb.LGBMClassifier(verbose=-1, random_state=0).fit(Xtr, ytr),
        lambda m: m.predict_proba(Xte)[:, 1],
    )

    # Naive Bayes over won/lost frequencies: categories as they are, numbers in quintile bands.
    def encode(frame, edges):
        cols = []
        for c in frame.columns:
            if c in cats:
                codes = frame[c].cat.codes.to_numpy() + 1
            else:
                codes = np.searchsorted(edges[c], frame[c].to_numpy(), side="left") + 1
            cols.append(codes)
        return np.stack(cols, axis=1)

    edges = {c: np.unique(np.quantile(Xtr[c], [0.2, 0.4, 0.6, 0.8])) for c in X.columns if c not in cats}
    Etr, Ete = encode(Xtr, edges), encode(Xte, edges)
    maxes = np.maximum(Etr.max(axis=0), Ete.max(axis=0)) + 1
    record(
        "naive-Bayes prior (categorical NB, numbers in quintiles)",
        lambda: CategoricalNB(alpha=1.0, min_categories=maxes).fit(Etr, ytr),
        lambda m: m.predict_proba(Ete)[:, 1],
    )
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
