import { sleep } from 'k6';

/** A human pause of about `seconds` (uniform 0.5×–1.5×); THINK_TIME=0 disables it. */
export function think(seconds: number): void {
  if (seconds > 0) sleep(seconds * (0.5 + Math.random()));
}
