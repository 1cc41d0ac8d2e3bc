// Every fast-check property and sample of the suite runs from one fixed seed, so a run is repeatable
// and CI cannot fail on a draw no earlier run saw. MOCHI_FUZZ_SEED picks another seed (an integer), for
// exploring locally: `MOCHI_FUZZ_SEED=$RANDOM npm test`.
import fc from 'fast-check';

const seed = Number(process.env.MOCHI_FUZZ_SEED ?? 20261130);
if (!Number.isSafeInteger(seed))
  throw new Error(`MOCHI_FUZZ_SEED must be an integer, got ${process.env.MOCHI_FUZZ_SEED}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
