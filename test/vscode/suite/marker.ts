/** Shared by suite/index.ts (prints it) and lib/inHost.ts (starts echoing the host's console there). */
export const SUITE_START_MARKER = '── GAN Studio in-host suite ──';
