import { KERNELS_WASM_BASE64 } from "../wasm/kernels";

/** The part of the WebAssembly API used here (the compiler's lib has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** One instance of the WebAssembly SIMD kernels (kernels.as.ts) with its own memory. */
export interface Kernels {
  readonly memory: { readonly buffer: ArrayBuffer };
  /** Grows memory to hold `bytes` and returns the (16-aligned) offset where it starts. */
  reserve(bytes: number): number;
  gramF64(
    a: number,
    n: number,
    p: number,
    g: number,
    k0: number,
    k1: number,
    i0: number,
    i1: number,
  ): void;
  gramI16(
    a: number,
    n: number,
    p: number,
    g: number,
    k0: number,
    k1: number,
    i0: number,
    i1: number,
  ): void;
  syrkLower(s: number, p: number, j0: number, j1: number): void;
  colDotsI16(a: number, n: number, k: number, y: number, out: number): void;
  colDotsF64(a: number, n: number, k: number, y: number, out: number): void;
  fittedI16(a: number, n: number, k: number, x: number, f: number): void;
  fittedF64(a: number, n: number, k: number, x: number, f: number): void;
  /** Solves L L' z = c in place at `z` (L: k x k lower triangular at `l`, rows packed). */
  cholSolve(l: number, k: number, z: number): void;
}

let compiled: object | null | undefined;
let enabled = true;

/**
 * Turns the WebAssembly kernels off (or back on); the plain-JavaScript kernels give the same
 * results up to rounding. For tests and benchmarks.
 */
export function useWasmKernels(on: boolean): void {
  enabled = on;
}

/**
 * A fresh kernel instance (its memory is released with it), or null where WebAssembly SIMD is
 * not available (e.g. a runtime that forbids compiling code at run time): callers fall back to
 * plain JavaScript.
 */
export function wasmKernels(): Kernels | null {
  if (!enabled) return null;
  if (compiled === undefined) {
    try {
      const bin = atob(KERNELS_WASM_BASE64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
      compiled = api ? new api.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  try {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new api.Instance(compiled, {
      env: {
        abort: () => {
          throw new Error("scoring kernel aborted");
        },
      },
    });
    return instance.exports as unknown as Kernels;
  } catch {
    return null;
  }
}
