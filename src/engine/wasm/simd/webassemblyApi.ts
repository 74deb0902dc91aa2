/**
 * The WebAssembly JS API, typed locally.
 *
 * The project's tsconfig has lib ES2022 only (no DOM), where the global
 * `WebAssembly` namespace is not declared. Declaring it globally here could
 * clash with another part of the tree that adds the DOM lib later, so we type
 * just what we use and reach it through globalThis.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => {
    exports: Record<string, unknown>;
  };
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
