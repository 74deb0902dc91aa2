/**
 * The run folder: GAN Studio's record of a training run on disk. Pure Node fs (no tfjs),
 * shared by the trainer (which writes runs) and the extension and CLI (which read them).
 * See layout.ts for what is where.
 */
export { RUN_FILES, runPath, stepName, stepFromName, slug, timestamp } from './layout';
export { writeFileAtomic, writeFileDurable, fsyncFolder } from './atomic';
export { createRun, writeRunInfo, appendMetrics, appendSampleRecord, appendLog, truncateAfterStep, NewRun } from './runFolder';
export { listRuns, readRunInfo, readMetrics, readSamples, sampleFile, readLogTail, readRunSpec, resolveRunDir } from './readers';
export { CheckpointWriter, CheckpointRef, CheckpointManifest, MANIFEST_FILE, findLatestCheckpoint, listCheckpoints, validateCheckpoint, pruneCheckpoints } from './checkpoints';
