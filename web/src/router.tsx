// A history router in a few lines: the path is the state, links push it, the
// back button pops it. The server answers every unknown path with index.html,
// so a page can be reloaded or linked to directly.
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

export type Route = 'overview' | 'queue' | 'suppressions' | 'senders' | 'alerts' | 'settings';

export const ROUTE_PATHS: Record<Route, string> = {
  overview: '/',
  queue: '/queue',
  suppressions: '/suppressions',
  senders: '/senders',
  alerts: '/alerts',
  settings: '/settings',
};

const NAVIGATED = 'relais:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

const currentPath = (): string => window.location.pathname.replace(/\/+$/, '') || '/';

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** The route a path shows; null: no such page. */
export function routeOf(path: string): Route | null {
  const found = (Object.entries(ROUTE_PATHS) as [Route, string][]).find(([, p]) => p === path);
  return found ? found[0] : null;
}

export function navigate(path: string): void {
  if (path === currentPath()) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function Link(props: { to: string; children: ReactNode; className?: string; testId?: string }) {
  const isCurrent = usePath() === props.to;
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    // A new tab or window (modifier keys, middle button) is the browser's business.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} className={props.className} data-testid={props.testId} aria-current={isCurrent ? 'page' : undefined} onClick={follow}>
      {props.children}
    </a>
  );
}
