// Writes docs/errors.md from the code table in src/errorCodes.ts (`npm run docs:errors`); a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, EXIT_STATUS, type ExitClass } from '../src/errorCodes.js';

const CLASS_WORDS: Readonly<Record<ExitClass, string>> = {
  usage: 'bad usage or unusable input',
  problem: 'the command ran and found a problem',
  internal: 'a bug in mochi-pkg',
};

/** The text of docs/errors.md. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, info]) => `| \`${code}\` | ${EXIT_STATUS[info.exit]} | ${info.meaning.replaceAll('|', '\\|')} |`,
  );
  const classes = (Object.keys(EXIT_STATUS) as ExitClass[])
    .sort((a, b) => EXIT_STATUS[a] - EXIT_STATUS[b])
    .map((c) => `- \`${EXIT_STATUS[c]}\` (${c}): ${CLASS_WORDS[c]}`);
  return `${[
    '# Error codes',
    '',
    '<!-- Generated from src/errorCodes.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error mochi-pkg reports on purpose carries a stable kebab-case code, prefixed by its area.',
    'The command line prints it as `mochi-pkg: error[<code>]: <message>` (and `  hint: …` when you can',
    'act); `--json` output and the library (`MochiPkgError.code`) carry the same code. Scripts may match',
    'on codes: they change only with a release note.',
    '',
    "A command that stops on an error exits with the status of the code's class:",
    '',
    ...classes,
    '',
    '| code | exit | meaning |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n')}\n`;
}

/** Where the doc lives in the repository. */
export const ERRORS_DOC = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC}`);
}
