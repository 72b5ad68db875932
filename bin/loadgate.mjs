#!/usr/bin/env -S node --no-node-snapshot
// The CLI is TypeScript run through tsx, so there is no compile step between a
// fresh clone and the first run. Worker threads that need TypeScript must be
// started with `execArgv: ['--import', 'tsx']` (hooks are per thread).
// --no-node-snapshot makes each built-in-engine VU thread ~0.6 MB lighter
// (engine/vu-host.ts, VU_PROCESS_FLAGS); `node bin/loadgate.mjs` runs without it.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
