"""How many llama.cpp contexts to run on this machine: 1 context with all threads, or N with fewer each.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.local_contexts --clients 8 --tokens 64

``--clients`` threads each ask one short question at the same moment, through the real engine and its
admission line (``backend.providers.local_llm``), for each context count. Reported per setting: the
wall time for all answers, requests per second, p50/p95 of each client's latency, and the median time
to the first token. LOCAL_CONTEXTS defaults to the winner on a 2-core machine (see README).
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from langchain_core.messages import HumanMessage

from backend.providers.local_llm import ChatLocalLlama, load_local_engine

QUESTION = "In two sentences, what is annual leave and how is it earned?"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(contexts: int, clients: int, tokens: int, threads: int) -> dict[str, float]:
    engine = load_local_engine(context_tokens=1024, threads=threads, contexts=contexts, max_waiting=clients)
    model = ChatLocalLlama(engine=engine, temperature=0.0, max_tokens=tokens)
    model.invoke([HumanMessage("Hi")])  # warm-up
    latency: list[float] = []
    first_token: list[float] = []
    start = threading.Barrier(clients + 1)

    def client() -> None:
        start.wait()
        began = time.perf_counter()
        first = None
        for chunk in model.stream([HumanMessage(QUESTION)]):
            if first is None and chunk.text:
                first = time.perf_counter() - began
        latency.append(time.perf_counter() - began)
        first_token.append(first or 0.0)

    workers = [threading.Thread(target=client) for _ in range(clients)]
    for w in workers:
        w.start()
    began = time.perf_counter()
    start.wait()
    for w in workers:
        w.join()
    wall = time.perf_counter() - began
    return {
        "wall_s": wall,
        "req_per_s": clients / wall,
        "p50_s": statistics.median(latency),
        "p95_s": _percentile(latency, 0.95),
        "first_token_p50_s": statistics.median(first_token),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--contexts", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"{args.clients} concurrent clients, {args.tokens} tokens each, {args.threads} threads in all")
    for contexts in args.contexts:
        r = measure(contexts, args.clients, args.tokens, args.threads)
        print(
            f"contexts={contexts}: wall {r['wall_s']:.1f} s, {r['req_per_s']:.2f} req/s, "
            f"p50 {r['p50_s']:.1f} s, p95 {r['p95_s']:.1f} s, first token p50 {r['first_token_p50_s']:.1f} s"
        )


if __name__ == "__main__":
    main()
