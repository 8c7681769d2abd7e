/**
 * The page's four views, each a link that holds its settings: `#neuron?model=izhikevich&I=10`,
 * `#gates?AND=1,1,2`, `#network?model=cuba&rate=400`, `#large?model=microcircuit`. A view writes its
 * settings back with writeHash as they change (history.replaceState: no new history entry, no
 * hashchange), so the address can be copied, shared and reloaded into the same state.
 */
export const VIEWS = ['neuron', 'gates', 'network', 'large'] as const;
export type ViewName = (typeof VIEWS)[number];

/** Without a hash (or with an unknown one) the page opens the network view, as before the views. */
export const DEFAULT_VIEW: ViewName = 'network';

export function parseHash(hash: string): { view: ViewName; params: URLSearchParams } {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const name = q < 0 ? h : h.slice(0, q);
  const view = (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : DEFAULT_VIEW;
  return { view, params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}

/** Write a view's settings into the address (undefined values are left out). */
export function writeHash(view: ViewName, params: Record<string, string | number | undefined>) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  const hash = `#${view}${s ? `?${s}` : ''}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  // the view's link in the navigation comes back to this state
  document.querySelector<HTMLAnchorElement>(`nav.views a[data-view="${view}"]`)?.setAttribute('href', hash);
}

/** Call `route` now and whenever the address's hash changes (a link, back and forward, an edit). */
export function startRouter(route: (view: ViewName, params: URLSearchParams) => void | Promise<void>) {
  const go = () => {
    const { view, params } = parseHash(location.hash);
    void route(view, params);
  };
  window.addEventListener('hashchange', go);
  go();
}
