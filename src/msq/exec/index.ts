/**
 * Stage execution of the MSQ engine: what a worker does with a work order (stage 0 reads input
 * and shuffles by time chunk, stage 1 writes segments), plus the two helpers the controller needs
 * (listing input files, reading SELECT results). Failures are FaultError carrying the fault.
 */
export type { SplitRef, WorkerIO } from './inputs.js';
export { expandInputs } from './inputs.js';
export { runStage0 } from './stage0.js';
export { runStage1 } from './stage1.js';
export { collectResults } from './results.js';
export { FaultError } from '../faults.js';
