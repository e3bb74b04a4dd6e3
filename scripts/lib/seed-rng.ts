// The seed's deterministic randomness: sfc32, never Math.random or randomUUID (the same --seed gives the same rows).

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor (seed: number) {
    let s = seed >>> 0
    const split = (): number => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split(); this.b = split(); this.c = split(); this.d = split()
    for (let i = 0; i < 15; i++) this.u32()
  }

  u32 (): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  float (): number { return this.u32() / 4_294_967_296 }
  int (n: number): number { return Math.floor(this.float() * n) }
  between (lo: number, hi: number): number { return lo + this.float() * (hi - lo) }
  chance (p: number): boolean { return this.float() < p }
  pick<T> (xs: readonly T[]): T { return xs[this.int(xs.length)] as T }
  /** Roughly normal (sum of three uniforms), mean 0, standard deviation sd. */
  normal (sd: number): number { return (this.float() + this.float() + this.float() - 1.5) * 2 * sd }

  private readonly buf = Buffer.alloc(32)
  /** n random bytes (n ≤ 32, multiple of 4) as base64url. */
  b64 (n: number): string {
    for (let i = 0; i < n; i += 4) this.buf.writeUInt32LE(this.u32(), i)
    return this.buf.toString('base64url', 0, n)
  }

  /** 128 bits as 22 base64url characters, like src/lib/ids.ts randomId. */
  id (): string { return this.b64(16) }

  /** A UUIDv7-shaped id: the time first (so a time-ordered load appends to the index), then 74 random bits. */
  uuid7 (ms: number): string {
    const buf = this.buf
    buf.writeUIntBE(ms, 0, 6)
    buf.writeUInt32LE(this.u32(), 6)
    buf.writeUInt32LE(this.u32(), 10)
    buf.writeUInt16LE(this.u32() & 0xffff, 14)
    buf[6] = 0x70 | ((buf[6] as number) & 0x0f)
    buf[8] = 0x80 | ((buf[8] as number) & 0x3f)
    const h = buf.toString('hex', 0, 16)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }
}
