// A page that fails to render shows what went wrong instead of a blank console; the rest of the
// console (navigation, sign-out) keeps working.
import { Component, type ReactNode } from 'react';

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error" role="alert">
        <strong>This page failed to show.</strong>
        <div>{this.state.error.message}</div>
        <p>Reload the page; if it happens again, report it with what you clicked.</p>
      </div>
    );
  }
}
