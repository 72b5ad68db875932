// Every journey in one test, one k6 scenario (own executor) per journey, the
// load split by WEIGHTS (default: DEFAULT_WEIGHTS of lib/catalogue.ts):
// `k6 run -e BASE_URL=… -e PROFILE=capacity k6-bundles/mix.js`
import { JOURNEYS, MIX_EXEC } from '../lib/catalogue.ts';
import { loadConfig } from '../lib/config.ts';
import { loadUsers } from '../lib/data.ts';
import { basket as basketJourney } from '../lib/journeys/basket.ts';
import { browse as browseJourney } from '../lib/journeys/browse.ts';
import { checkout as checkoutJourney } from '../lib/journeys/checkout.ts';
import { newsletter as newsletterJourney } from '../lib/journeys/newsletter.ts';
import { savUpload as savUploadJourney } from '../lib/journeys/sav-upload.ts';
import { optionsFor } from '../lib/profiles.ts';
import { discover, type SetupData } from '../lib/setup.ts';
import { summaryOutputs, type SummaryData } from '../lib/summary.ts';

// Init context: a bad configuration throws here, before any load.
const config = loadConfig(__ENV);
const users = config.usersFile ? loadUsers(config.usersFile) : undefined;

// One exported function per journey, named as MIX_EXEC says (k6 finds them by name).
export const options = optionsFor(config, JOURNEYS, MIX_EXEC);

export function setup(): SetupData {
  return discover(config);
}

export function browse(data: SetupData): void {
  browseJourney(config, data);
}
export function basket(data: SetupData): void {
  basketJourney(config, data, users);
}
export function checkout(data: SetupData): void {
  checkoutJourney(config, data, users);
}
export function savUpload(data: SetupData): void {
  savUploadJourney(config, data, users);
}
export function newsletter(data: SetupData): void {
  newsletterJourney(config, data);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('mix', data, config.resultsDir);
}
