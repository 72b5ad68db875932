import { describe, expect, it } from 'vitest';
import { redactUrl, splitCredentials } from '../../core/urls.ts';

describe('URLs with credentials', () => {
  it('are redacted for display and records', () => {
    expect(redactUrl('https://user:p%40ss@prom.example:9090/api')).toBe(
      'https://***@prom.example:9090/api',
    );
    expect(redactUrl('http://token@127.0.0.1:9090')).toBe('http://***@127.0.0.1:9090');
    expect(redactUrl('http://127.0.0.1:9090')).toBe('http://127.0.0.1:9090');
    expect(redactUrl('not a url //me:secret@x')).not.toContain('secret');
  });

  it('give their user-info as basic auth, and a redacted one gives none', () => {
    expect(splitCredentials('https://user:p%40ss@prom.example:9090')).toEqual({
      url: 'https://prom.example:9090',
      basicAuth: 'user:p@ss',
    });
    expect(splitCredentials('https://***@prom.example')).toEqual({ url: 'https://prom.example' });
    expect(splitCredentials('http://127.0.0.1:9090')).toEqual({ url: 'http://127.0.0.1:9090' });
  });
});
