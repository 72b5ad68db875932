#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so there is no compile step between a
// fresh clone and the first run. Worker threads that need TypeScript must be
// started with `execArgv: ['--import', 'tsx']` (hooks are per thread).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
