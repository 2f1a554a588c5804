#!/usr/bin/env python3
"""scikit-learn's Barnes-Hut t-SNE on a float32 .npy feature file, timed: the reference for tsne_bench.

Prints one JSON line like tsne_bench's. Settings mirror moco::TsneOptions' defaults: perplexity 30,
angle 0.5, PCA start, learning_rate='auto' where this scikit-learn has it, 1000 iterations.
Threads follow OMP_NUM_THREADS (scikit-learn parallelises parts of the gradient with OpenMP).
"""
import argparse
import inspect
import json
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE, trustworthiness
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads


def make_tsne(perplexity, iterations, seed):
    params = inspect.signature(TSNE).parameters
    # 'auto' arrived in scikit-learn 1.0; the iteration count was renamed max_iter in 1.5.
    major_minor = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
    learning_rate = "auto" if major_minor >= (1, 0) else 200.0
    iteration_key = "max_iter" if "max_iter" in params else "n_iter"
    return TSNE(n_components=2, perplexity=perplexity, method="barnes_hut", angle=0.5, init="pca",
                learning_rate=learning_rate, random_state=seed, **{iteration_key: iterations})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features", help="float32 .npy array of shape (n, d)")
    parser.add_argument("--out", help="write the n x 2 layout here (.npy)")
    parser.add_argument("--perplexity", type=float, default=30.0)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trust-k", type=int, default=10)
    args = parser.parse_args()

    x = np.load(args.features).astype(np.float32, copy=False)
    tsne = make_tsne(args.perplexity, args.iterations, args.seed)
    start = time.perf_counter()
    layout = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    if args.out:
        np.save(args.out, layout.astype(np.float32))
    print(json.dumps({
        "implementation": "sklearn", "n": int(x.shape[0]), "dim": int(x.shape[1]),
        "threads": _openmp_effective_n_threads(), "perplexity": args.perplexity,
        "iterations": int(tsne.n_iter_) + 1, "seconds": seconds, "kl_divergence": float(tsne.kl_divergence_),
        "trustworthiness": float(trustworthiness(x, layout, n_neighbors=args.trust_k)),
        "trustworthiness_k": args.trust_k, "sklearn_version": sklearn.__version__,
    }))


if __name__ == "__main__":
    main()
