// PLACEHOLDER for `loadgate k8s run`, written in another branch (layout-k8s-run):
// that file replaces this one at merge. It exists so `loadgate k8s` dispatches
// and typechecks before then.
import { InputError } from '../../core/errors.ts';

export async function main(_argv: string[]): Promise<number> {
  throw new InputError('loadgate k8s run is not available in this build');
}
