// Small, valid SAV attachments, built once per VU in the init context (k6
// multipart uploads copy the body several times: grafana/k6#2311, #5760).
// The gateway sniffs magic bytes, so these are real PDF and PNG files.
import type { Attachment } from './gateway.ts';

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A one-page PDF with a correct cross-reference table. */
export function pdf(text: string): ArrayBuffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    streamObject(`BT /F1 18 Tf 72 760 Td (${text.replace(/[()\\]/g, '')}) Tj ET`),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let doc = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(doc.length);
    doc += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = doc.length;
  doc += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) doc += `${String(offset).padStart(10, '0')} 00000 n \n`;
  doc += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return bytes(doc).buffer as ArrayBuffer;
}

function streamObject(content: string): string {
  return `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
}

// A 1×1 grey PNG (IHDR, IDAT, IEND with valid CRCs).
const PNG_HEX =
  '89504e470d0a1a0a0000000d4948445200000001000000010804000000b51c0c02' +
  '0000000b4944415478da6364600000000600023081d02f0000000049454e44ae426082';

export function png(): ArrayBuffer {
  const out = new Uint8Array(PNG_HEX.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(PNG_HEX.slice(i * 2, i * 2 + 2), 16);
  return out.buffer as ArrayBuffer;
}

export const ATTACHMENTS: readonly Attachment[] = [
  { data: pdf('loadgate SAV attachment'), filename: 'invoice.pdf', contentType: 'application/pdf' },
  { data: png(), filename: 'photo.png', contentType: 'image/png' },
];
