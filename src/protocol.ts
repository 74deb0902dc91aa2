/**
 * Every message that crosses a process or frame boundary in GAN Studio, typed once:
 *
 *   trainer process ──TrainerEvent──► extension host ──HostToWebview──► webview
 *   trainer process ◄─TrainerCommand── extension host ◄─WebviewToHost── webview
 *
 * Messages are plain JSON-serialisable data. The webview never computes shapes and never
 * trains; it draws what it is sent and sends back user intents.
 */
import type { NetworkInputName, Shape } from './spec/types';
import type { DiagramModel } from './spec/diagram';

// ---------------------------------------------------------------------------------------
// Architecture diagram (computed by the spec core on the host, drawn by the webview)

export type { DiagramEdge, DiagramModel, DiagramNetwork, DiagramNode, DiagramNodeKind, DiagramProblem, SourceRange } from './spec/diagram';

// ---------------------------------------------------------------------------------------
// Training: metrics, samples, runs

export interface MetricPoint {
  step: number;
  epoch: number;
  /** Milliseconds since the run started. */
  time: number;
  dLoss: number;
  gLoss: number;
  /** Named parts of the losses, e.g. `gAdversarial`, `gL1`, `dReal`, `dFake`, `gradientPenalty`. */
  parts: Record<string, number>;
  /** Mean D(x) on real samples, as a probability (sigmoid of logits where D outputs logits). */
  dOfReal?: number;
  /** Mean D(G(z)) on generated samples, likewise. */
  dOfFake?: number;
  stepsPerSecond?: number;
  imagesPerSecond?: number;
}

export type SampleLayout =
  /** A grid of generated images from the fixed latent batch. */
  | { kind: 'grid'; rows: number; columns: number }
  /** One row per class label. */
  | { kind: 'classRows'; rows: number; columns: number; classNames: string[] }
  /** pix2pix: input | output | target per row. */
  | { kind: 'triplets'; rows: number }
  /** 2-D data: points and the discriminator's verdict over the plane (see `Points2dSample`). */
  | { kind: 'points2d' };

export interface SampleRecord {
  step: number;
  /** Path relative to the run folder, e.g. `samples/step-000100.png` (or `.json` for 2-D). */
  file: string;
  layout: SampleLayout;
}

/** The content of a 2-D sample file: what GAN Lab shows. */
export interface Points2dSample {
  step: number;
  real: [number, number][];
  fake: [number, number][];
  /** D's output (probability) on a regular grid over `bounds`, row-major from the top-left. */
  heatmap: { resolution: number; values: number[]; bounds: { xMin: number; xMax: number; yMin: number; yMax: number } };
}

export interface BackendReport {
  /** `tensorflow` (tfjs-node or -node-gpu), `wasm`, `cpu`. */
  name: string;
  /** What was tried before it and why each was not used. */
  notes: string[];
  gpu: boolean;
  threads?: number;
}

export interface NetworkSummary {
  trainableParams: number;
  nonTrainableParams: number;
  outputShape: Shape;
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

/** `run.json` in each run folder, and what the runs list shows. */
export interface RunInfo {
  id: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** The `.gan.json` the run was started from. */
  specFile: string;
  name: string;
  startedAt: string;
  status: RunStatus;
  step: number;
  totalSteps: number;
  backend?: string;
  seed: number;
  /** Last checkpoint's step, when one exists. */
  checkpointStep?: number;
  /** The run this one resumed, if any. */
  resumedFrom?: string;
  message?: string;
}

// ---------------------------------------------------------------------------------------
// Trainer process ⇄ extension host (or CLI)

export type TrainerEvent =
  | {
      type: 'started';
      run: RunInfo;
      backend: BackendReport;
      generator: NetworkSummary;
      discriminator: NetworkSummary;
      totalSteps: number;
      stepsPerEpoch: number;
    }
  | { type: 'progress'; stage: 'loading-data' | 'building-models' | 'restoring-checkpoint' | 'training'; message: string }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'samples'; sample: SampleRecord }
  | { type: 'checkpoint'; step: number; dir: string }
  | { type: 'walk'; requestId: string; file: string; frames: number }
  | { type: 'state'; status: RunStatus; step: number }
  | { type: 'warning'; message: string }
  | { type: 'log'; line: string }
  | { type: 'error'; message: string; detail?: string }
  | { type: 'finished'; status: 'completed' | 'stopped' | 'failed'; step: number; message?: string };

export type TrainerCommand =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'sample-now' }
  | {
      type: 'walk';
      requestId: string;
      /** Indices into the fixed latent batch of the sample grid. */
      from: number;
      to: number;
      frames: number;
    };

// ---------------------------------------------------------------------------------------
// Extension host ⇄ webview

export type PanelView = 'architecture' | 'training';

export type HostToWebview =
  | { type: 'diagram'; model: DiagramModel; stale: boolean; banner?: string }
  | { type: 'highlight'; role: 'generator' | 'discriminator'; key: string | undefined }
  | { type: 'show-view'; view: PanelView }
  | { type: 'runs'; runs: RunInfo[]; activeRunId?: string }
  | {
      type: 'run-history';
      run: RunInfo;
      metrics: MetricPoint[];
      /** Samples with a URI the webview can load (`asWebviewUri`). */
      samples: (SampleRecord & { uri: string })[];
    }
  | { type: 'run-update'; runId: string; run?: RunInfo; metrics?: MetricPoint[]; samples?: (SampleRecord & { uri: string })[] }
  | { type: 'walk-result'; runId: string; requestId: string; uri: string; frames: number }
  | { type: 'compare'; runs: { run: RunInfo; metrics: MetricPoint[] }[] }
  | { type: 'export-request'; format: 'svg' | 'png' }
  /** The user's settings the panel starts from (ganStudio.smoothing). */
  | { type: 'settings'; smoothing: number };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'reveal-layer'; role: 'generator' | 'discriminator'; key: string }
  | { type: 'exported'; format: 'svg' | 'png'; data: string }
  | { type: 'command'; command: 'train' | 'stop' | 'pause' | 'resume' | 'sample-now' | 'open-run' | 'compare-runs' }
  | { type: 'select-run'; runId: string }
  | { type: 'compare'; runIds: string[] }
  | { type: 'walk'; runId: string; from: number; to: number; frames: number }
  | { type: 'view-changed'; view: PanelView };

/** Names of the network inputs as the diagram draws them. */
export const INPUT_NODE_LABELS: Record<NetworkInputName, string> = {
  latent: 'z (latent)',
  label: 'label',
  source: 'source image',
  image: 'sample (real or fake)',
};
