// Light or dark: the user's choice if they made one, else the system's.
const KEY = 'mandate.theme';
export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  return (document.documentElement.dataset.theme as Theme | undefined) ?? 'light';
}

export function initTheme(): void {
  const chosen = localStorage.getItem(KEY) as Theme | null;
  const system: Theme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = chosen ?? system;
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  document.documentElement.dataset.theme = theme;
}
