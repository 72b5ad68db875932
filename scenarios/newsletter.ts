// newsletter journey as a k6 test: `k6 run -e BASE_URL=http://127.0.0.1:8100 [-e PROFILE=smoke] k6-bundles/newsletter.js`
import { loadConfig } from '../lib/config.ts';

import { newsletter } from '../lib/journeys/newsletter.ts';
import { optionsFor } from '../lib/profiles.ts';
import { discover, type SetupData } from '../lib/setup.ts';
import { summaryOutputs, type SummaryData } from '../lib/summary.ts';

// Init context: a bad configuration throws here, before any load.
const config = loadConfig(__ENV);

export const options = optionsFor(config, ['newsletter']);

export function setup(): SetupData {
  return discover(config);
}

export default function (data: SetupData): void {
  newsletter(config, data);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('newsletter', data, config.resultsDir);
}
