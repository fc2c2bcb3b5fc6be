// The engine's one seeded random number generator. Pure; runs in Node, the
// worker and the page. Every split, initialisation, bootstrap and sample
// generator draws from a `Random` so that a seed reproduces a result exactly.
//
// Generator: sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator, 32-bit
// variant, from PractRand): 128 bits of state, passes PractRand/BigCrush, and
// needs only 32-bit integer arithmetic, which JavaScript does fast via `| 0`.
// Seeding: the seed's String() form is hashed with 32-bit FNV-1a; that hash
// starts a Weyl sequence whose terms are mixed with MurmurHash3's fmix32 to fill
// sfc32's four words; the first 12 outputs are dropped so that similar seeds
// have diverged. Numbers and their decimal strings therefore seed alike
// (1 and '1' give the same stream).

/** A seed as users type it: a number or any string. */
export type Seed = number | string;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// ln(k!) exactly (to double precision) for small k; Stirling's series beyond,
// where its error is below 1e-14. Used by the Poisson rejection sampler.
const LOG_FACTORIAL_TABLE: number[] = (() => {
  const table = [0];
  for (let k = 1; k < 32; k++) table.push(table[k - 1] + Math.log(k));
  return table;
})();
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_TABLE.length) return LOG_FACTORIAL_TABLE[k];
  const x = k + 1;
  const x2 = x * x;
  return (
    (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x
  );
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  // The polar method yields normals in pairs; the second waits here.
  private spareNormal = NaN;

  constructor(readonly seed: Seed = 0) {
    let weyl = fnv1a(String(seed));
    const word = () => {
      weyl = (weyl + 0x9e3779b9) | 0;
      return fmix32(weyl);
    };
    this.a = word();
    this.b = word();
    this.c = word();
    this.d = word();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * An independent stream named `label`, reproducible from this generator's
   * seed alone: adding draws to one part of a generator then leaves the other
   * parts' streams unchanged.
   */
  derive(label: string): Random {
    return new Random(`${String(this.seed)}/${label}`);
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits (two outputs). */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Uniform integer in [0, n). n must be a positive integer below 2^32. */
  int(n: number): number {
    // One 32-bit draw; the modulo bias is below n / 2^32, far under any test's resolution.
    return Math.floor((this.nextUint32() / TWO_POW_32) * n);
  }

  /** Normal(mean, sd) by Marsaglia's polar method. */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return mean + sd * u * factor;
  }

  /** Exponential with the given rate (mean 1/rate), by inversion. */
  exponential(rate = 1): number {
    // 1 - uniform() is in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** Weibull with survival exp(-(t/scale)^shape), by inversion. */
  weibull(shape: number, scale = 1): number {
    return scale * Math.pow(-Math.log(1 - this.uniform()), 1 / shape);
  }

  /**
   * Gamma(shape, scale) by Marsaglia & Tsang (2000), "A simple method for
   * generating gamma variables"; shape < 1 uses their boost
   * Gamma(shape) = Gamma(shape + 1) · U^(1/shape).
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be positive, got ${shape}`);
    if (shape < 1) {
      const boost = Math.pow(1 - this.uniform(), 1 / shape);
      return this.gamma(shape + 1, scale) * boost;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /**
   * Poisson(lambda). Below 10, Knuth's product of uniforms (expected
   * lambda + 1 draws); from 10 up, Hörmann's transformed rejection with
   * squeeze, PTRS (1993), whose cost does not grow with lambda.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0)) throw new RangeError(`poisson lambda must be >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let product = this.uniform();
      while (product > limit) {
        k++;
        product *= this.uniform();
      }
      return k;
    }
    const sqrtLambda = Math.sqrt(lambda);
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * sqrtLambda;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
      if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
    }
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): 0 | 1 {
    return this.uniform() < p ? 1 : 0;
  }

  /** Binomial(n, p) as a sum of n Bernoulli draws; meant for small n. */
  binomial(n: number, p: number): number {
    let k = 0;
    for (let i = 0; i < n; i++) k += this.bernoulli(p);
    return k;
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  categorical(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('categorical weights must have a positive sum');
    let target = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) return i;
    }
    // Rounding can leave target a hair above zero: fall to the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
