"""The host time of one PyTorch call (torch.mm, FP32 without TF32 and bf16; an element-wise add_) and
the event pair around it, with the GPU idle before the first event (the harness's way) and kept busy
by a sleep kernel (the call's host work then hidden): what an event-timed launch after an idle GPU
adds to the kernel. One input set or two in rotation.

Usage: python3 host_call_probe.py   (prints; validation/traces/h200/host_call_probe.log holds a run)
"""
import time, statistics, torch
torch.backends.cuda.matmul.allow_tf32 = False
def host_times(fn, busy, n=20):
    hs=[]; evs=[]
    a,b=torch.cuda.Event(enable_timing=True),torch.cuda.Event(enable_timing=True)
    for i in range(n):
        if busy: torch.cuda._sleep(2_000_000)
        a.record(); h0=time.perf_counter(); fn(i); hs.append((time.perf_counter()-h0)*1e6); b.record(); b.synchronize(); evs.append(a.elapsed_time(b)*1e3)
    return round(statistics.median(hs),1), round(statistics.median(evs),1)
for dt in (torch.float32, torch.bfloat16):
  for (m,n,k) in ((1024,1024,1024),(4096,4096,4096),(8192,8192,1024),(4096,4096,256)):
    for sets in (1,2):
        A=[torch.rand(m,k,device='cuda',dtype=dt) for _ in range(sets)]; B=[torch.rand(k,n,device='cuda',dtype=dt) for _ in range(sets)]; C=[torch.empty(m,n,device='cuda',dtype=dt) for _ in range(sets)]
        f=lambda i: torch.mm(A[i%sets],B[i%sets],out=C[i%sets])
        for i in range(5): f(i)
        torch.cuda.synchronize()
        print(dt, (m,n,k), 'sets',sets, 'idle host/event', host_times(f,False), 'busy host/event', host_times(f,True), flush=True)
x=torch.zeros(1024,device='cuda')
print('add_ idle', host_times(lambda i: x.add_(1), False), 'busy', host_times(lambda i: x.add_(1), True))
y=torch.zeros(2**28,device='cuda')
print('big add_ idle', host_times(lambda i: y.add_(1), False), 'busy', host_times(lambda i: y.add_(1), True))
