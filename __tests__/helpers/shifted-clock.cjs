// Preloaded with `node --require` (NODE_OPTIONS) to give a child process another clock: Date, with
// no arguments or through Date.now(), reads the real time plus SHIFTED_CLOCK_OFFSET_MS. libfaketime
// would do this for every process; it is not installed on the project's machines.
'use strict';
const offsetMs = Number(process.env.SHIFTED_CLOCK_OFFSET_MS);
if (!Number.isFinite(offsetMs)) throw new Error(`SHIFTED_CLOCK_OFFSET_MS is ${process.env.SHIFTED_CLOCK_OFFSET_MS}, but must be a number of milliseconds`);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;
