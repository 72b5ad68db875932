// An executor that does not exist: invalid options, exit 104.
export const options = {
  scenarios: { x: { executor: 'externally-controlled', vus: 1, duration: '1s' } },
};
export default function () {}
