// Shared helpers for the benches under test/bench/: timing loops, summary statistics, machine
// description and result files (bench-results/<name>.json and .md).

export { percentile, round, summarize, type Summary } from './stats.js';
export { logicalCores, nowMs, timeCalls, timeOnce, type TimedRun, type TimeOptions } from './timing.js';
export { cpuBusyFraction, machineInfo, machineMarkdown, waitForIdleCpu, type MachineInfo } from './machine.js';
export { markdownTable, resultsDir, textTable, writeBenchResult, type BenchResult } from './results.js';
