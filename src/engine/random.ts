/**
 * A small seedable random number generator for everything a training run draws: weight
 * initialisation seeds, latent vectors, batch order, toy points.
 *
 * The generator is xoshiro128** (Blackman & Vigna): 128 bits of state, 32-bit outputs, fast in
 * JavaScript because it needs only 32-bit integer operations (`Math.imul`, shifts), which are
 * exact on every platform. Its whole state is four integers plus the cached second normal
 * deviate, so `getState()` is plain JSON a checkpoint can store, and `setState()` resumes the
 * very same stream.
 *
 * Normal deviates use Marsaglia's polar method, which needs only `Math.log` and `Math.sqrt`
 * (no sin/cos): `sqrt` is exactly rounded by IEEE 754 and V8's `log` is the same fdlibm port on
 * every platform, so the normal stream is reproducible too.
 */

/** The generator's complete state, as plain JSON. */
export interface RandomState {
  algorithm: 'xoshiro128**';
  /** The four 32-bit state words, as unsigned integers. */
  words: [number, number, number, number];
  /** The second deviate of the last polar-method pair, not yet handed out. */
  spareNormal: number | null;
}

/** Anything indexable and writable, e.g. an array or a typed array. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

const TWO_POW_32 = 4294967296;

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed any number or string (e.g. `training.seed`); the same seed gives the same stream.
   *   Extra parts derive independent streams from one seed: `new Random(seed, 'data-order', epoch)`.
   */
  constructor(seed: number | string, ...parts: Array<number | string>) {
    this.reseed(mixSeed(seed, ...parts));
  }

  /** A generator that continues from a saved state. */
  static fromState(state: RandomState): Random {
    const random = new Random(0);
    random.setState(state);
    return random;
  }

  /** The next raw 32-bit output, an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 bits of resolution (enough for float32 tensors). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform number in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A normal deviate with the given mean and standard deviation. */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.spare !== null) {
      z = this.spare;
      this.spare = null;
    } else {
      // Polar method: a uniform point in the unit disc gives two independent N(0, 1) values.
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * this.uniform() - 1;
        v = 2 * this.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const factor = Math.sqrt((-2 * Math.log(s)) / s);
      this.spare = v * factor;
      z = u * factor;
    }
    return mean + std * z;
  }

  /** A uniform integer in [0, n), without modulo bias; n must be an integer in [1, 2³²]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Random.int needs an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top sliver of outputs that would make small residues more likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Shuffles in place (Fisher–Yates) and returns the same array. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** A random order of 0 … n−1. */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /** Fills `out` with normal deviates and returns it. */
  fillNormal<A extends MutableArrayLike<number>>(out: A, mean = 0, std = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills `out` with uniform numbers in [lo, hi) and returns it. */
  fillUniform<A extends MutableArrayLike<number>>(out: A, lo = 0, hi = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** A new, independent generator seeded from this one's stream (consumes two outputs). */
  fork(...parts: Array<number | string>): Random {
    return new Random(this.nextUint32(), this.nextUint32(), ...parts);
  }

  getState(): RandomState {
    return {
      algorithm: 'xoshiro128**',
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spare,
    };
  }

  setState(state: RandomState): void {
    const words = state?.words;
    const valid =
      state?.algorithm === 'xoshiro128**' &&
      Array.isArray(words) &&
      words.length === 4 &&
      words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) &&
      words.some((w) => w !== 0) &&
      (state.spareNormal === null || Number.isFinite(state.spareNormal));
    if (!valid) throw new Error(`Not a saved random state: ${JSON.stringify(state)}`);
    [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w | 0);
    this.spare = state.spareNormal;
  }

  private reseed(seed32: number): void {
    // splitmix32 spreads one 32-bit seed over the four state words (never all zero).
    let x = seed32 >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      return fmix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
  }
}

/**
 * Hashes a seed and optional labels (numbers or strings) into one 32-bit seed. Numbers are
 * hashed by their IEEE 754 bits (read big-endian, so the result is the same on every
 * platform), strings by their UTF-16 code units.
 */
export function mixSeed(...parts: Array<number | string>): number {
  let h = 0x243f6a88; // any odd start value; the digits of π
  const add = (word: number): void => {
    h = fmix32((h ^ fmix32(word | 0)) + 0x632be5ab);
  };
  const view = new DataView(new ArrayBuffer(8));
  for (const part of parts) {
    if (typeof part === 'number') {
      view.setFloat64(0, part === 0 ? 0 : part); // −0 and 0 are the same seed
      add(0x6e756d); // type tag, so 1 and "\u0000\u0001" differ
      add(view.getUint32(0));
      add(view.getUint32(4));
    } else {
      add(0x737472);
      add(part.length);
      for (let i = 0; i < part.length; i++) add(part.charCodeAt(i));
    }
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
