// Runs a callback every `ms` while the component is mounted (and `isActive`).
import { useEffect, useRef } from 'react';

export function useInterval(callback: () => void, ms: number, isActive = true): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (!isActive) return;
    const timer = window.setInterval(() => saved.current(), ms);
    return () => window.clearInterval(timer);
  }, [ms, isActive]);
}
