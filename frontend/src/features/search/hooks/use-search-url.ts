import { useCallback, useEffect, useState } from "react";
import { formatSearchState, parseSearchState, type SearchState } from "../lib/search-state";

/**
 * The search state held in the URL: `navigate` pushes a history entry per search (or replaces the
 * current one), and back/forward (popstate) restore the state of that entry.
 */
export function useSearchUrl() {
  const [state, setState] = useState(() => parseSearchState(window.location.search));

  useEffect(() => {
    const onPopState = () => setState(parseSearchState(window.location.search));
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const navigate = useCallback((next: SearchState, options?: { replace?: boolean }) => {
    const url = `${window.location.pathname}${formatSearchState(next)}`;
    if (url !== `${window.location.pathname}${window.location.search}`) {
      if (options?.replace) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    }
    setState(next);
  }, []);

  return [state, navigate] as const;
}
