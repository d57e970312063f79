/**
 * How the user runs a command, for usage lines and the commands a message suggests: `npm run
 * train --` in the repository, `downhill train` from the installed package (src/package/downhill.ts
 * says so before it loads the command).
 */
let throughBin = false;

export function commandLine(command: string): string {
  return throughBin ? `downhill ${command}` : `npm run ${command} --`;
}

export function runningThroughBin(): void {
  throughBin = true;
}
