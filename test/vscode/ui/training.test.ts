/**
 * Training from the editor (issue 5) with the packaged extension, driven like a person:
 * the command palette, the status bar, the panel's buttons, a notification's button, and
 * `kill -9` from outside. What the tests check is what a person sees (the status bar,
 * notifications, the webview's DOM: curves drawn on the uPlot canvas, the 2-D view, a PNG
 * that loads) and what the run folder on disk holds (read with src/run, as the extension does).
 *
 * Three scenarios, each in a workbench window of its own:
 *   1. the 2-D ring: Train → status bar → panel (live curves, 2-D view) → Pause → Sample Now →
 *      Resume → SIGKILL → "Resume From Checkpoint" → Stop → Open Run… after the trainer exited;
 *   2. a tiny DCGAN on the bundled MNIST: the Training view's empty state, its ▶ Train button,
 *      a PNG sample grid, the completed run;
 *   3. a workspace that is not trusted: training is not offered, and says why.
 * Screenshots: .test-artifacts/vscode/training-2d.png and training-view.png (README).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunInfo } from '../../../src/protocol';
import { findLatestCheckpoint, listRuns, readMetrics, readRunInfo, readSamples, validateCheckpoint } from '../../../src/run';
import { startCodeServer, type CodeServer } from '../lib/codeServer';
import { ARTIFACTS_ROOT } from '../lib/paths';
import { makeRunDir } from '../lib/runDir';
import { isAlive, trainerProcesses, type TrainerProcess } from '../lib/trainerProcesses';
import { ringSpec, tinyDcganSpec, writeTrainingSpec } from '../lib/trainingSpecs';
import { TrainingView } from '../lib/trainingView';
import { waitFor } from '../lib/waitFor';
import { Workbench } from '../lib/workbench';
import { makeWorkspace } from '../lib/workspace';
import { uiSession, useWorkbench } from './session';

/** Where the extension writes runs by default: `.gan-runs/` in the workspace folder. */
const runsDirOf = (folder: string) => path.join(folder, '.gan-runs');

/** "GAN 1234/20000 · 9,000 img/s · ETA 1m40s · wasm" → 1234 (undefined while not training). */
function statusStep(text: string | undefined): { step: number; total: number; paused: boolean } | undefined {
  const match = text ? /GAN (\d+)\/(\d+)/.exec(text) : null;
  return match ? { step: Number(match[1]), total: Number(match[2]), paused: /paused/.test(text!) } : undefined;
}

function theOnlyRun(runsDir: string, specFile: string): RunInfo {
  const runs = listRuns(runsDir).filter((r) => path.resolve(r.specFile) === path.resolve(specFile));
  assert.equal(runs.length, 1, `one run of ${path.basename(specFile)} in ${runsDir}: ${runs.map((r) => r.dir).join(', ')}`);
  return runs[0];
}

/** Steps of metrics.jsonl: strictly increasing (a resumed run must not repeat or reorder steps). */
function assertOneHistory(runDir: string): number[] {
  const steps = readMetrics(runDir).map((m) => m.step);
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i] > steps[i - 1], `metrics.jsonl goes ${steps[i - 1]} → ${steps[i]} at line ${i + 1}`);
  return steps;
}

