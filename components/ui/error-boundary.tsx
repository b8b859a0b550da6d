"use client";
import { Component } from "react";

/**
 * Keeps one failing part of a page from taking the whole page down: its children's
 * render error shows as `fallback` in their place (Next.js's error.tsx works per route only).
 * A server component's error arrives here too, its message hidden in production: `fallback`
 * is a node, said in general terms.
 */
export class ErrorBoundary extends Component<{ fallback: React.ReactNode; children: React.ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    return this.state.error ? this.props.fallback : this.props.children;
  }
}
