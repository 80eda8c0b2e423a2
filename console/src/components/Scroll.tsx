// A wide table's own sideways scroll box, so the page never grows wider than the window. It is
// focusable and named, so a keyboard user can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
import type { ReactNode } from 'react';

export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box is scrolled from the keyboard once focused
    <section className="scroll-x" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
