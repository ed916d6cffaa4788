/**
 * Child process of the hostile-input hang guard: calls every parser on every shape and reports
 * each call as it starts and ends, so the parent can name the call that never returns.
 */
import { PARSERS } from './hostile-parsers';
import { SHAPES } from './hostile-shapes';

async function main() {
  for (const [parser, run] of Object.entries(PARSERS)) {
    for (const [shape, input] of Object.entries(SHAPES)) {
      process.send?.({ started: `${parser} on ${shape}` });
      await run(input);
    }
  }
  process.send?.({ done: true });
}

void main();
