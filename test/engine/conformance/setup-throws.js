// An exception in setup(): exit 107.
export function setup() {
  throw new Error('boom in setup');
}
export default function () {}
