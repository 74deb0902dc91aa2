/** Every problem of the file, those of a layer first-class: a click shows the layer in the editor. */
import type { DiagramModel, DiagramProblem } from '../../../src/protocol';
import type { NetworkRole } from './graphModel';

interface Item {
  problem: DiagramProblem;
  role?: NetworkRole;
  key?: string;
  where: string;
}

interface Props {
  model: DiagramModel;
  onShow(role: NetworkRole, key: string): void;
}

export function ProblemList({ model, onShow }: Props) {
  const items: Item[] = [];
  for (const network of model.networks) {
    for (const node of network.nodes) {
      for (const problem of node.problems) items.push({ problem, role: network.role, key: node.key, where: `${network.role} · ${node.key}` });
    }
  }
  for (const problem of model.problems) items.push({ problem, where: `line ${problem.range.startLine + 1}` });
  if (items.length === 0) return null;
  return (
    <details className="problem-list" open={items.length <= 6}>
      <summary>
        {model.errorCount > 0 && <span className="count error">{model.errorCount} error{model.errorCount === 1 ? '' : 's'}</span>}
        {model.warningCount > 0 && <span className="count warning">{model.warningCount} warning{model.warningCount === 1 ? '' : 's'}</span>}
        {model.errorCount + model.warningCount === 0 && <span className="count">{items.length} note{items.length === 1 ? '' : 's'}</span>}
      </summary>
      <ul>
        {items.map((item, i) => (
          <li key={i} className={`problem ${item.problem.severity}`}>
            {item.role && item.key !== undefined ? (
              <button type="button" className="link-button" onClick={() => onShow(item.role!, item.key!)}>
                {item.where}
              </button>
            ) : (
              <span className="problem-where">{item.where}</span>
            )}
            <span className="problem-message">{item.problem.message}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
