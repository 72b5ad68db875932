// The two encodings Prometheus remote write needs, small enough to own:
// the protobuf of prometheus.WriteRequest and a snappy block.

export type TimeSeries = { labels: [string, string][]; samples: [number, number][] };

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  varint(n: number): void {
    const out: number[] = [];
    while (n > 127) {
      out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    this.bytes(Uint8Array.from(out));
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  message(field: number, w: Writer): void {
    this.tag(field, 2);
    this.varint(w.length);
    for (const c of w.chunks) this.bytes(c);
  }
  string(field: number, s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.tag(field, 2);
    this.varint(b.length);
    this.bytes(b);
  }
  double(field: number, v: number): void {
    this.tag(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.bytes(b);
  }
  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** WriteRequest{ timeseries=1: TimeSeries{ labels=1: Label{name=1,value=2}, samples=2: Sample{value=1 double, timestamp=2 int64} } } */
export function encodeWriteRequest(series: TimeSeries[]): Uint8Array {
  const req = new Writer();
  for (const ts of series) {
    const w = new Writer();
    for (const [name, value] of ts.labels) {
      const l = new Writer();
      l.string(1, name);
      l.string(2, value);
      w.message(1, l);
    }
    for (const [value, timestamp] of ts.samples) {
      const s = new Writer();
      s.double(1, value);
      s.tag(2, 0);
      s.varint(timestamp);
      w.message(2, s);
    }
    req.message(1, w);
  }
  return req.finish();
}

/** A valid snappy block made of literals only: no compression, which any decoder accepts. */
export function snappyBlock(input: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const header: number[] = [];
  let n = input.length;
  while (n > 127) {
    header.push((n & 127) | 128);
    n >>>= 7;
  }
  header.push(n);
  parts.push(Uint8Array.from(header));
  for (let at = 0; at < input.length; at += 65536) {
    const chunk = input.subarray(at, Math.min(at + 65536, input.length));
    const len = chunk.length - 1;
    if (len < 60) parts.push(Uint8Array.of(len << 2));
    else if (len < 256) parts.push(Uint8Array.of(60 << 2, len));
    else parts.push(Uint8Array.of(61 << 2, len & 255, len >> 8));
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
