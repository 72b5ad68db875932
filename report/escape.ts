/**
 * Every string that comes from a run (route names, check names, queries,
 * tag values) goes through here before it reaches the page, in text and in
 * attribute values alike.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
