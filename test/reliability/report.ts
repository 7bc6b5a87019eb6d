/** Mocha root-hook plugin (`--require`): prints the tier's counts after every test ran. */
import { reportLine } from './tally';

export const mochaHooks = {
  afterAll(): void {
    console.log(`\n  ${reportLine()}\n`);
  },
};
