"""Coefficients of outpace::math::exp's polynomial (src/math.rs, docs/model.md).

Finds the degree-9 polynomial s(r) = c2 + c3 r + ... + c11 r^9 that minimises
max |e^-r ((e^r - 1 - r) / r^2 - s(r))| on |r| <= 0.34658 (a little more than
ln(2)/2, the largest reduced argument), by the Remez exchange algorithm in 60-digit
arithmetic, and prints each coefficient with the bit pattern of the nearest f64.

Needs mpmath (`pip install mpmath`); not part of the build.
"""
import struct

import mpmath as mp

mp.mp.dps = 60
A = mp.mpf("0.34658")
DEGREE = 9
GRID = 2000


def target(r):
    if abs(r) < mp.mpf("1e-20"):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


def weight(r):
    return mp.exp(-r)


def solve(points):
    """Coefficients and levelled error E with weight (target - s) = (-1)^i E at points."""
    n = DEGREE + 2
    a, b = mp.matrix(n, n), mp.matrix(n, 1)
    for i, x in enumerate(points):
        for k in range(DEGREE + 1):
            a[i, k] = weight(x) * x**k
        a[i, DEGREE + 1] = (-1) ** i
        b[i] = weight(x) * target(x)
    sol = mp.lu_solve(a, b)
    return [sol[k] for k in range(DEGREE + 1)], sol[DEGREE + 1]


def extrema(err):
    """The largest |err| of each run of one sign on a grid, refined by ternary search."""
    xs = [-A + 2 * A * i / GRID for i in range(GRID + 1)]
    runs, run = [], [(xs[0], err(xs[0]))]
    for x in xs[1:]:
        e = err(x)
        if (e >= 0) == (run[-1][1] >= 0):
            run.append((x, e))
        else:
            runs.append(max(run, key=lambda t: abs(t[1])))
            run = [(x, e)]
    runs.append(max(run, key=lambda t: abs(t[1])))
    refined = []
    for x0, _ in runs:
        lo, hi = max(-A, x0 - 2 * A / GRID), min(A, x0 + 2 * A / GRID)
        for _ in range(60):
            m1, m2 = lo + (hi - lo) / 3, hi - (hi - lo) / 3
            if abs(err(m1)) > abs(err(m2)):
                hi = m2
            else:
                lo = m1
        refined.append((lo + hi) / 2)
    return refined


def main():
    n = DEGREE + 2
    points = [A * mp.cos(mp.pi * (n - 1 - i) / (n - 1)) for i in range(n)]
    for _ in range(30):
        coefficients, levelled = solve(points)

        def err(x):
            return weight(x) * (target(x) - mp.polyval(coefficients[::-1], x))

        found = extrema(err)
        worst = max(abs(err(x)) for x in found)
        start = max(range(len(found) - n + 1), key=lambda s: min(abs(err(x)) for x in found[s : s + n]))
        points = found[start : start + n]
        if abs(abs(levelled) - worst) <= 1e-6 * worst:
            break
    print(f"levelled error {mp.nstr(abs(levelled), 5)}")
    for k, c in enumerate(coefficients):
        bits = struct.unpack("<Q", struct.pack("<d", float(c)))[0]
        print(f"c{k + 2} = {mp.nstr(c, 25)}  0x{bits:016x}")


if __name__ == "__main__":
    main()
