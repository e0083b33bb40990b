"""cProfile of the closure before (67329bb) and after, 40 semigraphoid problems on 12 variables: where the
time goes (profiling inflates call overhead, so read shares, not seconds).

    python3 bench/profile_closure.py
"""
import sys, random, cProfile, pstats, io, tempfile, importlib
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_closure as B
old = B.load_old("67329bb", tempfile.mkdtemp())
new = importlib.import_module("graphoid.search")
from graphoid.search.statements import Names
probs = B.problems(random.Random(2036), 12, 40)
for name, m in (("before", old), ("after", new)):
    pr = cProfile.Profile()
    pr.enable()
    for names, p, g in probs:
        nm = Names(names)
        m.closure.implies([nm.triple(x) for x in p], nm.triple(g), 12, "semigraphoid")
    pr.disable()
    st = pstats.Stats(pr)
    total = st.total_tt
    rows = sorted(((v[2], k[2]) for k, v in st.stats.items()), reverse=True)[:4]
    print(name, "total %.3f s" % total, ", ".join("%s %.0f%%" % (fn, 100 * t / total) for t, fn in rows))