describe('training the 2-D ring from the editor: live panel, pause, sample, kill -9, resume, stop, reopen (UI)', () => {
  // A tiny network; many steps so that the run lasts while a person pauses, kills and resumes
  // it (it is stopped long before the end). A 2-D sample every 50 steps, a checkpoint every 100.
  const spec = ringSpec('ring-live.gan.json', 50_000, { name: 'Ring (UI test)' });
  let folder = '';
  let specFile = '';
  let runsDir = '';
  /** The installed extension's dist/trainer.js: only its processes are the ones this test started. */
  let script = '';
  const trainers = () => trainerProcesses(script);
  before(async function () {
    this.timeout(180_000);
    const session = await uiSession();
    folder = session.folder;
    script = path.join(session.extensionDir, 'dist', 'trainer.js');
    specFile = writeTrainingSpec(folder, spec);
    runsDir = runsDirOf(folder);
  });
  const workbench = useWorkbench();
  const view = () => new TrainingView(workbench().webviewFrame());
  const status = async () => statusStep(await workbench().statusBarText(/GAN \d+\//));
  let trainer: TrainerProcess;
  let run: RunInfo;
  let pausedStep = 0;
  let pointsBeforeKill = 0;
  let checkpointAtKill = 0;
  /** What the panel said about the run within 5 s of the kill (checked in the last step). */
  let afterKill: { status: string; controls: string[] } | undefined;

  it('"GAN Studio: Train" starts a trainer process, and the status bar counts its steps', async () => {
    await workbench().openFile(spec.file);
    // The CodeLens shows once the extension is active (its palette entries need that too).
    await workbench().codeLens('Train').waitFor({ timeout: 30_000 });
    assert.deepEqual(trainers(), [], 'no trainer of the installed extension runs before Train');
    await workbench().runCommand('GAN Studio: Train');

    trainer = await waitFor('a trainer process for ring-live.gan.json', () => trainers().find((p) => p.job.specFile === specFile), 20_000);
    assert.equal(trainer.job.kind, 'train');
    assert.equal(trainer.job.runsDir, runsDir, 'runs go to .gan-runs/ in the workspace folder');
    const first = await waitFor(`the status bar to show "GAN step/${spec.steps}"`, async () => {
      const s = await status();
      return s && s.step > 0 ? s : undefined;
    }, 30_000);
    assert.equal(first.total, spec.steps);
    const text = (await workbench().statusBarText(/GAN \d+\//))!;
    assert.match(text, /img\/s/, `images/s in "${text}"`);
    assert.match(text, /ETA/, `an ETA in "${text}"`);
    run = theOnlyRun(runsDir, specFile);
    assert.ok(['running', 'starting'].includes(run.status), `run.json says ${run.status}`);
  });

  it('clicking the status bar opens the Training view, where the curves and the 2-D view grow live', async () => {
    await workbench().statusBarItem(/GAN \d+\//).first().click();
    await workbench().tab('GAN Studio — ring-live.gan.json').waitFor({ timeout: 15_000 });
    await view().waitUntilShown();
    const curve = await view().waitForCurve(1);
    // Live: more points arrive while we watch (the trainer sends them ~10 times a second).
    await view().waitForCurve(curve.points + 20, 20_000);
    const drawn = await view().waitFor2d();
    assert.ok(drawn.real > 0 && drawn.fake > 0, `real and generated points: ${JSON.stringify(drawn)}`);
    await waitFor('a newer 2-D sample to be drawn', async () => ((await view().drawn2d())?.step ?? -1) > drawn.step, 20_000);
    assert.equal(await view().status(), 'running');
    assert.deepEqual(await view().controls(), ['pause', 'sample-now', 'stop', 'open-run']);
    assert.ok(await view().runItem(run.id).isVisible(), 'the run is in the runs list');
  });

  it('Pause (palette) holds the step; the status bar and the panel say paused', async () => {
    await workbench().runCommand('GAN Studio: Pause Training');
    const paused = await waitFor('the status bar to say paused', async () => {
      const s = await status();
      return s?.paused ? s : undefined;
    }, 15_000);
    pausedStep = paused.step;
    await waitFor('the panel to say paused', async () => (await view().status()) === 'paused');
    assert.deepEqual(await view().controls(), ['resume', 'sample-now', 'stop', 'open-run']);
    const points = (await view().chart()).points;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await status())?.step, pausedStep, 'the step does not move while paused');
    assert.equal((await view().chart()).points, points, 'no new points while paused');
    const info = readRunInfo(run.dir)!;
    assert.equal(info.status, 'paused', 'run.json says paused');
    assert.equal(info.step, pausedStep, "run.json's step is the paused step");
  });

  it('Sample Now (palette) draws a new sample of the paused generator', async () => {
    const before = readSamples(run.dir).map((s) => s.step);
    await workbench().runCommand('GAN Studio: Sample Now');
    await waitFor(`a sample record of step ${pausedStep}`, () => readSamples(run.dir).some((s) => s.step === pausedStep), 15_000);
    const drawn = await view().waitFor2d(pausedStep);
    assert.ok(drawn.fake > 0);
    const scrubber = await view().scrubber();
    assert.equal(scrubber?.step, pausedStep, 'the scrubber follows the newest sample');
    // Unless the pause fell on a sample step (then Sample Now redraws that step's sample).
    if (!before.includes(pausedStep)) assert.equal(scrubber?.count, before.length + 1, 'one more sample in the scrubber');
    assert.equal((await status())?.step, pausedStep, 'sampling does not train');
  });

  it('Resume (palette) trains on from the paused step', async () => {
    await workbench().runCommand('GAN Studio: Resume Training');
    await waitFor('the status bar to count past the paused step', async () => {
      const s = await status();
      return s && !s.paused && s.step > pausedStep;
    }, 15_000);
    await waitFor('the panel to say running', async () => (await view().status()) === 'running');
  });

  it('a trainer killed with SIGKILL is reported (killed), and the panel keeps the history', async () => {
    // Mid-run: a checkpoint written, and steps trained after it that the kill loses.
    const { checkpoint } = await waitFor('a checkpoint, and steps after it', async () => {
      const c = findLatestCheckpoint(run.dir);
      const s = await status();
      return c && s && s.step > c.step + 10 ? { checkpoint: c, at: s.step } : undefined;
    }, 30_000);
    assert.ok(isAlive(trainer.pid), 'the trainer is alive before the kill');
    process.kill(trainer.pid, 'SIGKILL');
    await waitFor('the trainer process to be gone', () => !isAlive(trainer.pid), 10_000);

    const notification = workbench().notification(/killed/);
    await notification.first().waitFor({ timeout: 15_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}; notifications: ${JSON.stringify(await workbench().notificationMessages())}`);
    });
    const message = await notification.first().locator('.notification-list-item-message').innerText();
    assert.match(message, /SIGKILL/, message);
    assert.match(message, /checkpoint/, 'it says the run folder keeps its checkpoint');
    await waitFor('the status bar item to go', async () => (await status()) === undefined, 10_000);

    // The panel keeps what it was shown: the curve is still drawn, the samples still there.
    const chart = await view().chart();
    pointsBeforeKill = chart.points;
    assert.ok(chart.points > checkpoint.step, `the curve keeps its ${chart.points} points (more than the checkpoint's ${checkpoint.step} steps)`);
    assert.ok(chart.inkedPixels > 0, 'and is still drawn');
    assert.ok((await view().drawn2d())?.fake, 'the 2-D view still shows a sample');
    // The run folder keeps everything and its last checkpoint is complete (the trainer may
    // have passed one more checkpoint step between our look at the status bar and the kill).
    const latest = findLatestCheckpoint(run.dir);
    assert.ok(latest && latest.step >= checkpoint.step, `a complete checkpoint at ${checkpoint.step} or later: ${latest?.step}`);
    assert.equal(validateCheckpoint(latest.dir).ok, true);
    checkpointAtKill = latest.step;
    assert.ok(readMetrics(run.dir).length >= checkpoint.step, 'metrics.jsonl is kept');
    // Whether the panel still calls the dead run "running" is checked at the end (so that
    // a failure there does not hide the resume, stop and reopen steps).
    await waitFor('the panel to stop showing the run as running', async () => (await view().status()) !== 'running', 5_000).catch(() => undefined);
    afterKill = { status: await view().status(), controls: await view().controls() };
  });

  it('"Resume From Checkpoint" (the notification\'s button) continues the same run past its checkpoint', async () => {
    await workbench().clickNotificationButton(/killed/, 'Resume From Checkpoint');
    const resumed = await waitFor('a trainer resuming the run', () => trainers().find((p) => p.job.resume === run.dir), 20_000);
    assert.notEqual(resumed.pid, trainer.pid, 'a new process');
    trainer = resumed;
    await waitFor(`the status bar to count past the checkpoint (step ${checkpointAtKill})`, async () => ((await status())?.step ?? 0) > checkpointAtKill + 20, 30_000);
    // The same run folder, no new run.
    const again = theOnlyRun(runsDir, specFile);
    assert.equal(again.dir, run.dir);
    await waitFor("run.json's step to pass the checkpoint", () => (readRunInfo(run.dir)?.step ?? 0) > checkpointAtKill, 10_000);
    assertOneHistory(run.dir);
    await waitFor('the panel to say running again', async () => (await view().status()) === 'running');
    // The panel carries on from its history: the curve grows back past where the kill left it.
    await view().waitForCurve(pointsBeforeKill + 1, 30_000);
  });

  it('Stop (palette) ends the trainer with a complete checkpoint at its last step; run.json says stopped', async () => {
    await workbench().runCommand('GAN Studio: Stop Training');
    await waitFor('the trainer to exit', () => !isAlive(trainer.pid), 30_000);
    await waitFor('run.json to say stopped', () => readRunInfo(run.dir)?.status === 'stopped', 10_000);
    const info = readRunInfo(run.dir)!;
    assert.ok(info.step > checkpointAtKill && info.step < spec.steps, `stopped mid-run, at ${info.step}`);
    const latestJson = JSON.parse(readFileSync(path.join(run.dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number; dir: string };
    assert.equal(latestJson.step, info.step, 'checkpoints/latest.json points at the stop step');
    const check = validateCheckpoint(path.join(run.dir, 'checkpoints', latestJson.dir));
    assert.ok(check.ok, `the checkpoint latest.json names is complete: ${check.ok ? '' : check.reason}`);
    assert.equal(check.manifest.step, info.step);
    assert.equal(findLatestCheckpoint(run.dir)?.step, info.step, 'and it is the newest complete one');
    assert.equal(info.checkpointStep, info.step);
    await waitFor('the status bar item to go', async () => (await status()) === undefined, 10_000);
    await waitFor('the panel to say stopped', async () => (await view().status()) === 'stopped');
    assert.deepEqual(await view().controls(), ['train', 'open-run']);
  });

  it('Open Run… after the trainer has exited shows the stored curves and samples (panel closed first)', async () => {
    const stored = readMetrics(run.dir);
    const samples = readSamples(run.dir);
    const last = samples[samples.length - 1];
    // The live view got the sample the stop wrote. (Waiting for it also keeps the close
    // from cutting a sample request short: in VS Code 1.100's web workbench that leaves the
    // request to the service worker's 30 s timeout, and the next webview waits for it.)
    await view().waitFor2d(last.step);
    await workbench().closeTab('GAN Studio — ring-live.gan.json');
    assert.deepEqual(trainers(), [], 'nothing is training');

    await workbench().runCommand('GAN Studio: Open Run…');
    const row = workbench().page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Ring (UI test)' });
    await row.first().click();
    await view().waitUntilShown();
    const chart = await view().waitForCurve(stored.length);
    assert.equal(chart.points, stored.length, `the chart holds the ${stored.length} stored steps`);
    assert.equal(await view().status(), 'stopped');
    await view().waitFor2d(last.step);
    assert.equal((await view().scrubber())?.count, samples.length, 'every stored sample is in the scrubber');
    // The README's picture of the 2-D view (GAN Lab's): scrolled so that it is in sight.
    await workbench().clearNotifications();
    await view().points2d().scrollIntoViewIfNeeded();
    await workbench().screenshot('training-2d.png');
  });

  it('after the kill, the panel did not go on showing the dead trainer as running, with Pause and Stop', () => {
    assert.ok(afterKill, 'recorded in the SIGKILL step');
    assert.ok(
      afterKill.status !== 'running' && !afterKill.controls.includes('pause') && !afterKill.controls.includes('stop'),
      `5 s after the trainer was killed the panel still showed "${afterKill.status}" with the controls ${JSON.stringify(afterKill.controls)}: the Training view is not told when the trainer exits without a "finished" event`,
    );
  });
});

describe('training a tiny DCGAN on MNIST from the Training view: a PNG sample grid (UI)', () => {
  const spec = tinyDcganSpec('tiny-dcgan.gan.json', 30, { sampleEvery: 10, checkpointEvery: 10 });
  let folder = '';
  let specFile = '';
  before(async function () {
    this.timeout(180_000);
    folder = (await uiSession()).folder;
    specFile = writeTrainingSpec(folder, spec);
  });
  const workbench = useWorkbench();
  const view = () => new TrainingView(workbench().webviewFrame());
  let run: RunInfo;

  it('"GAN Studio: Show Training" on a file never trained shows the empty state with ▶ Train', async () => {
    await workbench().openFile(spec.file);
    await workbench().codeLens('Train').waitFor({ timeout: 30_000 });
    await workbench().runCommand('GAN Studio: Show Training');
    await workbench().tab('GAN Studio — tiny-dcgan.gan.json').waitFor({ timeout: 15_000 });
    await view().waitUntilShown();
    await view().empty().waitFor({ timeout: 15_000 });
    assert.match(await view().empty().innerText(), /No training run yet/);
  });

  it('the panel\'s ▶ Train trains it: curves, then a PNG grid of 16 MNIST-sized samples that loads', async () => {
    await view().empty().locator('[data-command="train"]').click();
    const done = workbench().notification(/trained 30 steps/);
    await done.first().waitFor({ timeout: 60_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}; notifications: ${JSON.stringify(await workbench().notificationMessages())}; the view says: ${await view().describe()}`);
    });
    run = theOnlyRun(runsDirOf(folder), specFile);
    assert.equal(run.status, 'completed');
    assert.equal(run.step, spec.steps);

    await waitFor('the panel to say completed', async () => (await view().status()) === 'completed', 15_000);
    const chart = await view().waitForCurve(spec.steps);
    assert.equal(chart.points, spec.steps);
    const image = await view().waitForImage(spec.steps);
    // 16 samples of 28×28 in a grid (4×4, with any padding the grid adds).
    assert.ok(image.naturalWidth >= 4 * 28 && image.naturalHeight >= 4 * 28, `a grid of 28×28 samples: ${image.naturalWidth}×${image.naturalHeight}`);
    const bytes = await view().imageBytes();
    assert.equal(bytes.status, 200);
    assert.deepEqual(bytes.head.slice(0, 4), [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    assert.ok(bytes.length > 200, `a non-empty PNG (${bytes.length} bytes)`);
    const samples = readSamples(run.dir);
    assert.deepEqual(samples.map((s) => s.step), [0, 10, 20, 30]);
    assert.equal((await view().scrubber())?.count, samples.length);
    // The README's picture: the .gan.json beside the Training view, curves and samples.
    await workbench().clearNotifications();
    await workbench().screenshot('training-view.png');
  });
});

describe('an untrusted workspace: training is not offered, and says why (UI)', () => {
  // A code-server of its own with workspace trust on (the others pass --disable-workspace-trust),
  // the installed extension, and a fresh copy of the examples, which opens in restricted mode.
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let folder = '';
  let failed = false;
  before(async function () {
    this.timeout(180_000);
    const session = await uiSession();
    const runDir = makeRunDir('ui-untrusted');
    folder = makeWorkspace(runDir);
    server = await startCodeServer({
      runDir,
      extensionsDir: path.dirname(session.extensionDir),
      workspaceTrust: true,
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
    });
    workbench = await Workbench.open(session.browser, server, folder, ARTIFACTS_ROOT, { logFile: path.join(runDir, 'workbench-console.log') });
  });
  beforeEach(function () {
    if (failed) throw new Error('not run: an earlier step failed');
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      await workbench?.page.screenshot({ path: path.join((await uiSession()).runDir, 'failed-untrusted.png') }).catch(() => undefined);
    }
  });
  after(async () => {
    await workbench?.close();
    await server?.stop();
  });

  it('the language features work, but the palette has no "GAN Studio: Train"', async () => {
    const wb = workbench!;
    await wb.openFile('gan-2d-ring.gan.json');
    await wb.codeLens('Show Architecture').waitFor({ timeout: 30_000 });
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    const rows = wb.page.locator('.quick-input-list .monaco-list-row .label-name');
    await wb.page.keyboard.press('F1');
    await input.fill('>GAN Studio: ');
    // The palette has GAN Studio's other commands (so the list is there to look at)…
    await rows.filter({ hasText: 'GAN Studio: Show Architecture' }).first().waitFor({ timeout: 10_000 });
    const titles = (await rows.allInnerTexts()).map((t) => t.trim());
    await wb.press('Escape');
    // …but not those that run code: Train, Resume From Checkpoint, Install Native Backend.
    for (const hidden of ['GAN Studio: Train', 'GAN Studio: Resume From Checkpoint…', 'GAN Studio: Install Native Backend…']) {
      assert.ok(!titles.includes(hidden), `${hidden} is offered in an untrusted workspace: ${JSON.stringify(titles)}`);
    }
  });

  it('the CodeLens "Train" explains that training needs a trusted workspace, and starts nothing', async () => {
    const wb = workbench!;
    await wb.codeLens('Train').first().click();
    const warning = wb.notification(/trusted workspace/);
    await warning.first().waitFor({ timeout: 15_000 });
    assert.match(await warning.first().innerText(), /Manage Workspace Trust/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(trainerProcesses().filter((p) => p.job.specFile?.startsWith(folder)), [], 'no trainer started');
    assert.equal(existsSync(runsDirOf(folder)), false, 'no runs folder written');
    await wb.screenshot('training-untrusted.png');
  });
});
