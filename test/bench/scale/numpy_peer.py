# The brute-force peer of bench:scale: how rclip searches, one NumPy matrix product over every
# vector, then the top 50. Reads float32 rows (vectors.f32: N x dim, unit length) and queries
# (queries.f32: Q x dim); prints JSON: per-repeat p50 ms of the search, and the exact top 10
# row numbers of each query (the recall oracle for our index).
import json, sys, time
import numpy as np

vec_path, q_path, dim, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
m = np.fromfile(vec_path, dtype=np.float32).reshape(-1, dim)
qs = np.fromfile(q_path, dtype=np.float32).reshape(-1, dim)
p50s = []
top10 = []
for r in range(repeats):
    times = []
    for q in qs:
        t = time.perf_counter()
        s = m @ q
        top = np.argpartition(-s, 50)[:50]
        top = top[np.argsort(-s[top])]
        times.append((time.perf_counter() - t) * 1000)
        if r == 0:
            top10.append([int(i) for i in top[:10]])
    p50s.append(float(np.median(times)))
print(json.dumps({"numpy": np.__version__, "rows": int(m.shape[0]), "p50s": p50s, "top10": top10}))
