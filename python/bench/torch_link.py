#!/usr/bin/python3
"""PyTorch reference for `modelfree bench`: the alternating training iteration of the default link.

The same network and iteration as the Java trainer (org.grmodelfree.train.AlternatingTrainer with
TrainingBench.timedConfig): M = 256 messages, N = 4 complex symbols, AWGN at 10 dB.

  transmitter  embedding M x 256 (uniform +-0.05) -> ELU -> dense 256 -> 2N (Glorot uniform, zero
               bias) -> energy normalisation over the whole codebook (mean energy one per complex
               symbol); a batch looks its messages up in that codebook
  receiver     dense 2N -> 256 (ReLU) -> dense 256 -> M logits (Glorot uniform, zero bias)
  receiver phase     B messages, y = x + n (x detached), mean softmax cross-entropy, Adam step
  transmitter phase  B messages, x_p = a x + w with a = sqrt(1 - s^2), w ~ CN(0, s^2), s^2 = 0.02;
                     y = x_p + n; per-example losses from the receiver (no gradient); REINFORCE
                     with the batch-mean baseline: minimise mean_i (l_i - mean l) log pi(x_p,i | x_i),
                     log pi = -|x_p - a x|^2 / s^2; Adam step
  Adam         lr 1e-3, betas (0.9, 0.999), eps 1e-7 (the Java defaults), both networks

Prints one JSON object: the median and p90 time per iteration after the warm-up, and, as a
BLAS figure of the same run, torch.mm on the receiver's 1000 x 256 x 256 product.
Usage: torch_link.py [--threads 2] [--warmup 200] [--iterations 300] [--batch 1000]
"""
import argparse
import json
import math
import time

import torch


def glorot(layer):
    torch.nn.init.xavier_uniform_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    return layer


class Transmitter(torch.nn.Module):
    def __init__(self, messages, symbols, hidden):
        super().__init__()
        self.embedding = torch.nn.Parameter(torch.empty(messages, hidden).uniform_(-0.05, 0.05))
        self.dense = glorot(torch.nn.Linear(hidden, 2 * symbols))
        self.symbols = symbols

    def codebook(self):
        z = self.dense(torch.nn.functional.elu(self.embedding))
        scale = torch.sqrt(z.shape[0] * self.symbols / torch.clamp((z * z).sum(), min=1e-30))
        return z * scale


class Receiver(torch.nn.Module):
    def __init__(self, messages, symbols, hidden):
        super().__init__()
        self.d1 = glorot(torch.nn.Linear(2 * symbols, hidden))
        self.d2 = glorot(torch.nn.Linear(hidden, messages))

    def forward(self, y):
        return self.d2(torch.relu(self.d1(y)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--messages", type=int, default=256)
    ap.add_argument("--symbols", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--snr-db", type=float, default=10.0)
    ap.add_argument("--sigma2", type=float, default=0.02)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    m, n, b = args.messages, args.symbols, args.batch
    tx = Transmitter(m, n, args.hidden)
    rx = Receiver(m, n, args.hidden)
    opt_tx = torch.optim.Adam(tx.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    opt_rx = torch.optim.Adam(rx.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    noise_std = math.sqrt(10 ** (-args.snr_db / 10) / 2)
    a = math.sqrt(1 - args.sigma2)
    policy_std = math.sqrt(args.sigma2 / 2)
    ce = torch.nn.CrossEntropyLoss()
    ce_each = torch.nn.CrossEntropyLoss(reduction="none")

    def iteration():
        # receiver phase: supervised step on a batch through the channel
        msgs = torch.randint(0, m, (b,))
        with torch.no_grad():
            x = tx.codebook()[msgs]
            y = x + noise_std * torch.randn_like(x)
        opt_rx.zero_grad(set_to_none=True)
        loss = ce(rx(y), msgs)
        loss.backward()
        opt_rx.step()
        # transmitter phase: Gaussian policy, per-example losses fed back, REINFORCE step
        msgs = torch.randint(0, m, (b,))
        x = tx.codebook()[msgs]
        with torch.no_grad():
            xp = a * x + policy_std * torch.randn_like(x)
            y = xp + noise_std * torch.randn_like(xp)
            losses = ce_each(rx(y), msgs)
            weights = losses - losses.mean()
        log_pi = -((xp - a * x) ** 2).sum(dim=1) / args.sigma2
        surrogate = (weights * log_pi).mean()
        opt_tx.zero_grad(set_to_none=True)
        surrogate.backward()
        opt_tx.step()

    for _ in range(args.warmup):
        iteration()
    times = []
    for _ in range(args.iterations):
        t0 = time.perf_counter()
        iteration()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()

    # torch.mm on the receiver's output layer shape, same threads
    h = torch.randn(b, args.hidden)
    w = torch.randn(args.hidden, m)
    out = torch.empty(b, m)
    for _ in range(100):
        torch.mm(h, w, out=out)
    mm = []
    for _ in range(300):
        t0 = time.perf_counter()
        torch.mm(h, w, out=out)
        mm.append(time.perf_counter() - t0)
    mm.sort()
    mm_s = mm[len(mm) // 2]

    print(json.dumps({
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "iterations": args.iterations,
        "median_ms": times[len(times) // 2],
        "p90_ms": times[int(len(times) * 0.9)],
        "mm_shape": [b, args.hidden, m],
        "mm_gflops": 2.0 * b * args.hidden * m / mm_s / 1e9,
    }))


if __name__ == "__main__":
    main()
