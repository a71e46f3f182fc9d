/**
 * A minimal Parquet writer for tests (no Parquet writer is installed): one row group, REQUIRED
 * columns, PLAIN encoding, uncompressed, a UTF-8 `id` column and DOUBLE value columns. Just
 * enough of the format (Thrift compact protocol metadata) for hyparquet to read it back.
 */

class Compact {
  private readonly bytes: number[] = [];
  private last: number[] = [0];

  private varint(v: bigint): void {
    let x = v;
    while (x >= 0x80n) {
      this.bytes.push(Number((x & 0x7fn) | 0x80n));
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  private zigzag(v: number | bigint): void {
    const x = BigInt(v);
    this.varint(x >= 0n ? x << 1n : (-x << 1n) - 1n);
  }

  private field(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.field(id, 5);
    this.zigzag(v);
    return this;
  }

  i64(id: number, v: number): this {
    this.field(id, 6);
    this.zigzag(v);
    return this;
  }

  string(id: number, s: string): this {
    this.field(id, 8);
    const b = Buffer.from(s, "utf8");
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }

  struct(id: number, body: (w: this) => void): this {
    this.field(id, 12);
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
    return this;
  }

  private listHeader(size: number, type: number): void {
    if (size < 15) this.bytes.push((size << 4) | type);
    else {
      this.bytes.push(0xf0 | type);
      this.varint(BigInt(size));
    }
  }

  listI32(id: number, values: number[]): this {
    this.field(id, 9);
    this.listHeader(values.length, 5);
    for (const v of values) this.zigzag(v);
    return this;
  }

  listString(id: number, values: string[]): this {
    this.field(id, 9);
    this.listHeader(values.length, 8);
    for (const s of values) {
      const b = Buffer.from(s, "utf8");
      this.varint(BigInt(b.length));
      this.bytes.push(...b);
    }
    return this;
  }

  listStruct<T>(id: number, items: T[], body: (w: this, item: T) => void): this {
    this.field(id, 9);
    this.listHeader(items.length, 12);
    for (const item of items) {
      this.last.push(0);
      body(this, item);
      this.bytes.push(0);
      this.last.pop();
    }
    return this;
  }

  end(): Buffer {
    this.bytes.push(0);
    return Buffer.from(this.bytes);
  }
}

const BYTE_ARRAY = 6;
const DOUBLE = 5;

/** Parquet bytes for an `id` column plus DOUBLE (Float64Array) or UTF-8 (string[]) columns. */
export function writeParquet(
  ids: readonly string[],
  columns: Record<string, Float64Array | readonly string[]>,
): Buffer {
  const names = ["id", ...Object.keys(columns)];
  const parts: Buffer[] = [Buffer.from("PAR1")];
  let offset = 4;
  const chunks: { name: string; type: number; offset: number; size: number }[] = [];
  for (const name of names) {
    let data: Buffer;
    const values = name === "id" ? ids : columns[name]!;
    const isString = !(values instanceof Float64Array);
    if (isString) {
      data = Buffer.concat(
        (values as readonly string[]).map((id) => {
          const b = Buffer.from(id, "utf8");
          const len = Buffer.alloc(4);
          len.writeUInt32LE(b.length);
          return Buffer.concat([len, b]);
        }),
      );
    } else {
      const c = values as Float64Array;
      data = Buffer.alloc(8 * c.length);
      for (let i = 0; i < c.length; i++) data.writeDoubleLE(c[i]!, 8 * i);
    }
    const header = new Compact()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (w) => w.i32(1, ids.length).i32(2, 0).i32(3, 3).i32(4, 3))
      .end();
    chunks.push({
      name,
      type: isString ? BYTE_ARRAY : DOUBLE,
      offset,
      size: header.length + data.length,
    });
    parts.push(header, data);
    offset += header.length + data.length;
  }
  const meta = new Compact()
    .i32(1, 1)
    .listStruct(2, [null, ...chunks], (w, c) => {
      if (c === null) w.string(4, "schema").i32(5, chunks.length);
      else {
        w.i32(1, c.type).i32(3, 0).string(4, c.name);
        if (c.type === BYTE_ARRAY) w.i32(6, 0); // UTF8
      }
    })
    .i64(3, ids.length)
    .listStruct(4, [chunks], (w, cs) => {
      w.listStruct(1, cs, (cw, c) => {
        cw.i64(2, c.offset).struct(3, (m) =>
          m
            .i32(1, c.type)
            .listI32(2, [0])
            .listString(3, [c.name])
            .i32(4, 0)
            .i64(5, ids.length)
            .i64(6, c.size)
            .i64(7, c.size)
            .i64(9, c.offset),
        );
      })
        .i64(2, offset - 4)
        .i64(3, ids.length);
    })
    .end();
  const len = Buffer.alloc(4);
  len.writeUInt32LE(meta.length);
  parts.push(meta, len, Buffer.from("PAR1"));
  return Buffer.concat(parts);
}
