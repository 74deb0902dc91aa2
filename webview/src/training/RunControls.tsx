/** Train, pause, resume, stop and sample-now, as the active run's status allows. */
import type { RunInfo, WebviewToHost } from '../../../src/protocol';

type Command = Extract<WebviewToHost, { type: 'command' }>['command'];

interface Props {
  activeRun?: RunInfo;
  onCommand(command: Command): void;
}

export function RunControls({ activeRun, onCommand }: Props) {
  const status = activeRun?.status;
  const live = status === 'starting' || status === 'running' || status === 'paused';
  const button = (command: Command, label: string, primary = false) => (
    <button key={command} type="button" className={primary ? '' : 'secondary'} onClick={() => onCommand(command)} data-command={command}>
      {label}
    </button>
  );
  return (
    <div className="run-controls" role="toolbar" aria-label="Training">
      {!live && button('train', '▶ Train', true)}
      {status === 'running' && button('pause', '❚❚ Pause')}
      {status === 'paused' && button('resume', '▶ Resume', true)}
      {(status === 'running' || status === 'paused') && button('sample-now', 'Sample now')}
      {live && button('stop', '■ Stop')}
      {button('open-run', 'Open run…')}
    </div>
  );
}
