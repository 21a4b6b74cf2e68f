import { HashMD } from "@noble/hashes/_md.js";
import { clean, createHasher, rotl } from "@noble/hashes/utils.js";

/*
 * SM3 (GB/T 32905-2016) for the browser, where there is no native one: the compression function
 * and initial value of the standard over @noble/hashes' Merkle-Damgard frame, which pads and
 * buffers as SM3 does (as SHA-256 does). Node's OpenSSL hashes natively (kit/hash.ts); tests check
 * the two agree and the standard's examples.
 */

const IV = Uint32Array.of(0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e);
/** The round constants T_j, rotated left by j mod 32 as every round uses them. */
const T = Uint32Array.from({ length: 64 }, (_, j) => rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32));
const W = new Uint32Array(68);

const p0 = (x: number) => x ^ rotl(x, 9) ^ rotl(x, 17);
const p1 = (x: number) => x ^ rotl(x, 15) ^ rotl(x, 23);

class SM3 extends HashMD<SM3> {
  A = 0;
  B = 0;
  C = 0;
  D = 0;
  E = 0;
  F = 0;
  G = 0;
  H = 0;

  constructor() {
    super(64, 32, 8, false);
    const [a, b, c, d, e, f, g, h] = IV as unknown as [number, number, number, number, number, number, number, number];
    this.set(a, b, c, d, e, f, g, h);
  }

  protected get(): number[] {
    return [this.A, this.B, this.C, this.D, this.E, this.F, this.G, this.H];
  }

  protected set(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number): void {
    this.A = a | 0;
    this.B = b | 0;
    this.C = c | 0;
    this.D = d | 0;
    this.E = e | 0;
    this.F = f | 0;
    this.G = g | 0;
    this.H = h | 0;
  }

  protected process(view: DataView, offset: number): void {
    for (let j = 0; j < 16; j++, offset += 4) W[j] = view.getUint32(offset, false);
    for (let j = 16; j < 68; j++) W[j] = p1(W[j - 16]! ^ W[j - 9]! ^ rotl(W[j - 3]!, 15)) ^ rotl(W[j - 13]!, 7) ^ W[j - 6]!;
    let { A, B, C, D, E, F, G, H } = this;
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(A, 12);
      const ss1 = rotl((a12 + E + T[j]!) | 0, 7);
      const ss2 = ss1 ^ a12;
      const ff = j < 16 ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
      const gg = j < 16 ? E ^ F ^ G : (E & F) | (~E & G);
      const tt1 = (ff + D + ss2 + (W[j]! ^ W[j + 4]!)) | 0;
      const tt2 = (gg + H + ss1 + W[j]!) | 0;
      D = C;
      C = rotl(B, 9);
      B = A;
      A = tt1;
      H = G;
      G = rotl(F, 19);
      F = E;
      E = p0(tt2);
    }
    this.set(A ^ this.A, B ^ this.B, C ^ this.C, D ^ this.D, E ^ this.E, F ^ this.F, G ^ this.G, H ^ this.H);
  }

  protected roundClean(): void {
    clean(W);
  }

  _cloneInto(to?: SM3): SM3 {
    to ||= new SM3();
    to.set(this.A, this.B, this.C, this.D, this.E, this.F, this.G, this.H);
    return this._cloneIntoMeta(to);
  }

  destroy(): void {
    this.destroyed = true;
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
    clean(this.buffer);
  }
}

/** SM3 of bytes, in JavaScript; a hash @noble/hashes' hmac takes. */
export const jsSm3 = createHasher(() => new SM3());
