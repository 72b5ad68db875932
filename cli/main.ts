// Entry point of the `loadgate` command: hands argv to the sub-command
// (cli/dispatch.ts) and owns the single top-level catch. Results go to
// stdout, logs and errors to stderr.
import { ExitError, exitCodeOf } from '../core/errors.ts';
import { dispatch } from './dispatch.ts';

try {
  process.exitCode = await dispatch(process.argv.slice(2));
} catch (error) {
  if (error instanceof ExitError) {
    process.stderr.write(`loadgate: ${error.message}\n${error.hint ? error.hint + '\n' : ''}`);
  } else {
    process.stderr.write(
      `loadgate: unexpected error (a bug, please report it):\n${(error as Error)?.stack ?? String(error)}\n`,
    );
  }
  process.exitCode = exitCodeOf(error);
}
