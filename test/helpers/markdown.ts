import { expect } from 'vitest';

/** The cells of a markdown table row (`| a | b |` has 2). */
function cells(row: string): number {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').length;
}

/** Each markdown table in `md` (runs of lines that start with '|'), as its lines. */
export function markdownTables(md: string): string[][] {
  const tables: string[][] = [];
  let current: string[] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) (current ??= []).push(line);
    else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return tables;
}

/**
 * Every table in `md` is well formed: a header, a delimiter row of as many `---` cells, and rows
 * of as many cells (a renderer drops or misplaces the cells of a table that is not). Returns the
 * number of tables checked.
 */
export function expectWellFormedTables(md: string): number {
  const tables = markdownTables(md);
  for (const [header, delimiter, ...rows] of tables) {
    expect(delimiter, `the delimiter row under ${header}`).toMatch(/^\|( -+ \|)+$/);
    expect(cells(delimiter!), `delimiter cells under ${header}`).toBe(cells(header!));
    for (const row of rows) expect(cells(row), `cells of ${row} under ${header}`).toBe(cells(header!));
  }
  return tables.length;
}
