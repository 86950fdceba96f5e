"""The host time of one PyTorch call (torch.mm, FP32 without TF32 and bf16; an element-wise add_) and
the event pair around it, with the GPU idle before the first event (the harness's way) and kept busy
by a sleep kernel (the call's host work then hidden): what an event-timed launch after an idle GPU
adds to the kernel. One input set or two in rotation.

Usage: python3 host_call_probe.py   (prints; validation/traces/h200/host_call_probe.log holds a run)
"""
import statistics
import time

import torch

RUNS = 20


def host_and_event_us(call, busy_first):
    """Median host time of call(i) and median event-pair time around it, in microseconds."""
    host, event = [], []
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for i in range(RUNS):
        if busy_first:
            torch.cuda._sleep(2_000_000)  # about 1 ms of a spinning kernel before the first event
        a.record()
        start = time.perf_counter()
        call(i)
        host.append((time.perf_counter() - start) * 1e6)
        b.record()
        b.synchronize()
        event.append(a.elapsed_time(b) * 1e3)
    return round(statistics.median(host), 1), round(statistics.median(event), 1)


def main():
    torch.backends.cuda.matmul.allow_tf32 = False
    for dtype in (torch.float32, torch.bfloat16):
        for m, n, k in ((1024, 1024, 1024), (4096, 4096, 4096), (8192, 8192, 1024), (4096, 4096, 256)):
            for sets in (1, 2):
                a = [torch.rand(m, k, device="cuda", dtype=dtype) for _ in range(sets)]
                b = [torch.rand(k, n, device="cuda", dtype=dtype) for _ in range(sets)]
                c = [torch.empty(m, n, device="cuda", dtype=dtype) for _ in range(sets)]

                def mm(i):
                    torch.mm(a[i % sets], b[i % sets], out=c[i % sets])

                for i in range(5):
                    mm(i)
                torch.cuda.synchronize()
                print(dtype, (m, n, k), "sets", sets, "idle host/event", host_and_event_us(mm, False),
                      "busy host/event", host_and_event_us(mm, True), flush=True)
    small = torch.zeros(1024, device="cuda")
    print("add_ idle", host_and_event_us(lambda i: small.add_(1), False),
          "busy", host_and_event_us(lambda i: small.add_(1), True))
    big = torch.zeros(2**28, device="cuda")
    print("big add_ idle", host_and_event_us(lambda i: big.add_(1), False),
          "busy", host_and_event_us(lambda i: big.add_(1), True))


if __name__ == "__main__":
    main()
