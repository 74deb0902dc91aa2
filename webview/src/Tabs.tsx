/** The two views of the panel as tabs (arrow keys move between them, as in VS Code). */
import type { KeyboardEvent, ReactNode } from 'react';
import type { PanelView } from '../../src/protocol';

interface Props {
  view: PanelView;
  onChange(view: PanelView): void;
  badges: Partial<Record<PanelView, ReactNode>>;
}

const TABS: { view: PanelView; label: string }[] = [
  { view: 'architecture', label: 'Architecture' },
  { view: 'training', label: 'Training' },
];

export function Tabs({ view, onChange, badges }: Props) {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const index = TABS.findIndex((t) => t.view === view);
    const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    onChange(next.view);
    document.getElementById(`tab-${next.view}`)?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="GAN Studio views" onKeyDown={onKeyDown}>
      {TABS.map((tab) => (
        <button
          key={tab.view}
          id={`tab-${tab.view}`}
          type="button"
          role="tab"
          aria-selected={tab.view === view}
          aria-controls={`view-${tab.view}`}
          tabIndex={tab.view === view ? 0 : -1}
          className="tab"
          onClick={() => onChange(tab.view)}
        >
          {tab.label}
          {badges[tab.view]}
        </button>
      ))}
    </nav>
  );
}
