// An exception in the init code: exit 107 before any load.
throw new Error('boom in init');
// eslint-disable-next-line no-unreachable
export default function () {}
