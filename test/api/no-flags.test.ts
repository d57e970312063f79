/**
 * The library's and the page's errors name fields, never the CLI's flags: every error message
 * written in a file the library's entries (src/index.ts, src/index-browser.ts) or the page
 * (src/page/main.ts, src/page/worker.ts) import, directly or not, is read from its syntax tree
 * (the strings inside `new …Error(…)`, `new TrainingStopped(…)`, `check(…)`, `demand(…)`,
 * `fail(…)`), and none may hold `--word`. The CLI names the same refusals by its flags through
 * cliNaming (src/command/args.ts). Strings built elsewhere and passed in (a table of names, a
 * variable) are not seen: test/api/validation.test.ts checks the messages themselves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { ROOT, reachable } from '../helpers/imports';

const ENTRIES = ['src/index.ts', 'src/index-browser.ts', 'src/page/main.ts', 'src/page/worker.ts'];

/**
 * Messages that still name a flag, each with why and where it goes. The test fails on any other,
 * and on an entry here that no longer occurs.
 */
const KNOWN: ReadonlyArray<{ file: string; flag: string; why: string }> = [
  { file: 'src/io/weights.ts', flag: '--save', why: 'an old regression weights file: the advice is for the CLI (the weights format is being reworked for precision)' },
];

const MESSAGE_CALLS = /^(check|demand|demandChoice|fail|refuse)$/;

/** The flags named in the messages of `file`'s errors. */
function flagsInMessages(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const strings = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push(...(node.text.match(/--[a-z][a-z0-9-]*/g) ?? []));
    }
    ts.forEachChild(node, strings);
  };
  const visit = (node: ts.Node): void => {
    const isError = ts.isNewExpression(node) && /(Error|TrainingStopped|GpuFault)$/.test(node.expression.getText(source));
    const isCheck = ts.isCallExpression(node) && MESSAGE_CALLS.test(node.expression.getText(source));
    if (isError || isCheck) (node as ts.CallExpression | ts.NewExpression).arguments?.forEach(strings);
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('no error the library or the page can throw names a CLI flag', () => {
  const files = reachable(ENTRIES).filter((f) => f.startsWith('src/'));
  expect(files).toContain('src/api/fit.ts');
  expect(files).toContain('src/train/options.ts');
  expect(files.some((f) => f.startsWith('src/cli/'))).toBe(false);
  const found = files.flatMap((file) => [...new Set(flagsInMessages(file))].map((flag) => ({ file, flag })));
  const unknown = found.filter((f) => !KNOWN.some((k) => k.file === f.file && k.flag === f.flag));
  expect(unknown).toEqual([]);
  const stale = KNOWN.filter((k) => !found.some((f) => f.file === k.file && f.flag === k.flag));
  expect(stale).toEqual([]);
});

test('the scan finds a flag where one is written', () => {
  // the CLI's own messages name flags: the scan must see them (a scan that finds nothing proves nothing)
  expect(flagsInMessages('src/cli/train.ts')).toContain('--resume');
  expect(flagsInMessages('src/cli/args.ts')).toContain('--data');
});
