/**
 * Colours for the parts drawn on canvas (charts, the 2-D view), where CSS variables cannot
 * reach: read from the `--vscode-*` variables VS Code sets, re-read when the theme changes
 * (VS Code swaps the body class and the variables together).
 */
import { useSyncExternalStore } from 'react';

export interface ThemeColors {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  red: string;
  blue: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  fontFamily: string;
  /** The editor's (monospace) font, for shapes and layer ids. */
  monoFontFamily: string;
  fontSize: number;
  kind: 'light' | 'dark' | 'high-contrast';
}

// The Dark Modern values, for variables a theme leaves out.
const FALLBACK: Record<string, string> = {
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-font-size': '13px',
};

function read(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim() || FALLBACK[name] || '';
}

function themeKind(): ThemeColors['kind'] {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light')) return 'high-contrast';
  return classes.contains('vscode-light') ? 'light' : 'dark';
}

function readTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  return {
    foreground: read(style, '--vscode-editor-foreground'),
    muted: read(style, '--vscode-descriptionForeground'),
    background: read(style, '--vscode-editor-background'),
    grid: read(style, '--vscode-charts-lines'),
    red: read(style, '--vscode-charts-red'),
    blue: read(style, '--vscode-charts-blue'),
    green: read(style, '--vscode-charts-green'),
    yellow: read(style, '--vscode-charts-yellow'),
    orange: read(style, '--vscode-charts-orange'),
    purple: read(style, '--vscode-charts-purple'),
    fontFamily: read(style, '--vscode-font-family'),
    monoFontFamily: read(style, '--vscode-editor-font-family'),
    fontSize: parseFloat(read(style, '--vscode-font-size')) || 13,
    kind: themeKind(),
  };
}

let theme: ThemeColors | undefined;
const listeners = new Set<() => void>();
let observer: MutationObserver | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!observer) {
    observer = new MutationObserver(() => {
      theme = undefined;
      listeners.forEach((l) => l());
    });
    // VS Code sets the variables on <html style> and the theme class on <body>.
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  }
  return () => listeners.delete(listener);
}

export function currentTheme(): ThemeColors {
  theme ??= readTheme();
  return theme;
}

export function useTheme(): ThemeColors {
  return useSyncExternalStore(subscribe, currentTheme);
}

/** The series colours in the order charts hand them out. */
export function seriesPalette(t: ThemeColors): string[] {
  return [t.red, t.blue, t.green, t.yellow, t.purple, t.orange];
}
