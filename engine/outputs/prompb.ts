// The two encodings Prometheus remote write needs, small enough to own:
// the protobuf of prometheus.WriteRequest (with native histogram samples) and
// a snappy block.
import type { BucketSpan, NativeHistogramSample } from '../histogram.ts';

export type TimeSeries = {
  labels: [string, string][];
  samples: [number, number][];
  /** Native histogram samples with their timestamp (ms). */
  histograms?: { histogram: NativeHistogramSample; timestamp: number }[];
};

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
  /** A signed value in protobuf's zigzag form (sint32/sint64). */
  sint(field: number, n: number): void {
    this.tag(field, 0);
    this.varint(zigzag(n));
  }
  /** A packed repeated sint64. */
  packedSints(field: number, values: number[]): void {
    if (values.length === 0) return;
    const w = new Writer();
    for (const v of values) w.varint(zigzag(v));
    this.message(field, w);
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

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/**
 * prometheus.Histogram (prompb/types.proto): count_int=1, sum=3, schema=4
 * (sint32), zero_threshold=5, zero_count_int=6, negative_spans=8,
 * negative_deltas=9 (sint64), positive_spans=11, positive_deltas=12,
 * timestamp=15; BucketSpan{offset=1 sint32, length=2 uint32}.
 */
function histogramMessage(h: NativeHistogramSample, timestamp: number): Writer {
  const w = new Writer();
  w.tag(1, 0);
  w.varint(h.count);
  w.double(3, h.sum);
  w.sint(4, h.schema);
  w.double(5, h.zeroThreshold);
  w.tag(6, 0);
  w.varint(h.zeroCount);
  const spans = (field: number, list: BucketSpan[]) => {
    for (const span of list) {
      const s = new Writer();
      s.sint(1, span.offset);
      s.tag(2, 0);
      s.varint(span.length);
      w.message(field, s);
    }
  };
  spans(8, h.negativeSpans);
  w.packedSints(9, h.negativeDeltas);
  spans(11, h.positiveSpans);
  w.packedSints(12, h.positiveDeltas);
  w.tag(15, 0);
  w.varint(timestamp);
  return w;
}

/** WriteRequest{ timeseries=1: TimeSeries{ labels=1: Label{name=1,value=2}, samples=2: Sample{value=1 double, timestamp=2 int64}, histograms=4 } } */
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
    for (const { histogram, timestamp } of ts.histograms ?? [])
      w.message(4, histogramMessage(histogram, timestamp));
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
