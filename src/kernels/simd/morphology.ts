/**
 * WebAssembly SIMD grey dilation and erosion, separable, 16 values (4 RGBA
 * or 5⅓ RGB pixels) per instruction: the maximum (or minimum) over a (2r+1)² square is
 * the maximum over 2r + 1 rows of each row's maximum over 2r + 1 columns.
 * Max and min are exact, so the bytes equal the JavaScript kernel's.
 */

/** Row pass: `out[v]` = max of `pad[v + c·dx]`, dx in [0, n), over `count` values of `c`-byte pixels. */
export function rowMax(pad: usize, out: usize, count: i32, n: i32, c: i32): void {
  for (let i = 0; i < count; i += 16) {
    const p = pad + <usize>i;
    let m = v128.load(p);
    for (let dx = 1; dx < n; dx++) m = i8x16.max_u(m, v128.load(p + <usize>(dx * c)));
    v128.store(out + <usize>i, m);
  }
}

/** Row pass: `out[v]` = min of `pad[v + c·dx]`, dx in [0, n), over `count` values of `c`-byte pixels. */
export function rowMin(pad: usize, out: usize, count: i32, n: i32, c: i32): void {
  for (let i = 0; i < count; i += 16) {
    const p = pad + <usize>i;
    let m = v128.load(p);
    for (let dx = 1; dx < n; dx++) m = i8x16.min_u(m, v128.load(p + <usize>(dx * c)));
    v128.store(out + <usize>i, m);
  }
}

/** Column pass: `out[v]` = max over the `n` rows whose pointers (usize) are at `rows`. */
export function columnMax(rows: usize, out: usize, count: i32, n: i32): void {
  for (let i = 0; i < count; i += 16) {
    let m = v128.load(load<usize>(rows) + <usize>i);
    for (let j = 1; j < n; j++) m = i8x16.max_u(m, v128.load(load<usize>(rows + <usize>(j * sizeof<usize>())) + <usize>i));
    v128.store(out + <usize>i, m);
  }
}

/** Column pass: `out[v]` = min over the `n` rows whose pointers (usize) are at `rows`. */
export function columnMin(rows: usize, out: usize, count: i32, n: i32): void {
  for (let i = 0; i < count; i += 16) {
    let m = v128.load(load<usize>(rows) + <usize>i);
    for (let j = 1; j < n; j++) m = i8x16.min_u(m, v128.load(load<usize>(rows + <usize>(j * sizeof<usize>())) + <usize>i));
    v128.store(out + <usize>i, m);
  }
}
