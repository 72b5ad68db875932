// checkout journey as a k6 test: `k6 run -e BASE_URL=http://127.0.0.1:8100 [-e PROFILE=smoke] k6-bundles/checkout.js`
import { loadConfig } from '../lib/config.ts';
import { loadUsers } from '../lib/data.ts';
import { checkout } from '../lib/journeys/checkout.ts';
import { optionsFor } from '../lib/profiles.ts';
import { discover, type SetupData } from '../lib/setup.ts';
import { summaryOutputs, type SummaryData } from '../lib/summary.ts';

// Init context: a bad configuration throws here, before any load.
const config = loadConfig(__ENV);
const users = config.usersFile ? loadUsers(config.usersFile) : undefined;

export const options = optionsFor(config, ['checkout']);

export function setup(): SetupData {
  return discover(config);
}

export default function (data: SetupData): void {
  checkout(config, data, users);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('checkout', data, config.resultsDir);
}
