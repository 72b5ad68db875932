// Two empty iterations: --quiet must still let the end-of-test summary through.
export const options = { vus: 1, iterations: 2 };

export default function () {}
